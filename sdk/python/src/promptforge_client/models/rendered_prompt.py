from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rendered_prompt_kind import RenderedPromptKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rendered_prompt_messages_type_0_item import RenderedPromptMessagesType0Item


T = TypeVar("T", bound="RenderedPrompt")


@_attrs_define
class RenderedPrompt:
    """
    Attributes:
        name (str):
        version (int):
        kind (RenderedPromptKind):
        text (None | str | Unset):
        messages (list[RenderedPromptMessagesType0Item] | None | Unset):
    """

    name: str
    version: int
    kind: RenderedPromptKind
    text: None | str | Unset = UNSET
    messages: list[RenderedPromptMessagesType0Item] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        kind = self.kind.value

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        messages: list[dict[str, Any]] | None | Unset
        if isinstance(self.messages, Unset):
            messages = UNSET
        elif isinstance(self.messages, list):
            messages = []
            for messages_type_0_item_data in self.messages:
                messages_type_0_item = messages_type_0_item_data.to_dict()
                messages.append(messages_type_0_item)

        else:
            messages = self.messages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "version": version,
                "kind": kind,
            }
        )
        if text is not UNSET:
            field_dict["text"] = text
        if messages is not UNSET:
            field_dict["messages"] = messages

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.rendered_prompt_messages_type_0_item import RenderedPromptMessagesType0Item

        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        kind = RenderedPromptKind(d.pop("kind"))

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        def _parse_messages(data: object) -> list[RenderedPromptMessagesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                messages_type_0 = []
                _messages_type_0 = data
                for messages_type_0_item_data in _messages_type_0:
                    messages_type_0_item = RenderedPromptMessagesType0Item.from_dict(
                        messages_type_0_item_data
                    )

                    messages_type_0.append(messages_type_0_item)

                return messages_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RenderedPromptMessagesType0Item] | None | Unset, data)

        messages = _parse_messages(d.pop("messages", UNSET))

        rendered_prompt = cls(
            name=name,
            version=version,
            kind=kind,
            text=text,
            messages=messages,
        )

        rendered_prompt.additional_properties = d
        return rendered_prompt

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
