"""Request and response bodies of workspaces, members, invitations, projects and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field

from promptforge.core.schemas import Schema

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
LABEL = r"^[a-z0-9][a-z0-9._-]{0,63}$"
MemberRole = Literal["viewer", "editor", "admin", "owner"]


class WorkspaceCreate(Schema):
    name: str = Field(min_length=1, max_length=100)
    slug: str = Field(pattern=SLUG)


class WorkspaceUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    slug: str | None = Field(default=None, pattern=SLUG)


class Workspace(Schema):
    id: uuid.UUID
    name: str
    slug: str
    is_personal: bool
    created_at: datetime
    role: MemberRole


class MemberCreate(Schema):
    """Invite someone by e-mail; they become a member when they accept."""

    email: EmailStr
    role: MemberRole


InvitationStatus = Literal["pending", "accepted", "declined", "revoked", "expired"]


class InvitationWorkspace(Schema):
    id: uuid.UUID
    name: str
    slug: str


class Invitation(Schema):
    id: uuid.UUID
    workspace: InvitationWorkspace
    email: str
    role: MemberRole
    status: InvitationStatus
    invited_by: str | None = Field(description="E-mail of the member who sent it (null once deleted).")
    created_at: datetime
    expires_at: datetime


class MemberUpdate(Schema):
    role: MemberRole


class Member(Schema):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: MemberRole
    created_at: datetime


class ProjectCreate(Schema):
    name: str = Field(min_length=1, max_length=100)
    slug: str = Field(pattern=SLUG)


class ProjectUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    slug: str | None = Field(default=None, pattern=SLUG)
    protected_labels: list[Annotated[str, Field(pattern=LABEL)]] | None = Field(default=None, max_length=50)


class Project(Schema):
    id: uuid.UUID
    workspace_id: uuid.UUID
    name: str
    slug: str
    protected_labels: list[str]
    created_at: datetime


class AuditEvent(Schema):
    id: uuid.UUID
    workspace_id: uuid.UUID
    project_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    actor_api_key_id: uuid.UUID | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    data: dict[str, Any]
    ip: str | None
    created_at: datetime
