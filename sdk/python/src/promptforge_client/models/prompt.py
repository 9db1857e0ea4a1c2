from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prompt_kind import PromptKind

if TYPE_CHECKING:
    from ..models.prompt_labels import PromptLabels


T = TypeVar("T", bound="Prompt")


@_attrs_define
class Prompt:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        name (str):
        kind (PromptKind):
        description (str):
        tags (list[str]):
        labels (PromptLabels): label name → version number (`latest` is implicit)
        latest_version (int):
        archived (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    project_id: UUID
    name: str
    kind: PromptKind
    description: str
    tags: list[str]
    labels: PromptLabels
    latest_version: int
    archived: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        project_id = str(self.project_id)

        name = self.name

        kind = self.kind.value

        description = self.description

        tags = self.tags

        labels = self.labels.to_dict()

        latest_version = self.latest_version

        archived = self.archived

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "project_id": project_id,
                "name": name,
                "kind": kind,
                "description": description,
                "tags": tags,
                "labels": labels,
                "latest_version": latest_version,
                "archived": archived,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prompt_labels import PromptLabels

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        name = d.pop("name")

        kind = PromptKind(d.pop("kind"))

        description = d.pop("description")

        tags = cast(list[str], d.pop("tags"))

        labels = PromptLabels.from_dict(d.pop("labels"))

        latest_version = d.pop("latest_version")

        archived = d.pop("archived")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        prompt = cls(
            id=id,
            project_id=project_id,
            name=name,
            kind=kind,
            description=description,
            tags=tags,
            labels=labels,
            latest_version=latest_version,
            archived=archived,
            created_at=created_at,
            updated_at=updated_at,
        )

        prompt.additional_properties = d
        return prompt

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
