"""Invitations: admins offer a role to an e-mail address, the owner of that address accepts or declines.

Nobody becomes a member without consent, and inviting answers the same whether or not the
e-mail has an account, so the members page cannot be used to discover who is registered.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.models import User
from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import utcnow
from promptforge.core.errors import Conflict, NotFound, Unauthorized
from promptforge.core.pagination import PageParams, paginate
from promptforge.workspaces import schemas
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.models import Invitation, Membership, Workspace
from promptforge.workspaces.permissions import Action, Role, authorize_workspace, require_user
from promptforge.workspaces.service import check_can_grant, workspace_out

PENDING = "pending"


def _status(invitation: Invitation) -> str:
    if invitation.status == PENDING and invitation.expires_at <= utcnow():
        return "expired"
    return invitation.status


async def _out(session: AsyncSession, invitations: list[Invitation]) -> list[schemas.Invitation]:
    """Serialise invitations with their workspace and the inviter's e-mail (two queries for the page)."""
    workspace_ids = {i.workspace_id for i in invitations}
    inviter_ids = {i.invited_by_id for i in invitations if i.invited_by_id}
    workspaces = {
        w.id: w for w in await session.scalars(select(Workspace).where(Workspace.id.in_(workspace_ids)))
    }
    inviters = dict(
        (await session.execute(select(User.id, User.email).where(User.id.in_(inviter_ids)))).all()
    )
    return [
        schemas.Invitation(
            id=i.id,
            workspace=schemas.InvitationWorkspace.model_validate(workspaces[i.workspace_id]),
            email=i.email,
            role=Role(i.role).value,
            status=_status(i),
            invited_by=inviters.get(i.invited_by_id) if i.invited_by_id else None,
            created_at=i.created_at,
            expires_at=i.expires_at,
        )
        for i in invitations
    ]


async def invite_member(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    workspace_id: uuid.UUID,
    data: schemas.MemberCreate,
) -> schemas.Invitation:
    """Create a pending invitation (admins invite below admin; owners invite anyone)."""
    access = await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    role = Role(data.role)
    check_can_grant(access, role)
    email = data.email.lower()
    # Members are listed to every member anyway: saying so reveals nothing about other accounts.
    member = await session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id, User.email == email)
    )
    if member is not None:
        raise Conflict("This person is already a member.", code="already_member")
    pending = await session.scalar(
        select(Invitation.id).where(
            Invitation.workspace_id == workspace_id,
            Invitation.email == email,
            Invitation.status == PENDING,
            Invitation.expires_at > utcnow(),
        )
    )
    if pending is not None:
        raise Conflict(
            "This e-mail already has a pending invitation; revoke it first.", code="already_invited"
        )
    invitation = Invitation(
        workspace_id=workspace_id,
        email=email,
        role=role.value,
        status=PENDING,
        invited_by_id=principal.user_id,
        expires_at=utcnow() + timedelta(days=settings.invitation_days),
    )
    session.add(invitation)
    await session.flush()
    await record_audit(
        session,
        principal,
        workspace_id=workspace_id,
        action="invitation.created",
        target_type="invitation",
        target_id=invitation.id,
        data={"email": email, "role": role.value},
    )
    return (await _out(session, [invitation]))[0]


async def list_invitations(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, page: PageParams
) -> tuple[list[schemas.Invitation], str | None]:
    """Pending invitations of a workspace (expired ones included, marked so), newest first."""
    await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    stmt = select(Invitation).where(Invitation.workspace_id == workspace_id, Invitation.status == PENDING)
    rows, cursor = await paginate(session, stmt, Invitation.id, page)
    return await _out(session, list(rows)), cursor


async def revoke_invitation(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, invitation_id: uuid.UUID
) -> None:
    """Withdraw a pending invitation; it can no longer be accepted."""
    access = await authorize_workspace(session, principal, workspace_id, Action.MANAGE)
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.workspace_id != workspace_id:
        raise NotFound("Invitation not found.")
    check_can_grant(access, Role(invitation.role))
    if not await _claim(session, invitation, "revoked"):
        raise Conflict("This invitation was already answered or revoked.", code="invitation_closed")
    await record_audit(
        session,
        principal,
        workspace_id=workspace_id,
        action="invitation.revoked",
        target_type="invitation",
        target_id=invitation.id,
        data={"email": invitation.email, "role": invitation.role},
    )


async def _claim(session: AsyncSession, invitation: Invitation, status: str) -> bool:
    """Move a pending invitation to `status`; False when another request answered it first."""
    now = utcnow()
    result = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == PENDING)
        .values(status=status, responded_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    invitation.status, invitation.responded_at = status, now
    return True


async def _invitee(session: AsyncSession, principal: Principal) -> User:
    user = await session.get(User, require_user(principal))
    if user is None or not user.is_active:
        raise Unauthorized("Session expired; sign in again.", code="invalid_session")
    return user


async def list_my_invitations(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[schemas.Invitation], str | None]:
    """Open invitations addressed to the signed-in user's e-mail, newest first."""
    user = await _invitee(session, principal)
    stmt = select(Invitation).where(
        Invitation.email == user.email, Invitation.status == PENDING, Invitation.expires_at > utcnow()
    )
    rows, cursor = await paginate(session, stmt, Invitation.id, page)
    return await _out(session, list(rows)), cursor


async def _my_open_invitation(session: AsyncSession, user: User, invitation_id: uuid.UUID) -> Invitation:
    """The invitation if it is addressed to this user and still open; 404 for anyone else's."""
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.email != user.email:
        raise NotFound("Invitation not found.")
    status = _status(invitation)
    if status != PENDING:
        raise Conflict(f"This invitation is {status}.", code=f"invitation_{status}")
    return invitation


async def accept_invitation(
    session: AsyncSession, principal: Principal, invitation_id: uuid.UUID
) -> schemas.Workspace:
    """Join the workspace with the invited role (only the invitee may)."""
    user = await _invitee(session, principal)
    invitation = await _my_open_invitation(session, user, invitation_id)
    if not await _claim(session, invitation, "accepted"):
        raise Conflict("This invitation was already answered or revoked.", code="invitation_closed")
    workspace = await session.get(Workspace, invitation.workspace_id)
    assert workspace is not None  # the invitation is deleted with its workspace
    membership = await session.scalar(
        select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == user.id)
    )
    if membership is None:  # already a member (e.g. two invitations): keep the role they have
        membership = Membership(workspace_id=workspace.id, user_id=user.id, role=invitation.role)
        session.add(membership)
        await session.flush()
        await record_audit(
            session,
            principal,
            workspace_id=workspace.id,
            action="member.added",
            target_type="user",
            target_id=user.id,
            data={"email": user.email, "role": invitation.role, "invitation_id": str(invitation.id)},
        )
    await record_audit(
        session,
        principal,
        workspace_id=workspace.id,
        action="invitation.accepted",
        target_type="invitation",
        target_id=invitation.id,
        data={"email": user.email, "role": invitation.role},
    )
    await session.flush()
    return workspace_out(workspace, membership.role)


async def decline_invitation(session: AsyncSession, principal: Principal, invitation_id: uuid.UUID) -> None:
    """Turn an invitation down (only the invitee may)."""
    user = await _invitee(session, principal)
    invitation = await _my_open_invitation(session, user, invitation_id)
    if not await _claim(session, invitation, "declined"):
        raise Conflict("This invitation was already answered or revoked.", code="invitation_closed")
    await record_audit(
        session,
        principal,
        workspace_id=invitation.workspace_id,
        action="invitation.declined",
        target_type="invitation",
        target_id=invitation.id,
        data={"email": user.email, "role": invitation.role},
    )
