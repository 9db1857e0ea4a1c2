"""Workspaces, memberships, projects and the audit log: rules and queries."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.api_keys.service import forget_keys_of_projects
from promptforge.auth.models import User
from promptforge.auth.principal import Principal
from promptforge.auth.schemas import MembershipWorkspace, MeMembership
from promptforge.core.errors import Conflict, NotFound, Unauthorized, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.core.pagination import PageParams, paginate
from promptforge.workspaces import schemas
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.models import AuditEvent, Membership, Project, Workspace
from promptforge.workspaces.permissions import (
    Action,
    Role,
    WorkspaceAccess,
    authorize_project,
    authorize_workspace,
    check_action,
    require_user,
)


def workspace_out(workspace: Workspace, role: Role | str) -> schemas.Workspace:
    """A workspace as its member sees it, with their role."""
    return schemas.Workspace(
        id=workspace.id,
        name=workspace.name,
        slug=workspace.slug,
        is_personal=workspace.is_personal,
        created_at=workspace.created_at,
        role=Role(role).value,
    )


async def _slug_taken(session: AsyncSession, slug: str) -> bool:
    return (await session.scalar(select(func.count()).where(Workspace.slug == slug))) != 0


async def create_personal_workspace(session: AsyncSession, user: User) -> Workspace:
    """Registration gives every user a personal workspace with a `default` project."""
    base = re.sub(r"[^a-z0-9-]+", "-", user.email.split("@")[0].lower()).strip("-")[:40] or "user"
    slug = base
    while await _slug_taken(session, slug):
        slug = f"{base}-{secrets.token_hex(3)}"
    workspace = Workspace(name=f"{user.display_name}'s workspace", slug=slug, is_personal=True)
    session.add(workspace)
    await session.flush()
    session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=Role.OWNER.value))
    project = Project(workspace_id=workspace.id, name="Default", slug="default")
    session.add(project)
    await session.flush()
    await record_audit(
        session,
        None,
        actor=user,
        workspace_id=workspace.id,
        action="workspace.created",
        target_type="workspace",
        target_id=workspace.id,
        data={"slug": slug, "personal": True},
    )
    return workspace


# --- workspaces -------------------------------------------------------------------------------


async def list_workspaces(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[schemas.Workspace], str | None]:
    user_id = require_user(principal)
    roles = dict(
        (
            await session.execute(
                select(Membership.workspace_id, Membership.role).where(Membership.user_id == user_id)
            )
        ).all()
    )
    stmt = select(Workspace).where(Workspace.id.in_(roles))
    rows, cursor = await paginate(session, stmt, Workspace.id, page, newest_first=False)
    return [workspace_out(w, roles[w.id]) for w in rows], cursor


async def create_workspace(
    session: AsyncSession, principal: Principal, data: schemas.WorkspaceCreate
) -> schemas.Workspace:
    user_id = require_user(principal)
    if await _slug_taken(session, data.slug):
        raise Conflict(f"Workspace slug '{data.slug}' is taken.", code="slug_taken")
    workspace = Workspace(name=data.name, slug=data.slug)
    session.add(workspace)
    await session.flush()
    session.add(Membership(workspace_id=workspace.id, user_id=user_id, role=Role.OWNER.value))
    await record_audit(
        session,
        principal,
        workspace_id=workspace.id,
        action="workspace.created",
        target_type="workspace",
        target_id=workspace.id,
        data={"slug": data.slug},
    )
    await session.flush()
    return workspace_out(workspace, Role.OWNER)


async def get_workspace(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID
) -> schemas.Workspace:
    access = await authorize_workspace(session, principal, workspace_id, Action.READ)
    return workspace_out(access.workspace, access.role)


async def update_workspace(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, data: schemas.WorkspaceUpdate
) -> schemas.Workspace:
    access = await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    workspace = access.workspace
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if (
        "slug" in changes
        and changes["slug"] != workspace.slug
        and await _slug_taken(session, changes["slug"])
    ):
        raise Conflict(f"Workspace slug '{changes['slug']}' is taken.", code="slug_taken")
    for field, value in changes.items():
        setattr(workspace, field, value)
    await record_audit(
        session,
        principal,
        workspace_id=workspace.id,
        action="workspace.updated",
        target_type="workspace",
        target_id=workspace.id,
        data=changes,
    )
    await session.flush()
    return workspace_out(workspace, access.role)


async def delete_workspace(
    session: AsyncSession, kv: KeyValueStore, principal: Principal, workspace_id: uuid.UUID
) -> None:
    access = await authorize_workspace(session, principal, workspace_id, Action.OWN)
    project_ids = list(await session.scalars(select(Project.id).where(Project.workspace_id == workspace_id)))
    await forget_keys_of_projects(session, kv, project_ids)
    # The audit trail of a deleted workspace goes with it (cascade); the access log keeps the request.
    await session.delete(access.workspace)
    await session.flush()


# --- members ----------------------------------------------------------------------------------


def check_can_grant(access: WorkspaceAccess, role: Role) -> None:
    """Admins manage members and invitations below admin; only owners grant or take away admin and owner."""
    if role.rank >= Role.ADMIN.rank:
        check_action(access.principal, access.role, Action.MANAGE_ADMINS)


def _member_out(membership: Membership, user: User) -> schemas.Member:
    return schemas.Member(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=membership.role,
        created_at=membership.created_at,
    )


async def list_members(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, page: PageParams
) -> tuple[list[schemas.Member], str | None]:
    await authorize_workspace(session, principal, workspace_id, Action.READ)
    stmt = select(Membership).where(Membership.workspace_id == workspace_id)
    rows, cursor = await paginate(session, stmt, Membership.id, page, newest_first=False)
    users = {
        u.id: u for u in await session.scalars(select(User).where(User.id.in_([m.user_id for m in rows])))
    }
    return [_member_out(m, users[m.user_id]) for m in rows], cursor


async def _membership(
    session: AsyncSession, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    result = await session.scalars(
        select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    )
    return result.first()


async def _member_for_change(
    session: AsyncSession, access: WorkspaceAccess, user_id: uuid.UUID
) -> tuple[Membership, User]:
    membership = await _membership(session, access.workspace.id, user_id)
    user = await session.get(User, user_id)
    if membership is None or user is None:
        raise NotFound("Member not found.")
    check_can_grant(access, Role(membership.role))
    return membership, user


async def _serialize_member_changes(session: AsyncSession, workspace_id: uuid.UUID) -> None:
    """Make member changes of one workspace wait for each other until commit (the last-owner rule).

    Called first, before authorization: everything read after it (the caller's own role included)
    is the state the previous change committed, so two owners demoting each other cannot both pass.
    """
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks. Its reads before the first write run outside a transaction; the
        # first write takes the database write lock, which a concurrent writer waits for (busy_timeout).
        await session.execute(
            update(Workspace)
            .where(Workspace.id == workspace_id)
            .values(name=Workspace.name)
            .execution_options(synchronize_session=False)
        )
    else:
        await session.execute(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update())


async def _ensure_another_owner(session: AsyncSession, workspace_id: uuid.UUID) -> None:
    owners = await session.scalar(
        select(func.count()).where(
            Membership.workspace_id == workspace_id, Membership.role == Role.OWNER.value
        )
    )
    if (owners or 0) <= 1:
        raise Conflict("A workspace needs at least one owner.", code="last_owner")


async def update_member(
    session: AsyncSession,
    principal: Principal,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    data: schemas.MemberUpdate,
) -> schemas.Member:
    await _serialize_member_changes(session, workspace_id)
    access = await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    membership, user = await _member_for_change(session, access, user_id)
    new_role = Role(data.role)
    check_can_grant(access, new_role)
    if membership.role == Role.OWNER.value and new_role is not Role.OWNER:
        await _ensure_another_owner(session, workspace_id)
    old_role = membership.role
    membership.role = new_role.value
    await record_audit(
        session,
        principal,
        workspace_id=workspace_id,
        action="member.role_changed",
        target_type="user",
        target_id=user.id,
        data={"email": user.email, "from": old_role, "to": new_role.value},
    )
    await session.flush()
    return _member_out(membership, user)


async def remove_member(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    await _serialize_member_changes(session, workspace_id)
    access = await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    membership, user = await _member_for_change(session, access, user_id)
    if membership.role == Role.OWNER.value:
        await _ensure_another_owner(session, workspace_id)
    await session.delete(membership)
    await record_audit(
        session,
        principal,
        workspace_id=workspace_id,
        action="member.removed",
        target_type="user",
        target_id=user.id,
        data={"email": user.email, "role": membership.role},
    )
    await session.flush()


async def sole_owned_workspaces(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Names of the shared workspaces that would be left without an active owner if this user left."""
    owned = list(
        await session.scalars(
            select(Workspace)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == user_id, Membership.role == Role.OWNER.value)
        )
    )
    orphaned = []
    for workspace in owned:
        members = (
            await session.execute(
                select(Membership.role, User.is_active)
                .join(User, User.id == Membership.user_id)
                .where(Membership.workspace_id == workspace.id, Membership.user_id != user_id)
            )
        ).all()
        if members and not any(role == Role.OWNER.value and active for role, active in members):
            orphaned.append(workspace.name)
    return orphaned


# --- projects ---------------------------------------------------------------------------------


async def list_projects(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, page: PageParams
) -> tuple[Sequence[Project], str | None]:
    await authorize_workspace(session, principal, workspace_id, Action.READ)
    stmt = select(Project).where(Project.workspace_id == workspace_id)
    return await paginate(session, stmt, Project.id, page, newest_first=False)


async def _project_slug_taken(session: AsyncSession, workspace_id: uuid.UUID, slug: str) -> bool:
    count = await session.scalar(
        select(func.count()).where(Project.workspace_id == workspace_id, Project.slug == slug)
    )
    return count != 0


async def create_project(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, data: schemas.ProjectCreate
) -> Project:
    await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    if await _project_slug_taken(session, workspace_id, data.slug):
        raise Conflict(f"Project slug '{data.slug}' is taken in this workspace.", code="slug_taken")
    project = Project(workspace_id=workspace_id, name=data.name, slug=data.slug)
    session.add(project)
    await session.flush()
    await record_audit(
        session,
        principal,
        workspace_id=workspace_id,
        project_id=project.id,
        action="project.created",
        target_type="project",
        target_id=project.id,
        data={"slug": data.slug},
    )
    return project


async def get_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> Project:
    return (await authorize_project(session, principal, project_id, Action.READ)).project


async def update_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, data: schemas.ProjectUpdate
) -> Project:
    project = (await authorize_project(session, principal, project_id, Action.MANAGE)).project
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    new_slug = changes.get("slug", project.slug)
    if new_slug != project.slug and await _project_slug_taken(session, project.workspace_id, new_slug):
        raise Conflict(f"Project slug '{changes['slug']}' is taken in this workspace.", code="slug_taken")
    if "protected_labels" in changes:
        if "latest" in changes["protected_labels"]:
            raise Unprocessable.field(
                ["body", "protected_labels"], "'latest' is implicit and cannot be protected."
            )
        changes["protected_labels"] = sorted(set(changes["protected_labels"]))
    for field, value in changes.items():
        setattr(project, field, value)
    await record_audit(
        session,
        principal,
        workspace_id=project.workspace_id,
        project_id=project.id,
        action="project.updated",
        target_type="project",
        target_id=project.id,
        data=changes,
    )
    await session.flush()
    return project


async def delete_project(
    session: AsyncSession, kv: KeyValueStore, principal: Principal, project_id: uuid.UUID
) -> None:
    project = (await authorize_project(session, principal, project_id, Action.MANAGE)).project
    await forget_keys_of_projects(session, kv, [project_id])
    await record_audit(
        session,
        principal,
        workspace_id=project.workspace_id,
        action="project.deleted",
        target_type="project",
        target_id=project.id,
        data={"slug": project.slug},
    )
    await session.delete(project)
    await session.flush()


# --- audit log --------------------------------------------------------------------------------


async def list_audit_events(
    session: AsyncSession,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageParams,
    *,
    action: str | None = None,
    actor: str | None = None,
    project_id: uuid.UUID | None = None,
) -> tuple[Sequence[AuditEvent], str | None]:
    await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    stmt = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        stmt = stmt.where(func.lower(AuditEvent.actor_label).contains(actor.lower(), autoescape=True))
    if project_id:
        stmt = stmt.where(AuditEvent.project_id == project_id)
    return await paginate(session, stmt, AuditEvent.id, page)


async def list_my_memberships(session: AsyncSession, principal: Principal) -> tuple[User, list[MeMembership]]:
    """The signed-in user with every workspace they belong to and their role there."""
    user_id = require_user(principal)
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("Session expired; sign in again.", code="invalid_session")
    rows = (
        await session.execute(
            select(Workspace, Membership.role)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == user_id)
            .order_by(Workspace.id)
        )
    ).all()
    memberships = [MeMembership(workspace=MembershipWorkspace.model_validate(w), role=r) for w, r in rows]
    return user, memberships
