from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.workspace_role import WorkspaceRole

T = TypeVar("T", bound="Workspace")


@_attrs_define
class Workspace:
    """
    Attributes:
        id (UUID):
        name (str):
        slug (str):
        is_personal (bool):
        created_at (datetime.datetime):
        role (WorkspaceRole):
    """

    id: UUID
    name: str
    slug: str
    is_personal: bool
    created_at: datetime.datetime
    role: WorkspaceRole
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        slug = self.slug

        is_personal = self.is_personal

        created_at = self.created_at.isoformat()

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "slug": slug,
                "is_personal": is_personal,
                "created_at": created_at,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        slug = d.pop("slug")

        is_personal = d.pop("is_personal")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        role = WorkspaceRole(d.pop("role"))

        workspace = cls(
            id=id,
            name=name,
            slug=slug,
            is_personal=is_personal,
            created_at=created_at,
            role=role,
        )

        workspace.additional_properties = d
        return workspace

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
