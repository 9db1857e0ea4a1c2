from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.langfuse_prompt_type import LangfusePromptType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.langfuse_chat_message import LangfuseChatMessage
    from ..models.langfuse_placeholder import LangfusePlaceholder
    from ..models.langfuse_prompt_config import LangfusePromptConfig
    from ..models.langfuse_prompt_resolution_graph_type_0 import LangfusePromptResolutionGraphType0


T = TypeVar("T", bound="LangfusePrompt")


@_attrs_define
class LangfusePrompt:
    """Langfuse's prompt (documentation of the body; it is served from the resolve caches as bytes).

    Attributes:
        type_ (LangfusePromptType):
        name (str):
        version (int):
        prompt (list[LangfuseChatMessage | LangfusePlaceholder] | str):
        config (LangfusePromptConfig): The version's model_config
        labels (list[str]): Labels on this version; `latest` on the newest
        tags (list[str]):
        commit_message (None | str):
        resolution_graph (LangfusePromptResolutionGraphType0 | None | Unset):
    """

    type_: LangfusePromptType
    name: str
    version: int
    prompt: list[LangfuseChatMessage | LangfusePlaceholder] | str
    config: LangfusePromptConfig
    labels: list[str]
    tags: list[str]
    commit_message: None | str
    resolution_graph: LangfusePromptResolutionGraphType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.langfuse_chat_message import LangfuseChatMessage
        from ..models.langfuse_prompt_resolution_graph_type_0 import LangfusePromptResolutionGraphType0

        type_ = self.type_.value

        name = self.name

        version = self.version

        prompt: list[dict[str, Any]] | str
        if isinstance(self.prompt, list):
            prompt = []
            for prompt_type_1_item_data in self.prompt:
                prompt_type_1_item: dict[str, Any]
                if isinstance(prompt_type_1_item_data, LangfuseChatMessage):
                    prompt_type_1_item = prompt_type_1_item_data.to_dict()
                else:
                    prompt_type_1_item = prompt_type_1_item_data.to_dict()

                prompt.append(prompt_type_1_item)

        else:
            prompt = self.prompt

        config = self.config.to_dict()

        labels = self.labels

        tags = self.tags

        commit_message: None | str
        commit_message = self.commit_message

        resolution_graph: dict[str, Any] | None | Unset
        if isinstance(self.resolution_graph, Unset):
            resolution_graph = UNSET
        elif isinstance(self.resolution_graph, LangfusePromptResolutionGraphType0):
            resolution_graph = self.resolution_graph.to_dict()
        else:
            resolution_graph = self.resolution_graph

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "name": name,
                "version": version,
                "prompt": prompt,
                "config": config,
                "labels": labels,
                "tags": tags,
                "commitMessage": commit_message,
            }
        )
        if resolution_graph is not UNSET:
            field_dict["resolutionGraph"] = resolution_graph

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.langfuse_chat_message import LangfuseChatMessage
        from ..models.langfuse_placeholder import LangfusePlaceholder
        from ..models.langfuse_prompt_config import LangfusePromptConfig
        from ..models.langfuse_prompt_resolution_graph_type_0 import LangfusePromptResolutionGraphType0

        d = dict(src_dict)
        type_ = LangfusePromptType(d.pop("type"))

        name = d.pop("name")

        version = d.pop("version")

        def _parse_prompt(data: object) -> list[LangfuseChatMessage | LangfusePlaceholder] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                prompt_type_1 = []
                _prompt_type_1 = data
                for prompt_type_1_item_data in _prompt_type_1:

                    def _parse_prompt_type_1_item(data: object) -> LangfuseChatMessage | LangfusePlaceholder:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            prompt_type_1_item_type_0 = LangfuseChatMessage.from_dict(data)

                            return prompt_type_1_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        if not isinstance(data, dict):
                            raise TypeError()
                        prompt_type_1_item_type_1 = LangfusePlaceholder.from_dict(data)

                        return prompt_type_1_item_type_1

                    prompt_type_1_item = _parse_prompt_type_1_item(prompt_type_1_item_data)

                    prompt_type_1.append(prompt_type_1_item)

                return prompt_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[LangfuseChatMessage | LangfusePlaceholder] | str, data)

        prompt = _parse_prompt(d.pop("prompt"))

        config = LangfusePromptConfig.from_dict(d.pop("config"))

        labels = cast(list[str], d.pop("labels"))

        tags = cast(list[str], d.pop("tags"))

        def _parse_commit_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        commit_message = _parse_commit_message(d.pop("commitMessage"))

        def _parse_resolution_graph(data: object) -> LangfusePromptResolutionGraphType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resolution_graph_type_0 = LangfusePromptResolutionGraphType0.from_dict(data)

                return resolution_graph_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LangfusePromptResolutionGraphType0 | None | Unset, data)

        resolution_graph = _parse_resolution_graph(d.pop("resolutionGraph", UNSET))

        langfuse_prompt = cls(
            type_=type_,
            name=name,
            version=version,
            prompt=prompt,
            config=config,
            labels=labels,
            tags=tags,
            commit_message=commit_message,
            resolution_graph=resolution_graph,
        )

        langfuse_prompt.additional_properties = d
        return langfuse_prompt

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
