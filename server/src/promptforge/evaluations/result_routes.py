"""Routes reading an evaluation's results (pages, CSV, JUnit XML) and comparing two evaluations."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import StreamingResponse

from promptforge.auth.dependencies import PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import Page
from promptforge.core.storage import attachment_header
from promptforge.evaluations import compare, results, schemas

router = APIRouter(prefix="/api/v1/projects/{project_id}/evaluations", tags=["evaluations"])

RESULTS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(401, 403, 404, 422),
    200: {
        "description": "A page of results (JSON), or every matching result as a file",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/xml": {"schema": {"type": "string"}},
        },
    },
}


@router.get(
    "/{evaluation_id}/results",
    operation_id="evaluations-results",
    response_model=Page[schemas.Result],
    responses=RESULTS_RESPONSES,
)
async def list_results(
    request: Request,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    variant: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Only this variant (by name)")
    ] = None,
    result_status: Annotated[
        schemas.ResultStatus | None, Query(alias="status", description="Only results with this status")
    ] = None,
    result_format: Annotated[
        results.ResultFormat,
        Query(alias="format", description="json: pages; csv or junit: every matching result as a file"),
    ] = "json",
) -> Any:
    """Results in dataset item order, then variant order; `?format=csv|junit` streams them all.

    Viewers may read. Columns of the CSV and the JUnit mapping: docs/evaluations.md.
    """
    wanted = results.ResultFilter(variant=variant, status=result_status)
    if result_format == "json":
        items, next_cursor = await results.list_results(
            session, principal, project_id, evaluation_id, wanted, page
        )
        return Page(items=items, next_cursor=next_cursor)
    file = await results.export_results(
        session, request.app.state.sessionmaker, principal, project_id, evaluation_id, wanted, result_format
    )
    headers = {"Content-Disposition": attachment_header(file.filename), "Cache-Control": "private, no-store"}
    return StreamingResponse(file.chunks, media_type=file.media_type, headers=headers)


@router.get(
    "/{evaluation_id}/compare",
    operation_id="evaluations-compare",
    responses=error_responses(401, 403, 404, 422),
)
async def compare_evaluations(
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    against: Annotated[
        uuid.UUID, Query(description='The baseline evaluation ("before") of the same project')
    ],
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.Comparison:
    """Regressions, fixes and the change of every summary figure from `against` to this evaluation.

    Cells are matched by dataset item id and variant name. A regression passed in `against` and
    does not pass now (failed or error); a fix is the reverse.
    """
    return await compare.compare_evaluations(session, principal, project_id, evaluation_id, against)
