from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invitation_role import InvitationRole
from ..models.invitation_status import InvitationStatus

if TYPE_CHECKING:
    from ..models.invitation_workspace import InvitationWorkspace


T = TypeVar("T", bound="Invitation")


@_attrs_define
class Invitation:
    """
    Attributes:
        id (UUID):
        workspace (InvitationWorkspace):
        email (str):
        role (InvitationRole):
        status (InvitationStatus):
        invited_by (None | str): E-mail of the member who sent it (null once deleted).
        created_at (datetime.datetime):
        expires_at (datetime.datetime):
    """

    id: UUID
    workspace: InvitationWorkspace
    email: str
    role: InvitationRole
    status: InvitationStatus
    invited_by: None | str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        workspace = self.workspace.to_dict()

        email = self.email

        role = self.role.value

        status = self.status.value

        invited_by: None | str
        invited_by = self.invited_by

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workspace": workspace,
                "email": email,
                "role": role,
                "status": status,
                "invited_by": invited_by,
                "created_at": created_at,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invitation_workspace import InvitationWorkspace

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        workspace = InvitationWorkspace.from_dict(d.pop("workspace"))

        email = d.pop("email")

        role = InvitationRole(d.pop("role"))

        status = InvitationStatus(d.pop("status"))

        def _parse_invited_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invited_by = _parse_invited_by(d.pop("invited_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        invitation = cls(
            id=id,
            workspace=workspace,
            email=email,
            role=role,
            status=status,
            invited_by=invited_by,
            created_at=created_at,
            expires_at=expires_at,
        )

        invitation.additional_properties = d
        return invitation

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
