"""Routes for workspaces, members, projects and the audit log (thin: one service call each)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from promptforge.auth.dependencies import KVDep, PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import NO_NUL, Page
from promptforge.workspaces import schemas, service

router = APIRouter(prefix="/api/v1", tags=["workspaces"])
projects_router = APIRouter(prefix="/api/v1", tags=["projects"])
audit_router = APIRouter(prefix="/api/v1", tags=["audit"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get("/workspaces", operation_id="workspaces-list", responses=error_responses(401, 403, 422))
async def list_workspaces(
    principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Workspace]:
    """Workspaces the signed-in user belongs to, with their role in each."""
    items, cursor = await service.list_workspaces(session, principal, page)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/workspaces",
    operation_id="workspaces-create",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 409, 422),
)
async def create_workspace(
    data: schemas.WorkspaceCreate, principal: PrincipalDep, session: SessionDep
) -> schemas.Workspace:
    """Create a workspace; the creator becomes its owner."""
    return await service.create_workspace(session, principal, data)


@router.get("/workspaces/{workspace_id}", operation_id="workspaces-get", responses=READ_ERRORS)
async def get_workspace(
    workspace_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> schemas.Workspace:
    """One workspace the caller belongs to."""
    return await service.get_workspace(session, principal, workspace_id)


@router.patch("/workspaces/{workspace_id}", operation_id="workspaces-update", responses=WRITE_ERRORS)
async def update_workspace(
    workspace_id: uuid.UUID, data: schemas.WorkspaceUpdate, principal: PrincipalDep, session: SessionDep
) -> schemas.Workspace:
    """Rename a workspace or change its slug (admin+)."""
    return await service.update_workspace(session, principal, workspace_id, data)


@router.delete(
    "/workspaces/{workspace_id}",
    operation_id="workspaces-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ_ERRORS,
)
async def delete_workspace(
    workspace_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, kv: KVDep
) -> None:
    """Delete a workspace with all its projects (owner only)."""
    await service.delete_workspace(session, kv, principal, workspace_id)


@router.get(
    "/workspaces/{workspace_id}/members", operation_id="workspaces-list-members", responses=READ_ERRORS
)
async def list_members(
    workspace_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Member]:
    """Members of a workspace and their roles."""
    items, cursor = await service.list_members(session, principal, workspace_id, page)
    return Page(items=items, next_cursor=cursor)


@router.patch(
    "/workspaces/{workspace_id}/members/{user_id}",
    operation_id="workspaces-update-member",
    responses=WRITE_ERRORS,
)
async def update_member(
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    data: schemas.MemberUpdate,
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.Member:
    """Change a member's role."""
    return await service.update_member(session, principal, workspace_id, user_id, data)


@router.delete(
    "/workspaces/{workspace_id}/members/{user_id}",
    operation_id="workspaces-remove-member",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def remove_member(
    workspace_id: uuid.UUID, user_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> None:
    """Remove a member (the last owner cannot be removed)."""
    await service.remove_member(session, principal, workspace_id, user_id)


@projects_router.get(
    "/workspaces/{workspace_id}/projects", operation_id="projects-list", responses=READ_ERRORS
)
async def list_projects(
    workspace_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Project]:
    """Projects of a workspace."""
    rows, cursor = await service.list_projects(session, principal, workspace_id, page)
    return Page(items=[schemas.Project.model_validate(p) for p in rows], next_cursor=cursor)


@projects_router.post(
    "/workspaces/{workspace_id}/projects",
    operation_id="projects-create",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_project(
    workspace_id: uuid.UUID, data: schemas.ProjectCreate, principal: PrincipalDep, session: SessionDep
) -> schemas.Project:
    """Create a project in a workspace (admin+)."""
    return schemas.Project.model_validate(
        await service.create_project(session, principal, workspace_id, data)
    )


@projects_router.get("/projects/{project_id}", operation_id="projects-get", responses=READ_ERRORS)
async def get_project(project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> schemas.Project:
    """One project."""
    return schemas.Project.model_validate(await service.get_project(session, principal, project_id))


@projects_router.patch("/projects/{project_id}", operation_id="projects-update", responses=WRITE_ERRORS)
async def update_project(
    project_id: uuid.UUID, data: schemas.ProjectUpdate, principal: PrincipalDep, session: SessionDep
) -> schemas.Project:
    """Rename a project or change its protected labels (admin+)."""
    return schemas.Project.model_validate(await service.update_project(session, principal, project_id, data))


@projects_router.delete(
    "/projects/{project_id}",
    operation_id="projects-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ_ERRORS,
)
async def delete_project(
    project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, kv: KVDep
) -> None:
    """Delete a project and everything in it (admin+)."""
    await service.delete_project(session, kv, principal, project_id)


@audit_router.get("/workspaces/{workspace_id}/audit-log", operation_id="audit-list", responses=READ_ERRORS)
async def list_audit_log(
    workspace_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    action: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=64, description="Action prefix, e.g. `member.`")
    ] = None,
    actor: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=320, description="Part of the actor's email or key name")
    ] = None,
    project_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[schemas.AuditEvent]:
    """Every mutation in the workspace, newest first (admin+)."""
    rows, cursor = await service.list_audit_events(
        session, principal, workspace_id, page, action=action, actor=actor, project_id=project_id
    )
    return Page(items=[schemas.AuditEvent.model_validate(e) for e in rows], next_cursor=cursor)
