from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.exported_version_model_config import ExportedVersionModelConfig
    from ..models.exported_version_variables_type_0 import ExportedVersionVariablesType0
    from ..models.placeholder import Placeholder


T = TypeVar("T", bound="ExportedVersion")


@_attrs_define
class ExportedVersion:
    """
    Attributes:
        template (list[ChatMessage | Placeholder] | str):
        number (int): A version number (1, 2, ...)
        variables (ExportedVersionVariablesType0 | None | Unset): JSON Schema of the variables; names used by the
            template are added.
        model_config (ExportedVersionModelConfig | Unset): Provider, model and parameters (temperature, max_tokens,
            ...).
        commit_message (str | Unset):  Default: ''.
    """

    template: list[ChatMessage | Placeholder] | str
    number: int
    variables: ExportedVersionVariablesType0 | None | Unset = UNSET
    model_config: ExportedVersionModelConfig | Unset = UNSET
    commit_message: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_message import ChatMessage
        from ..models.exported_version_variables_type_0 import ExportedVersionVariablesType0

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

        number = self.number

        variables: dict[str, Any] | None | Unset
        if isinstance(self.variables, Unset):
            variables = UNSET
        elif isinstance(self.variables, ExportedVersionVariablesType0):
            variables = self.variables.to_dict()
        else:
            variables = self.variables

        model_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model_config, Unset):
            model_config = self.model_config.to_dict()

        commit_message = self.commit_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "template": template,
                "number": number,
            }
        )
        if variables is not UNSET:
            field_dict["variables"] = variables
        if model_config is not UNSET:
            field_dict["model_config"] = model_config
        if commit_message is not UNSET:
            field_dict["commit_message"] = commit_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.exported_version_model_config import ExportedVersionModelConfig
        from ..models.exported_version_variables_type_0 import ExportedVersionVariablesType0
        from ..models.placeholder import Placeholder

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

        number = d.pop("number")

        def _parse_variables(data: object) -> ExportedVersionVariablesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                variables_type_0 = ExportedVersionVariablesType0.from_dict(data)

                return variables_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportedVersionVariablesType0 | None | Unset, data)

        variables = _parse_variables(d.pop("variables", UNSET))

        _model_config = d.pop("model_config", UNSET)
        model_config: ExportedVersionModelConfig | Unset
        if isinstance(_model_config, Unset):
            model_config = UNSET
        else:
            model_config = ExportedVersionModelConfig.from_dict(_model_config)

        commit_message = d.pop("commit_message", UNSET)

        exported_version = cls(
            template=template,
            number=number,
            variables=variables,
            model_config=model_config,
            commit_message=commit_message,
        )

        exported_version.additional_properties = d
        return exported_version

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
