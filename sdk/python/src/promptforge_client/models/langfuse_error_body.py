from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.langfuse_error_body_details_type_0_item import LangfuseErrorBodyDetailsType0Item


T = TypeVar("T", bound="LangfuseErrorBody")


@_attrs_define
class LangfuseErrorBody:
    """
    Attributes:
        message (str):
        error (str): Langfuse's error name, e.g. `LangfuseNotFoundError`
        code (str): Prompt-Forge's error code
        details (list[LangfuseErrorBodyDetailsType0Item] | None | Unset):
    """

    message: str
    error: str
    code: str
    details: list[LangfuseErrorBodyDetailsType0Item] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        error = self.error

        code = self.code

        details: list[dict[str, Any]] | None | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, list):
            details = []
            for details_type_0_item_data in self.details:
                details_type_0_item = details_type_0_item_data.to_dict()
                details.append(details_type_0_item)

        else:
            details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "error": error,
                "code": code,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.langfuse_error_body_details_type_0_item import LangfuseErrorBodyDetailsType0Item

        d = dict(src_dict)
        message = d.pop("message")

        error = d.pop("error")

        code = d.pop("code")

        def _parse_details(data: object) -> list[LangfuseErrorBodyDetailsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                details_type_0 = []
                _details_type_0 = data
                for details_type_0_item_data in _details_type_0:
                    details_type_0_item = LangfuseErrorBodyDetailsType0Item.from_dict(
                        details_type_0_item_data
                    )

                    details_type_0.append(details_type_0_item)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[LangfuseErrorBodyDetailsType0Item] | None | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        langfuse_error_body = cls(
            message=message,
            error=error,
            code=code,
            details=details,
        )

        langfuse_error_body.additional_properties = d
        return langfuse_error_body

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
