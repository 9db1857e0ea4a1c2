from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.langfuse_chat_message_in_role import LangfuseChatMessageInRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="LangfuseChatMessageIn")


@_attrs_define
class LangfuseChatMessageIn:
    """
    Attributes:
        role (LangfuseChatMessageInRole): Prompt-Forge stores these three roles (Langfuse allows any string)
        content (str):
        type_ (Literal['chatmessage'] | None | Unset):
    """

    role: LangfuseChatMessageInRole
    content: str
    type_: Literal["chatmessage"] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        role = self.role.value

        content = self.content

        type_: Literal["chatmessage"] | None | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "role": role,
                "content": content,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        role = LangfuseChatMessageInRole(d.pop("role"))

        content = d.pop("content")

        def _parse_type_(data: object) -> Literal["chatmessage"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            type_type_0 = cast(Literal["chatmessage"], data)
            if type_type_0 != "chatmessage":
                raise ValueError(f"type_type_0 must match const 'chatmessage', got '{type_type_0}'")
            return type_type_0
            return cast(Literal["chatmessage"] | None | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        langfuse_chat_message_in = cls(
            role=role,
            content=content,
            type_=type_,
        )

        langfuse_chat_message_in.additional_properties = d
        return langfuse_chat_message_in

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
