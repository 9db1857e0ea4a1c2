from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prompt_create_kind import PromptCreateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.placeholder import Placeholder
    from ..models.prompt_create_model_config import PromptCreateModelConfig
    from ..models.prompt_create_variables_type_0 import PromptCreateVariablesType0


T = TypeVar("T", bound="PromptCreate")


@_attrs_define
class PromptCreate:
    """
    Attributes:
        template (list[ChatMessage | Placeholder] | str):
        name (str):
        kind (PromptCreateKind):
        variables (None | PromptCreateVariablesType0 | Unset): JSON Schema of the variables; names used by the template
            are added.
        model_config (PromptCreateModelConfig | Unset): Provider, model and parameters (temperature, max_tokens, ...).
        commit_message (str | Unset):  Default: ''.
        description (str | Unset):  Default: ''.
        tags (list[str] | Unset):
    """

    template: list[ChatMessage | Placeholder] | str
    name: str
    kind: PromptCreateKind
    variables: None | PromptCreateVariablesType0 | Unset = UNSET
    model_config: PromptCreateModelConfig | Unset = UNSET
    commit_message: str | Unset = ""
    description: str | Unset = ""
    tags: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_message import ChatMessage
        from ..models.prompt_create_variables_type_0 import PromptCreateVariablesType0

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

        name = self.name

        kind = self.kind.value

        variables: dict[str, Any] | None | Unset
        if isinstance(self.variables, Unset):
            variables = UNSET
        elif isinstance(self.variables, PromptCreateVariablesType0):
            variables = self.variables.to_dict()
        else:
            variables = self.variables

        model_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model_config, Unset):
            model_config = self.model_config.to_dict()

        commit_message = self.commit_message

        description = self.description

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "template": template,
                "name": name,
                "kind": kind,
            }
        )
        if variables is not UNSET:
            field_dict["variables"] = variables
        if model_config is not UNSET:
            field_dict["model_config"] = model_config
        if commit_message is not UNSET:
            field_dict["commit_message"] = commit_message
        if description is not UNSET:
            field_dict["description"] = description
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.placeholder import Placeholder
        from ..models.prompt_create_model_config import PromptCreateModelConfig
        from ..models.prompt_create_variables_type_0 import PromptCreateVariablesType0

        d = dict(src_dict)

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

        name = d.pop("name")

        kind = PromptCreateKind(d.pop("kind"))

        def _parse_variables(data: object) -> None | PromptCreateVariablesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                variables_type_0 = PromptCreateVariablesType0.from_dict(data)

                return variables_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PromptCreateVariablesType0 | Unset, data)

        variables = _parse_variables(d.pop("variables", UNSET))

        _model_config = d.pop("model_config", UNSET)
        model_config: PromptCreateModelConfig | Unset
        if isinstance(_model_config, Unset):
            model_config = UNSET
        else:
            model_config = PromptCreateModelConfig.from_dict(_model_config)

        commit_message = d.pop("commit_message", UNSET)

        description = d.pop("description", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        prompt_create = cls(
            template=template,
            name=name,
            kind=kind,
            variables=variables,
            model_config=model_config,
            commit_message=commit_message,
            description=description,
            tags=tags,
        )

        prompt_create.additional_properties = d
        return prompt_create

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
