from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.placeholder import Placeholder
    from ..models.version_model_config import VersionModelConfig
    from ..models.version_variables import VersionVariables


T = TypeVar("T", bound="Version")


@_attrs_define
class Version:
    """
    Attributes:
        number (int):
        template (list[ChatMessage | Placeholder] | str):
        variables (VersionVariables):
        model_config (VersionModelConfig):
        commit_message (str):
        author_label (str):
        created_at (datetime.datetime):
        content_hash (str):
    """

    number: int
    template: list[ChatMessage | Placeholder] | str
    variables: VersionVariables
    model_config: VersionModelConfig
    commit_message: str
    author_label: str
    created_at: datetime.datetime
    content_hash: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_message import ChatMessage

        number = self.number

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

        commit_message = self.commit_message

        author_label = self.author_label

        created_at = self.created_at.isoformat()

        content_hash = self.content_hash

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "template": template,
                "variables": variables,
                "model_config": model_config,
                "commit_message": commit_message,
                "author_label": author_label,
                "created_at": created_at,
                "content_hash": content_hash,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.placeholder import Placeholder
        from ..models.version_model_config import VersionModelConfig
        from ..models.version_variables import VersionVariables

        d = dict(src_dict)
        number = d.pop("number")

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

        variables = VersionVariables.from_dict(d.pop("variables"))

        model_config = VersionModelConfig.from_dict(d.pop("model_config"))

        commit_message = d.pop("commit_message")

        author_label = d.pop("author_label")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        content_hash = d.pop("content_hash")

        version = cls(
            number=number,
            template=template,
            variables=variables,
            model_config=model_config,
            commit_message=commit_message,
            author_label=author_label,
            created_at=created_at,
            content_hash=content_hash,
        )

        version.additional_properties = d
        return version

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
