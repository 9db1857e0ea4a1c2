"""Routes of evaluations: create (queues the run), list, get, cancel, retry-errors."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status

from promptforge.auth.dependencies import PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.resources import Resources
from promptforge.core.schemas import Page
from promptforge.evaluations import schemas, service
from promptforge.evaluations.estimate import estimate_evaluation
from promptforge.prompts.names import PROMPT_NAME
from promptforge.workspaces.permissions import Action, authorize_project

router = APIRouter(prefix="/api/v1/projects/{project_id}/evaluations", tags=["evaluations"])

EvaluationIdParam = Annotated[uuid.UUID, Path(description="The evaluation's id")]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


async def may_write(project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> None:
    """Authorize writers before their body is validated: a stranger learns nothing from a 422."""
    await authorize_project(session, principal, project_id, Action.WRITE)


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


WRITER = [Depends(may_write)]
ResourcesDep = Annotated[Resources, Depends(_resources)]


@router.post(
    "",
    operation_id="evaluations-create",
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
    dependencies=WRITER,
)
async def create_evaluation(
    project_id: uuid.UUID,
    data: schemas.EvaluationCreate,
    principal: PrincipalDep,
    session: SessionDep,
    resources: ResourcesDep,
) -> schemas.Evaluation:
    """Run prompt variants over a pinned dataset version and grade them; a job runs it (status `queued`).

    Labels are resolved to versions now and recorded; the dataset version is pinned. 422 names the
    field of an unknown dataset, prompt, label, version, provider, or a bad assertion.
    """
    return await service.create_evaluation(session, resources, principal, project_id, data)


@router.post("/estimate", operation_id="evaluations-estimate", responses=WRITE_ERRORS, dependencies=WRITER)
async def estimate(
    project_id: uuid.UUID,
    data: schemas.EvaluationCreate,
    principal: PrincipalDep,
    session: SessionDep,
    resources: ResourcesDep,
) -> schemas.EvaluationEstimate:
    """Provider calls and estimated cost of an evaluation, before starting it (nothing is stored).

    The body is the create body, checked the same way (the same 422s). Tokens are estimated from
    the prompt rendered with up to 20 items and the variant's max_tokens (default 256); prices come
    from the connection's pricing or the shipped table (null when unknown).
    """
    return await estimate_evaluation(session, resources, principal, project_id, data)


@router.get("", operation_id="evaluations-list", responses=READ_ERRORS)
async def list_evaluations(
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    prompt: Annotated[
        str | None, Query(pattern=PROMPT_NAME, max_length=128, description="Only those running this prompt")
    ] = None,
    evaluation_status: Annotated[
        schemas.EvaluationStatus | None, Query(alias="status", description="Only those in this status")
    ] = None,
) -> Page[schemas.Evaluation]:
    """Evaluations of a project, newest first."""
    items, cursor = await service.list_evaluations(
        session, principal, project_id, page, prompt=prompt, status=evaluation_status
    )
    return Page(items=items, next_cursor=cursor)


# `{evaluation_id:uuid}`: only a UUID matches, so `POST /estimate` is not also a GET of an evaluation.
@router.get("/{evaluation_id:uuid}", operation_id="evaluations-get", responses=READ_ERRORS)
async def get_evaluation(
    project_id: uuid.UUID, evaluation_id: EvaluationIdParam, principal: PrincipalDep, session: SessionDep
) -> schemas.Evaluation:
    """One evaluation: status, progress, the resolved versions and, once finished, the summary."""
    return await service.get_evaluation(session, principal, project_id, evaluation_id)


@router.post("/{evaluation_id}/cancel", operation_id="evaluations-cancel", responses=WRITE_ERRORS)
async def cancel_evaluation(
    project_id: uuid.UUID,
    evaluation_id: EvaluationIdParam,
    principal: PrincipalDep,
    session: SessionDep,
    resources: ResourcesDep,
) -> schemas.Evaluation:
    """Stop a queued or running evaluation (status `cancelled` at once); finished results are kept.

    409 when it has already finished.
    """
    return await service.cancel_evaluation(session, resources, principal, project_id, evaluation_id)


@router.post(
    "/{evaluation_id}/retry-errors",
    operation_id="evaluations-retry-errors",
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
)
async def retry_errors(
    project_id: uuid.UUID,
    evaluation_id: EvaluationIdParam,
    principal: PrincipalDep,
    session: SessionDep,
    resources: ResourcesDep,
) -> schemas.Evaluation:
    """Run again only the cells whose result is an error (and any a cancel left unrun); status `queued`.

    409 while it is still queued or running, or when there is nothing to retry.
    """
    return await service.retry_errors(session, resources, principal, project_id, evaluation_id)
