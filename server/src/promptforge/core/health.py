"""Liveness, readiness and Prometheus metrics routes (public, outside /api/v1)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    database: Literal["ok", "unreachable"]
    redis: Literal["ok", "unreachable", "embedded"]


@router.get("/healthz", operation_id="health-live")
async def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


@router.get("/readyz", operation_id="health-ready", responses={503: {"model": Readiness}})
async def readyz(request: Request) -> JSONResponse:
    """Checks the database and Redis.

    Without Redis the API still serves (`degraded`, 200); without the database it does not (503).
    """
    state = request.app.state
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any failure to reach the database means "not ready"
        database = "unreachable"
    redis = "embedded"
    if state.settings.redis_url:
        redis = "ok" if await state.kv.ping() else "unreachable"
    status = "unavailable" if database != "ok" else ("degraded" if redis == "unreachable" else "ok")
    body = Readiness(status=status, database=database, redis=redis)
    return JSONResponse(body.model_dump(), status_code=503 if status == "unavailable" else 200)


@router.get("/metrics", operation_id="health-metrics", response_class=Response)
async def metrics() -> Response:
    """Prometheus metrics: request counts and latency histograms by route template and status."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
