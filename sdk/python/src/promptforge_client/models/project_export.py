from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.exported_prompt import ExportedPrompt


T = TypeVar("T", bound="ProjectExport")


@_attrs_define
class ProjectExport:
    """
    Attributes:
        prompts (list[ExportedPrompt]):
        format_version (Literal[1] | Unset):  Default: 1.
    """

    prompts: list[ExportedPrompt]
    format_version: Literal[1] | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompts = []
        for prompts_item_data in self.prompts:
            prompts_item = prompts_item_data.to_dict()
            prompts.append(prompts_item)

        format_version = self.format_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompts": prompts,
            }
        )
        if format_version is not UNSET:
            field_dict["format_version"] = format_version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.exported_prompt import ExportedPrompt

        d = dict(src_dict)
        prompts = []
        _prompts = d.pop("prompts")
        for prompts_item_data in _prompts:
            prompts_item = ExportedPrompt.from_dict(prompts_item_data)

            prompts.append(prompts_item)

        format_version = cast(Literal[1] | Unset, d.pop("format_version", UNSET))
        if format_version != 1 and not isinstance(format_version, Unset):
            raise ValueError(f"format_version must match const 1, got '{format_version}'")

        project_export = cls(
            prompts=prompts,
            format_version=format_version,
        )

        project_export.additional_properties = d
        return project_export

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
