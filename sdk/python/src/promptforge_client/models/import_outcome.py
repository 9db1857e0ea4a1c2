from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_outcome_status import ImportOutcomeStatus

T = TypeVar("T", bound="ImportOutcome")


@_attrs_define
class ImportOutcome:
    """
    Attributes:
        name (str):
        status (ImportOutcomeStatus):
        versions_added (int):
        labels_moved (list[str]):
    """

    name: str
    status: ImportOutcomeStatus
    versions_added: int
    labels_moved: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        status = self.status.value

        versions_added = self.versions_added

        labels_moved = self.labels_moved

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "status": status,
                "versions_added": versions_added,
                "labels_moved": labels_moved,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        status = ImportOutcomeStatus(d.pop("status"))

        versions_added = d.pop("versions_added")

        labels_moved = cast(list[str], d.pop("labels_moved"))

        import_outcome = cls(
            name=name,
            status=status,
            versions_added=versions_added,
            labels_moved=labels_moved,
        )

        import_outcome.additional_properties = d
        return import_outcome

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
