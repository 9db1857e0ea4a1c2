"""Roles, actions and the one place that decides who may do what (DESIGN.md §5).

Every service calls `authorize_project` or `authorize_workspace` before touching a tenant's
data; a resource of another tenant answers 404 exactly like a missing one.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.errors import Forbidden, NotFound
from promptforge.workspaces.models import Membership, Project, Workspace


class Role(enum.StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3, Role.OWNER: 4}


class Action(enum.Enum):
    """What a request wants to do; the role it needs is in `MINIMUM_ROLE`, never in the action itself."""

    READ = "read"
    WRITE = "write"
    MOVE_LABEL = "move_label"
    MOVE_PROTECTED_LABEL = "move_protected_label"
    MANAGE = "manage"
    MANAGE_ADMINS = "manage_admins"  # grant, change or take away the admin and owner roles
    OWN = "own"


# The one table from action to the least member role that may perform it.
MINIMUM_ROLE: dict[Action, Role] = {
    Action.READ: Role.VIEWER,
    Action.WRITE: Role.EDITOR,
    Action.MOVE_LABEL: Role.EDITOR,
    Action.MOVE_PROTECTED_LABEL: Role.ADMIN,
    Action.MANAGE: Role.ADMIN,
    Action.MANAGE_ADMINS: Role.OWNER,
    Action.OWN: Role.OWNER,
}

# What an API key of each role may do: never administer anything, nor move a protected label.
API_KEY_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ}),
    Role.EDITOR: frozenset({Action.READ, Action.WRITE, Action.MOVE_LABEL}),
}


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    role: Role
    principal: Principal


@dataclass(frozen=True)
class WorkspaceAccess:
    workspace: Workspace
    role: Role
    principal: Principal


def check_action(principal: Principal, role: Role, action: Action) -> None:
    """Raise 403 unless a caller with `role` in the project (a member, or an API key) may do `action`."""
    if principal.api_key_project_id is not None:
        if action not in API_KEY_ACTIONS.get(role, frozenset()):
            raise Forbidden("API keys cannot perform this action.", code="api_key_forbidden")
    elif role.rank < MINIMUM_ROLE[action].rank:
        needed = MINIMUM_ROLE[action].value
        raise Forbidden(f"This action needs the {needed} role or higher.", code="insufficient_role")


def authorize_label_change(access: ProjectAccess, label: str) -> None:
    """The one rule for moving, removing, importing or (by archiving) orphaning a label of a project.

    Labels listed in the project's `protected_labels` (`production` by default) need admin or owner.
    """
    protected = label in access.project.protected_labels
    action = Action.MOVE_PROTECTED_LABEL if protected else Action.MOVE_LABEL
    check_action(access.principal, access.role, action)


async def authorize_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, action: Action
) -> ProjectAccess:
    """Load the project if the principal may perform `action` on it; 404 if it cannot see it."""
    if principal.api_key_project_id is not None:
        if principal.api_key_project_id != project_id:
            raise NotFound("Project not found.")
        project = await session.get(Project, project_id)
        if project is None:
            raise NotFound("Project not found.")
        role = Role(principal.api_key_role or Role.VIEWER)
        check_action(principal, role, action)
        return ProjectAccess(project, role, principal)
    row = (
        await session.execute(
            select(Project, Membership.role)
            .join(Membership, Membership.workspace_id == Project.workspace_id)
            .where(Project.id == project_id, Membership.user_id == principal.user_id)
        )
    ).first()
    if row is None:
        raise NotFound("Project not found.")
    project, role_name = row
    role = Role(role_name)
    check_action(principal, role, action)
    return ProjectAccess(project, role, principal)


async def authorize_workspace(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, action: Action
) -> WorkspaceAccess:
    """Load the workspace if the principal is a member allowed `action`; 404 for non-members."""
    if principal.api_key_project_id is not None:
        raise Forbidden("API keys are scoped to one project.", code="api_key_forbidden")
    row = (
        await session.execute(
            select(Workspace, Membership.role)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Workspace.id == workspace_id, Membership.user_id == principal.user_id)
        )
    ).first()
    if row is None:
        raise NotFound("Workspace not found.")
    workspace, role_name = row
    role = Role(role_name)
    check_action(principal, role, action)
    return WorkspaceAccess(workspace, role, principal)


def require_user(principal: Principal) -> uuid.UUID:
    """Routes about a person (not a project) refuse API keys."""
    if principal.user_id is None:
        raise Forbidden("API keys are scoped to one project.", code="api_key_forbidden")
    return principal.user_id
