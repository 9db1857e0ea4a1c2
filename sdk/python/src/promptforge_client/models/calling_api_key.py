from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.calling_api_key_role import CallingApiKeyRole

T = TypeVar("T", bound="CallingApiKey")


@_attrs_define
class CallingApiKey:
    """The API key a request was made with: what it may do and where (tools such as `pf` start here).

    Attributes:
        id (UUID):
        name (str):
        role (CallingApiKeyRole):
        prefix (str):
        project_id (UUID):
        project_slug (str):
        workspace_id (UUID):
        expires_at (datetime.datetime | None):
    """

    id: UUID
    name: str
    role: CallingApiKeyRole
    prefix: str
    project_id: UUID
    project_slug: str
    workspace_id: UUID
    expires_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        role = self.role.value

        prefix = self.prefix

        project_id = str(self.project_id)

        project_slug = self.project_slug

        workspace_id = str(self.workspace_id)

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "role": role,
                "prefix": prefix,
                "project_id": project_id,
                "project_slug": project_slug,
                "workspace_id": workspace_id,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        role = CallingApiKeyRole(d.pop("role"))

        prefix = d.pop("prefix")

        project_id = UUID(d.pop("project_id"))

        project_slug = d.pop("project_slug")

        workspace_id = UUID(d.pop("workspace_id"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        calling_api_key = cls(
            id=id,
            name=name,
            role=role,
            prefix=prefix,
            project_id=project_id,
            project_slug=project_slug,
            workspace_id=workspace_id,
            expires_at=expires_at,
        )

        calling_api_key.additional_properties = d
        return calling_api_key

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
