"""Routes for invitations: admins invite, list and revoke; the invitee lists, accepts and declines."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from promptforge.auth.dependencies import PrincipalDep, SettingsDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import Page
from promptforge.workspaces import invitations, schemas

router = APIRouter(prefix="/api/v1", tags=["invitations"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post(
    "/workspaces/{workspace_id}/members",
    operation_id="invitations-create",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def invite_member(
    workspace_id: uuid.UUID,
    data: schemas.MemberCreate,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.Invitation:
    """Invite an e-mail address to the workspace; it joins when the invitee accepts.

    The answer is the same whether or not the address has an account. Admins invite below
    admin; owners invite anyone.
    """
    return await invitations.invite_member(session, settings, principal, workspace_id, data)


@router.get("/workspaces/{workspace_id}/invitations", operation_id="invitations-list", responses=READ_ERRORS)
async def list_invitations(
    workspace_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Invitation]:
    """Pending invitations of a workspace, newest first (admin+)."""
    items, cursor = await invitations.list_invitations(session, principal, workspace_id, page)
    return Page(items=items, next_cursor=cursor)


@router.delete(
    "/workspaces/{workspace_id}/invitations/{invitation_id}",
    operation_id="invitations-revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def revoke_invitation(
    workspace_id: uuid.UUID, invitation_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> None:
    """Withdraw a pending invitation (admin+; owners for admin and owner invitations)."""
    await invitations.revoke_invitation(session, principal, workspace_id, invitation_id)


@router.get("/invitations", operation_id="invitations-list-mine", responses=error_responses(401, 403, 422))
async def list_my_invitations(
    principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Invitation]:
    """Open invitations addressed to the signed-in user's e-mail."""
    items, cursor = await invitations.list_my_invitations(session, principal, page)
    return Page(items=items, next_cursor=cursor)


@router.post("/invitations/{invitation_id}/accept", operation_id="invitations-accept", responses=WRITE_ERRORS)
async def accept_invitation(
    invitation_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> schemas.Workspace:
    """Accept an invitation addressed to you: you join the workspace with the invited role."""
    return await invitations.accept_invitation(session, principal, invitation_id)


@router.post(
    "/invitations/{invitation_id}/decline",
    operation_id="invitations-decline",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def decline_invitation(invitation_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> None:
    """Decline an invitation addressed to you."""
    await invitations.decline_invitation(session, principal, invitation_id)
