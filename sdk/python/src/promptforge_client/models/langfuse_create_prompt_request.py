from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.langfuse_create_prompt_request_type_type_0 import LangfuseCreatePromptRequestTypeType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.langfuse_chat_message_in import LangfuseChatMessageIn
    from ..models.langfuse_create_prompt_request_config_type_0 import LangfuseCreatePromptRequestConfigType0
    from ..models.langfuse_placeholder_in import LangfusePlaceholderIn


T = TypeVar("T", bound="LangfuseCreatePromptRequest")


@_attrs_define
class LangfuseCreatePromptRequest:
    """Langfuse's create body: a new prompt, or a new version of an existing one.

    Attributes:
        name (str): Prompt-Forge names: lowercase, digits, `._-`
        prompt (list[LangfuseChatMessageIn | LangfusePlaceholderIn] | str):
        type_ (LangfuseCreatePromptRequestTypeType0 | None | Unset): Default `text`
        config (LangfuseCreatePromptRequestConfigType0 | None | Unset): Stored as the version's model_config
        labels (list[str] | None | Unset):
        tags (list[str] | None | Unset): null keeps the tags
        commit_message (None | str | Unset):
    """

    name: str
    prompt: list[LangfuseChatMessageIn | LangfusePlaceholderIn] | str
    type_: LangfuseCreatePromptRequestTypeType0 | None | Unset = UNSET
    config: LangfuseCreatePromptRequestConfigType0 | None | Unset = UNSET
    labels: list[str] | None | Unset = UNSET
    tags: list[str] | None | Unset = UNSET
    commit_message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.langfuse_chat_message_in import LangfuseChatMessageIn
        from ..models.langfuse_create_prompt_request_config_type_0 import (
            LangfuseCreatePromptRequestConfigType0,
        )

        name = self.name

        prompt: list[dict[str, Any]] | str
        if isinstance(self.prompt, list):
            prompt = []
            for prompt_type_1_item_data in self.prompt:
                prompt_type_1_item: dict[str, Any]
                if isinstance(prompt_type_1_item_data, LangfuseChatMessageIn):
                    prompt_type_1_item = prompt_type_1_item_data.to_dict()
                else:
                    prompt_type_1_item = prompt_type_1_item_data.to_dict()

                prompt.append(prompt_type_1_item)

        else:
            prompt = self.prompt

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, LangfuseCreatePromptRequestTypeType0):
            type_ = self.type_.value
        else:
            type_ = self.type_

        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, LangfuseCreatePromptRequestConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        labels: list[str] | None | Unset
        if isinstance(self.labels, Unset):
            labels = UNSET
        elif isinstance(self.labels, list):
            labels = self.labels

        else:
            labels = self.labels

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags

        else:
            tags = self.tags

        commit_message: None | str | Unset
        if isinstance(self.commit_message, Unset):
            commit_message = UNSET
        else:
            commit_message = self.commit_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "prompt": prompt,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if config is not UNSET:
            field_dict["config"] = config
        if labels is not UNSET:
            field_dict["labels"] = labels
        if tags is not UNSET:
            field_dict["tags"] = tags
        if commit_message is not UNSET:
            field_dict["commitMessage"] = commit_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.langfuse_chat_message_in import LangfuseChatMessageIn
        from ..models.langfuse_create_prompt_request_config_type_0 import (
            LangfuseCreatePromptRequestConfigType0,
        )
        from ..models.langfuse_placeholder_in import LangfusePlaceholderIn

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_prompt(data: object) -> list[LangfuseChatMessageIn | LangfusePlaceholderIn] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                prompt_type_1 = []
                _prompt_type_1 = data
                for prompt_type_1_item_data in _prompt_type_1:

                    def _parse_prompt_type_1_item(
                        data: object,
                    ) -> LangfuseChatMessageIn | LangfusePlaceholderIn:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            prompt_type_1_item_type_0 = LangfuseChatMessageIn.from_dict(data)

                            return prompt_type_1_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        if not isinstance(data, dict):
                            raise TypeError()
                        prompt_type_1_item_type_1 = LangfusePlaceholderIn.from_dict(data)

                        return prompt_type_1_item_type_1

                    prompt_type_1_item = _parse_prompt_type_1_item(prompt_type_1_item_data)

                    prompt_type_1.append(prompt_type_1_item)

                return prompt_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[LangfuseChatMessageIn | LangfusePlaceholderIn] | str, data)

        prompt = _parse_prompt(d.pop("prompt"))

        def _parse_type_(data: object) -> LangfuseCreatePromptRequestTypeType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_0 = LangfuseCreatePromptRequestTypeType0(data)

                return type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LangfuseCreatePromptRequestTypeType0 | None | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        def _parse_config(data: object) -> LangfuseCreatePromptRequestConfigType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                config_type_0 = LangfuseCreatePromptRequestConfigType0.from_dict(data)

                return config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LangfuseCreatePromptRequestConfigType0 | None | Unset, data)

        config = _parse_config(d.pop("config", UNSET))

        def _parse_labels(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                labels_type_0 = cast(list[str], data)

                return labels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        labels = _parse_labels(d.pop("labels", UNSET))

        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_commit_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        commit_message = _parse_commit_message(d.pop("commitMessage", UNSET))

        langfuse_create_prompt_request = cls(
            name=name,
            prompt=prompt,
            type_=type_,
            config=config,
            labels=labels,
            tags=tags,
            commit_message=commit_message,
        )

        langfuse_create_prompt_request.additional_properties = d
        return langfuse_create_prompt_request

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
