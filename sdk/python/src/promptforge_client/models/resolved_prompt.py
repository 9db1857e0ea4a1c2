from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.resolved_prompt_kind import ResolvedPromptKind

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.placeholder import Placeholder
    from ..models.resolved_prompt_model_config import ResolvedPromptModelConfig
    from ..models.resolved_prompt_variables import ResolvedPromptVariables


T = TypeVar("T", bound="ResolvedPrompt")


@_attrs_define
class ResolvedPrompt:
    """The payload of the resolve hot path (documented here; served as cached bytes).

    Attributes:
        name (str):
        version (int):
        kind (ResolvedPromptKind):
        template (list[ChatMessage | Placeholder] | str):
        variables (ResolvedPromptVariables):
        model_config (ResolvedPromptModelConfig):
        labels (list[str]):
    """

    name: str
    version: int
    kind: ResolvedPromptKind
    template: list[ChatMessage | Placeholder] | str
    variables: ResolvedPromptVariables
    model_config: ResolvedPromptModelConfig
    labels: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_message import ChatMessage

        name = self.name

        version = self.version

        kind = self.kind.value

        template: list[dict[str, Any]] | str
        if isinstance(self.template, list):
            template = []
            for template_type_1_item_data in self.template:
                template_type_1_item: dict[str, Any]
                if isinstance(template_type_1_item_data, ChatMessage):
                    template_type_1_item = template_type_1_item_data.to_dict()
                else:
                    template_type_1_item = template_type_1_item_data.to_dict()

                template.append(template_type_1_item)

        else:
            template = self.template

        variables = self.variables.to_dict()

        model_config = self.model_config.to_dict()

        labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "version": version,
                "kind": kind,
                "template": template,
                "variables": variables,
                "model_config": model_config,
                "labels": labels,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.placeholder import Placeholder
        from ..models.resolved_prompt_model_config import ResolvedPromptModelConfig
        from ..models.resolved_prompt_variables import ResolvedPromptVariables

        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        kind = ResolvedPromptKind(d.pop("kind"))

        def _parse_template(data: object) -> list[ChatMessage | Placeholder] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                template_type_1 = []
                _template_type_1 = data
                for template_type_1_item_data in _template_type_1:

                    def _parse_template_type_1_item(data: object) -> ChatMessage | Placeholder:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            template_type_1_item_type_0 = ChatMessage.from_dict(data)

                            return template_type_1_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        if not isinstance(data, dict):
                            raise TypeError()
                        template_type_1_item_type_1 = Placeholder.from_dict(data)

                        return template_type_1_item_type_1

                    template_type_1_item = _parse_template_type_1_item(template_type_1_item_data)

                    template_type_1.append(template_type_1_item)

                return template_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ChatMessage | Placeholder] | str, data)

        template = _parse_template(d.pop("template"))

        variables = ResolvedPromptVariables.from_dict(d.pop("variables"))

        model_config = ResolvedPromptModelConfig.from_dict(d.pop("model_config"))

        labels = cast(list[str], d.pop("labels"))

        resolved_prompt = cls(
            name=name,
            version=version,
            kind=kind,
            template=template,
            variables=variables,
            model_config=model_config,
            labels=labels,
        )

        resolved_prompt.additional_properties = d
        return resolved_prompt

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
