from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResultTokens")


@_attrs_define
class ResultTokens:
    """
    Attributes:
        input_ (int | None):
        output (int | None):
    """

    input_: int | None
    output: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_: int | None
        input_ = self.input_

        output: int | None
        output = self.output

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
                "output": output,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_input_(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        input_ = _parse_input_(d.pop("input"))

        def _parse_output(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        output = _parse_output(d.pop("output"))

        result_tokens = cls(
            input_=input_,
            output=output,
        )

        result_tokens.additional_properties = d
        return result_tokens

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
