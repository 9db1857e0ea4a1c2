"""Routes of playground runs: create (JSON or streamed as server-sent events), list and read."""

from __future__ import annotations

import contextlib
import uuid
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from promptforge.auth.dependencies import PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import NO_NUL, Page
from promptforge.runs import schemas, service
from promptforge.runs.service import RunServices, run_services
from promptforge.runs.streaming import RunStreamer, open_run_stream

router = APIRouter(prefix="/api/v1/projects/{project_id}/runs", tags=["runs"])

READ_ERRORS = error_responses(401, 403, 404, 422)
# 424: the provider refused the connection's key; 429: rate limited (Retry-After);
# 502: provider failed or unreachable; 504: provider timed out. See docs/providers.md.
RUN_ERRORS = error_responses(401, 403, 404, 422, 424, 429, 502, 504)
RunServicesDep = Annotated[RunServices, Depends(run_services)]
CREATED: dict[int | str, dict[str, Any]] = {
    201: {
        "model": schemas.Run,
        "description": "The finished run; with `stream: true` a text/event-stream of `start`, `delta` "
        '(`{"text"}`) and a final `run` event carrying the stored run.',
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


class RunEventStream(StreamingResponse):
    """The SSE response; when the client leaves before the end, the run is stored as cancelled."""

    def __init__(self, streamer: RunStreamer) -> None:
        super().__init__(
            streamer.events(),
            status_code=status.HTTP_201_CREATED,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self.streamer = streamer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            with contextlib.suppress(ClientDisconnect):  # the finally below stores what we have
                await super().__call__(scope, receive, send)
        finally:
            if not self.streamer.finished:
                with anyio.CancelScope(shield=True):
                    await self.streamer.finish("cancelled")


@router.post(
    "",
    operation_id="runs-create",
    status_code=status.HTTP_201_CREATED,
    responses=CREATED | RUN_ERRORS,
    response_model=schemas.Run,
)
async def create_run(
    project_id: uuid.UUID, data: schemas.RunCreate, principal: PrincipalDep, services: RunServicesDep
) -> Any:
    """Run a saved prompt (label, default `latest`, or version) or a draft template against a provider."""
    prepared = await service.start_run(services, principal, project_id, data)
    if data.stream:
        return RunEventStream(await open_run_stream(services, prepared))
    run = await service.execute_run(services, prepared)
    return JSONResponse(run.model_dump(mode="json"), status_code=status.HTTP_201_CREATED)


@router.get("", operation_id="runs-list", responses=READ_ERRORS)
async def list_runs(
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    prompt: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=128, description="Only runs of this prompt")
    ] = None,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only runs with this provider")] = None,
    run_status: Annotated[schemas.RunStatus | None, Query(alias="status")] = None,
    source: Annotated[
        schemas.RunSource | None, Query(description="Only runs started here (`playground` or `gateway`)")
    ] = None,
) -> Page[schemas.Run]:
    """Runs of a project, newest first."""
    items, cursor = await service.list_runs(
        session,
        principal,
        project_id,
        page,
        prompt=prompt,
        provider_id=provider_id,
        status=run_status,
        source=source,
    )
    return Page(items=items, next_cursor=cursor)


@router.get("/{run_id}", operation_id="runs-get", responses=READ_ERRORS)
async def get_run(
    project_id: uuid.UUID, run_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> schemas.Run:
    """One run with its input, output, usage, cost and timings."""
    return await service.get_run(session, principal, project_id, run_id)
