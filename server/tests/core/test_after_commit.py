"""After-commit hooks run once the change is durable: a failing hook never turns a committed write into
an error answer; it is logged and counted in `promptforge_after_commit_failures_total`."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from conftest import Factory, new_client
from promptforge.core.db import SessionDep, after_commit
from promptforge.core.kv import StoreUnavailable
from promptforge.workspaces.models import Workspace

METRIC = "promptforge_after_commit_failures_total"


async def failures(client: httpx.AsyncClient) -> float:
    text = (await client.get("/metrics")).text
    match = re.search(rf"^{METRIC} ([0-9.e+]+)$", text, re.M)
    assert match, f"{METRIC} is not exported"
    return float(match.group(1))


async def test_workspace_delete_answers_204_when_the_cache_hook_fails(
    app: FastAPI, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reproduction from issue 8: Redis fails between commit and cache invalidation."""
    ada = await factory.account()
    await factory.api_key(ada, "viewer")  # deleting the workspace must then forget this key
    before = await failures(ada.client)

    async def redis_hiccup(*keys: str) -> None:
        raise StoreUnavailable

    monkeypatch.setattr(app.state.kv, "delete", redis_hiccup)
    response = await ada.client.delete(f"/api/v1/workspaces/{ada.workspace_id}")
    monkeypatch.undo()

    assert response.status_code == 204, response.text
    assert (await ada.client.get(f"/api/v1/workspaces/{ada.workspace_id}")).status_code == 404
    assert await failures(ada.client) == before + 1


async def test_every_hook_runs_after_commit_even_when_one_fails(app: FastAPI) -> None:
    """The mechanism, on a route of its own: the write is there, later hooks still run, the answer is 2xx."""
    ran: list[str] = []
    probe = FastAPI()
    probe.state.sessionmaker = app.state.sessionmaker
    slug = f"hooked-{uuid.uuid4().hex[:8]}"

    async def failing() -> None:
        raise RuntimeError("cache down")

    async def succeeding() -> None:
        ran.append("second")

    @probe.post("/write")
    async def write(session: SessionDep) -> dict[str, str]:
        session.add(Workspace(slug=slug, name="Hooked"))
        after_commit(session, failing)
        after_commit(session, succeeding)
        return {"ok": "yes"}

    async with new_client(app) as metrics_client:
        before = await failures(metrics_client)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=probe), base_url="http://t") as c:
            response = await c.post("/write")
        assert response.status_code == 200, response.text
        assert ran == ["second"]
        async with app.state.sessionmaker() as session:
            assert await session.scalar(select(Workspace.id).where(Workspace.slug == slug)) is not None
        assert await failures(metrics_client) == before + 1
