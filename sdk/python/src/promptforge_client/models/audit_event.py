from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_event_data import AuditEventData


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        id (UUID):
        workspace_id (UUID):
        project_id (None | UUID):
        actor_user_id (None | UUID):
        actor_api_key_id (None | UUID):
        actor_label (str):
        action (str):
        target_type (str):
        target_id (str):
        data (AuditEventData):
        ip (None | str):
        created_at (datetime.datetime):
    """

    id: UUID
    workspace_id: UUID
    project_id: None | UUID
    actor_user_id: None | UUID
    actor_api_key_id: None | UUID
    actor_label: str
    action: str
    target_type: str
    target_id: str
    data: AuditEventData
    ip: None | str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        workspace_id = str(self.workspace_id)

        project_id: None | str
        if isinstance(self.project_id, UUID):
            project_id = str(self.project_id)
        else:
            project_id = self.project_id

        actor_user_id: None | str
        if isinstance(self.actor_user_id, UUID):
            actor_user_id = str(self.actor_user_id)
        else:
            actor_user_id = self.actor_user_id

        actor_api_key_id: None | str
        if isinstance(self.actor_api_key_id, UUID):
            actor_api_key_id = str(self.actor_api_key_id)
        else:
            actor_api_key_id = self.actor_api_key_id

        actor_label = self.actor_label

        action = self.action

        target_type = self.target_type

        target_id = self.target_id

        data = self.data.to_dict()

        ip: None | str
        ip = self.ip

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workspace_id": workspace_id,
                "project_id": project_id,
                "actor_user_id": actor_user_id,
                "actor_api_key_id": actor_api_key_id,
                "actor_label": actor_label,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "data": data,
                "ip": ip,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_event_data import AuditEventData

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        workspace_id = UUID(d.pop("workspace_id"))

        def _parse_project_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                project_id_type_0 = UUID(data)

                return project_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        project_id = _parse_project_id(d.pop("project_id"))

        def _parse_actor_user_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                actor_user_id_type_0 = UUID(data)

                return actor_user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        actor_user_id = _parse_actor_user_id(d.pop("actor_user_id"))

        def _parse_actor_api_key_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                actor_api_key_id_type_0 = UUID(data)

                return actor_api_key_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        actor_api_key_id = _parse_actor_api_key_id(d.pop("actor_api_key_id"))

        actor_label = d.pop("actor_label")

        action = d.pop("action")

        target_type = d.pop("target_type")

        target_id = d.pop("target_id")

        data = AuditEventData.from_dict(d.pop("data"))

        def _parse_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip = _parse_ip(d.pop("ip"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        audit_event = cls(
            id=id,
            workspace_id=workspace_id,
            project_id=project_id,
            actor_user_id=actor_user_id,
            actor_api_key_id=actor_api_key_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            data=data,
            ip=ip,
            created_at=created_at,
        )

        audit_event.additional_properties = d
        return audit_event

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
