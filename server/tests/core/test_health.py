"""Liveness, readiness (database and Redis) and Prometheus metrics labelled by route template."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from conftest import BACKEND, Factory, new_client, running
from promptforge.core.config import Settings
from promptforge.main import create_app

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


async def test_healthz_is_alive(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_redis(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    expected = "embedded" if BACKEND == "embedded" else "ok"
    assert response.json() == {"status": "ok", "database": "ok", "redis": expected, "queue": expected}


async def ready_with(settings: Settings) -> httpx.Response:
    application = create_app(settings, kv_prefix="pftest:health:")
    async with running(application), new_client(application) as client:
        return await client.get("/readyz")


async def test_readyz_is_degraded_but_serving_when_redis_is_down(settings: Settings) -> None:
    response = await ready_with(settings.model_copy(update={"redis_url": CLOSED_PORT_REDIS}))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "redis": "unreachable",
        "queue": "unreachable",
    }


async def test_readyz_is_503_when_the_database_is_down(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if settings.database_url.startswith("sqlite"):
        unreachable = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('gone')}/missing-dir/db.sqlite"
    else:
        unreachable = "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"
    response = await ready_with(settings.model_copy(update={"database_url": unreachable}))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unreachable"


async def test_readyz_is_503_when_migrations_are_pending(settings: Settings, tmp_path: Path) -> None:
    never_migrated = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    response = await ready_with(settings.model_copy(update={"database_url": never_migrated}))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "migrations_pending",
        "redis": response.json()["redis"],
        "queue": response.json()["queue"],
    }


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one Prometheus sample, 0 when absent."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", metrics, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_metrics_count_requests_by_route_template_and_status(factory: Factory) -> None:
    ada = await factory.account()
    template = "/api/v1/workspaces/{workspace_id}"
    before = (await ada.client.get("/metrics")).text
    assert (await ada.client.get(f"/api/v1/workspaces/{ada.workspace_id}")).status_code == 200
    assert (await ada.client.get(f"/api/v1/workspaces/{ada.workspace_id}")).status_code == 200
    outsider = await factory.account()
    assert (await outsider.client.get(f"/api/v1/workspaces/{ada.workspace_id}")).status_code == 404

    response = await ada.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    total = "promptforge_http_requests_total"
    labels = {"method": "GET", "route": template}
    assert sample(after, total, **labels, status="200") - sample(before, total, **labels, status="200") == 2
    assert sample(after, total, **labels, status="404") - sample(before, total, **labels, status="404") == 1
    count = "promptforge_http_request_duration_seconds_count"
    assert sample(after, count, **labels, status="200") >= 2
    # Labels are templates, never raw paths (ids would explode the series count).
    assert ada.workspace_id not in after


async def test_unknown_paths_share_one_label(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/no/such/path/12345")).status_code == 404
    assert (await client.get("/no/such/page/12345")).status_code == 200  # the web app's fallback
    metrics = (await client.get("/metrics")).text
    total = "promptforge_http_requests_total"
    assert sample(metrics, total, method="GET", route="unmatched", status="404") >= 1
    assert sample(metrics, total, method="GET", route="/", status="200") >= 1
    assert "/no/such/path" not in metrics and "/no/such/page" not in metrics
