"""Routes of deploy gates: the project's deploy policy and its deployments (list, approve, reject)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query

from promptforge.auth.dependencies import KVDep, PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import Page
from promptforge.deployments import schemas, service
from promptforge.prompts.names import LABEL_NAME, PROMPT_NAME
from promptforge.workspaces.permissions import Action, authorize_project

router = APIRouter(prefix="/api/v1/projects/{project_id}", tags=["deployments"])

DeploymentIdParam = Annotated[uuid.UUID, Path(description="The deployment's id")]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)
OptionalDecision = Annotated[schemas.DeploymentDecision | None, Body()]


async def may_manage(project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> None:
    """Authorize admins before their body is validated: a stranger learns nothing from a 422."""
    await authorize_project(session, principal, project_id, Action.MANAGE)


ADMIN = [Depends(may_manage)]


@router.get("/deploy-policy", operation_id="deployments-get-policy", responses=READ_ERRORS)
async def get_policy(
    project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> schemas.DeployPolicy:
    """The project's deploy gates per label (any member or key may read why a move is blocked)."""
    return await service.get_policy(session, principal, project_id)


@router.put(
    "/deploy-policy", operation_id="deployments-put-policy", responses=WRITE_ERRORS, dependencies=ADMIN
)
async def put_policy(
    project_id: uuid.UUID, data: schemas.DeployPolicyUpdate, principal: PrincipalDep, session: SessionDep
) -> schemas.DeployPolicy:
    """Replace the project's deploy gates (admins and owners)."""
    return await service.put_policy(session, principal, project_id, data)


@router.get("/deployments", operation_id="deployments-list", responses=READ_ERRORS)
async def list_deployments(
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    status: Annotated[schemas.DeploymentStatus | None, Query(description="Only this status")] = None,
    prompt: Annotated[str | None, Query(pattern=PROMPT_NAME, description="Only this prompt")] = None,
    label: Annotated[str | None, Query(pattern=LABEL_NAME, description="Only this label")] = None,
) -> Page[schemas.Deployment]:
    """Gated label moves of the project, newest first: pending, decided and deployed at once."""
    items, cursor = await service.list_deployments(
        session, principal, project_id, page, status=status, prompt=prompt, label=label
    )
    return Page(items=items, next_cursor=cursor)


@router.get("/deployments/{deployment_id}", operation_id="deployments-get", responses=READ_ERRORS)
async def get_deployment(
    project_id: uuid.UUID, deployment_id: DeploymentIdParam, principal: PrincipalDep, session: SessionDep
) -> schemas.Deployment:
    """One deployment."""
    return await service.get_deployment(session, principal, project_id, deployment_id)


@router.post(
    "/deployments/{deployment_id}/approve",
    operation_id="deployments-approve",
    responses=WRITE_ERRORS,
    dependencies=ADMIN,
)
async def approve_deployment(
    project_id: uuid.UUID,
    deployment_id: DeploymentIdParam,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
    data: OptionalDecision = None,
) -> schemas.Deployment:
    """Approve a pending deployment (another admin or owner than the requester): re-checks the
    evaluation rule, then moves the label."""
    decision = data or schemas.DeploymentDecision()
    return await service.approve_deployment(session, kv, principal, project_id, deployment_id, decision)


@router.post(
    "/deployments/{deployment_id}/reject",
    operation_id="deployments-reject",
    responses=WRITE_ERRORS,
    dependencies=ADMIN,
)
async def reject_deployment(
    project_id: uuid.UUID,
    deployment_id: DeploymentIdParam,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
    data: OptionalDecision = None,
) -> schemas.Deployment:
    """Reject a pending deployment (another admin or owner than the requester): the label stays."""
    decision = data or schemas.DeploymentDecision()
    return await service.reject_deployment(session, kv, principal, project_id, deployment_id, decision)
