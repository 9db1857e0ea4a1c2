from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_report_mode import ImportReportMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment import Deployment
    from ..models.import_outcome import ImportOutcome


T = TypeVar("T", bound="ImportReport")


@_attrs_define
class ImportReport:
    """
    Attributes:
        mode (ImportReportMode):
        applied (bool):
        prompts (list[ImportOutcome]):
        deployments (list[Deployment] | Unset): Label moves the deploy policy holds for approval (pending; the labels
            did not move)
    """

    mode: ImportReportMode
    applied: bool
    prompts: list[ImportOutcome]
    deployments: list[Deployment] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mode = self.mode.value

        applied = self.applied

        prompts = []
        for prompts_item_data in self.prompts:
            prompts_item = prompts_item_data.to_dict()
            prompts.append(prompts_item)

        deployments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.deployments, Unset):
            deployments = []
            for deployments_item_data in self.deployments:
                deployments_item = deployments_item_data.to_dict()
                deployments.append(deployments_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mode": mode,
                "applied": applied,
                "prompts": prompts,
            }
        )
        if deployments is not UNSET:
            field_dict["deployments"] = deployments

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.deployment import Deployment
        from ..models.import_outcome import ImportOutcome

        d = dict(src_dict)
        mode = ImportReportMode(d.pop("mode"))

        applied = d.pop("applied")

        prompts = []
        _prompts = d.pop("prompts")
        for prompts_item_data in _prompts:
            prompts_item = ImportOutcome.from_dict(prompts_item_data)

            prompts.append(prompts_item)

        _deployments = d.pop("deployments", UNSET)
        deployments: list[Deployment] | Unset = UNSET
        if _deployments is not UNSET:
            deployments = []
            for deployments_item_data in _deployments:
                deployments_item = Deployment.from_dict(deployments_item_data)

                deployments.append(deployments_item)

        import_report = cls(
            mode=mode,
            applied=applied,
            prompts=prompts,
            deployments=deployments,
        )

        import_report.additional_properties = d
        return import_report

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
