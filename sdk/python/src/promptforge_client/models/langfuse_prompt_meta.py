from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.langfuse_prompt_meta_type import LangfusePromptMetaType

if TYPE_CHECKING:
    from ..models.langfuse_prompt_meta_lastconfig import LangfusePromptMetaLastconfig


T = TypeVar("T", bound="LangfusePromptMeta")


@_attrs_define
class LangfusePromptMeta:
    """
    Attributes:
        name (str):
        type_ (LangfusePromptMetaType):
        versions (list[int]):
        labels (list[str]):
        tags (list[str]):
        last_updated_at (datetime.datetime):
        last_config (LangfusePromptMetaLastconfig):
    """

    name: str
    type_: LangfusePromptMetaType
    versions: list[int]
    labels: list[str]
    tags: list[str]
    last_updated_at: datetime.datetime
    last_config: LangfusePromptMetaLastconfig
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_ = self.type_.value

        versions = self.versions

        labels = self.labels

        tags = self.tags

        last_updated_at = self.last_updated_at.isoformat()

        last_config = self.last_config.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
                "versions": versions,
                "labels": labels,
                "tags": tags,
                "lastUpdatedAt": last_updated_at,
                "lastConfig": last_config,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.langfuse_prompt_meta_lastconfig import LangfusePromptMetaLastconfig

        d = dict(src_dict)
        name = d.pop("name")

        type_ = LangfusePromptMetaType(d.pop("type"))

        versions = cast(list[int], d.pop("versions"))

        labels = cast(list[str], d.pop("labels"))

        tags = cast(list[str], d.pop("tags"))

        last_updated_at = datetime.datetime.fromisoformat(d.pop("lastUpdatedAt"))

        last_config = LangfusePromptMetaLastconfig.from_dict(d.pop("lastConfig"))

        langfuse_prompt_meta = cls(
            name=name,
            type_=type_,
            versions=versions,
            labels=labels,
            tags=tags,
            last_updated_at=last_updated_at,
            last_config=last_config,
        )

        langfuse_prompt_meta.additional_properties = d
        return langfuse_prompt_meta

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
