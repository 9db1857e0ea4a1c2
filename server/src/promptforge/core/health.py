"""Liveness, readiness and Prometheus metrics routes (public, outside /api/v1)."""

from __future__ import annotations

import contextlib
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from promptforge.core.metrics import exposition
from promptforge.core.migrations import head_revision
from promptforge.core.queue import QUEUE_DEPTH, QueueUnavailable

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    database: Literal["ok", "unreachable", "migrations_pending"]
    redis: Literal["ok", "unreachable", "embedded"]
    queue: Literal["ok", "unreachable", "embedded"]


@router.get("/healthz", operation_id="health-live")
async def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


async def _database_state(engine: AsyncEngine) -> str:
    """ok, unreachable, or migrations_pending (serving a schema the code does not match fails later)."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            try:
                revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
            except DBAPIError:  # no alembic_version table: never migrated
                revision = None
    except Exception:  # any failure to reach the database means "not ready"
        return "unreachable"
    return "ok" if revision == head_revision() else "migrations_pending"


@router.get("/readyz", operation_id="health-ready", responses={503: {"model": Readiness}})
async def readyz(request: Request) -> JSONResponse:
    """Checks the database (reachable and migrated), Redis and the job queue.

    Without Redis or the queue the API still serves (`degraded`, 200); without a migrated database it
    does not (503). `embedded` means the in-process implementation (no PF_REDIS_URL).
    """
    state = request.app.state
    database = await _database_state(state.engine)
    redis = "embedded"
    if state.settings.redis_url:
        redis = "ok" if await state.kv.ping() else "unreachable"
    queue = "embedded" if state.queue.embedded else ("ok" if await state.queue.ping() else "unreachable")
    degraded = "unreachable" in (redis, queue)
    status = "unavailable" if database != "ok" else ("degraded" if degraded else "ok")
    body = Readiness(status=status, database=database, redis=redis, queue=queue)
    return JSONResponse(body.model_dump(), status_code=503 if status == "unavailable" else 200)


@router.get("/metrics", operation_id="health-metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: requests by route and status, job durations, failures, retries, queue depth."""
    # Summed over every uvicorn worker when PROMETHEUS_MULTIPROC_DIR is set (core/metrics.py).
    with contextlib.suppress(QueueUnavailable):  # the gauge keeps its last value; /readyz tells why
        QUEUE_DEPTH.set(await request.app.state.queue.depth())
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
