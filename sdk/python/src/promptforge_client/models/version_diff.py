from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VersionDiff")


@_attrs_define
class VersionDiff:
    """
    Attributes:
        number (int):
        against (int):
        template_diff (list[str]): Unified diff lines of the template
        model_config_diff (list[str]): Unified diff lines of the model config (JSON)
    """

    number: int
    against: int
    template_diff: list[str]
    model_config_diff: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        against = self.against

        template_diff = self.template_diff

        model_config_diff = self.model_config_diff

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "against": against,
                "template_diff": template_diff,
                "model_config_diff": model_config_diff,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        number = d.pop("number")

        against = d.pop("against")

        template_diff = cast(list[str], d.pop("template_diff"))

        model_config_diff = cast(list[str], d.pop("model_config_diff"))

        version_diff = cls(
            number=number,
            against=against,
            template_diff=template_diff,
            model_config_diff=model_config_diff,
        )

        version_diff.additional_properties = d
        return version_diff

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
