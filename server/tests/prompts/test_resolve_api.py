"""The resolve hot path: selection, ETag/304, cache behaviour, invalidation across instances, Redis down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from conftest import BACKEND, Account, Factory, new_client, running
from promptforge.core.config import Settings
from promptforge.main import create_app


async def setup(owner: Account) -> str:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    response = await owner.client.post(
        url,
        json={"name": "greeting", "kind": "text", "template": "v1 {{ x }}", "model_config": {"model": "m1"}},
    )
    assert response.status_code == 201
    await owner.client.post(f"{url}/greeting/versions", json={"template": "v2 {{ x }}"})
    await owner.client.put(f"{url}/greeting/labels/production", json={"version": 1})
    return f"{url}/greeting"


async def test_resolve_defaults_to_production_and_selects_label_or_version(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup(owner)
    key = await factory.api_key(owner, "viewer")
    default = await key.get(f"{url}/resolve")
    assert default.status_code == 200
    body = default.json()
    assert body == {
        "name": "greeting",
        "version": 1,
        "kind": "text",
        "template": "v1 {{ x }}",
        "variables": body["variables"],
        "model_config": {"model": "m1"},
        "labels": ["production"],
    }
    assert "x" in body["variables"]["properties"]
    latest = (await key.get(f"{url}/resolve", params={"label": "latest"})).json()
    assert (latest["version"], latest["labels"]) == (2, ["latest"])
    assert (await key.get(f"{url}/resolve", params={"version": 2})).json()["template"] == "v2 {{ x }}"
    assert (await key.get(f"{url}/resolve", params={"label": "staging"})).status_code == 404
    both = await key.get(f"{url}/resolve", params={"label": "production", "version": 1})
    assert both.status_code == 422


async def test_production_missing_does_not_fall_back_to_latest(factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    await owner.client.post(url, json={"name": "draft", "kind": "text", "template": "x"})
    response = await owner.client.get(f"{url}/draft/resolve")
    assert response.status_code == 404
    assert "production" in response.json()["detail"]


async def test_etag_and_304(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup(owner)
    key = await factory.api_key(owner, "viewer")
    first = await key.get(f"{url}/resolve")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "private, max-age=0, must-revalidate"
    again = await key.get(f"{url}/resolve", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    await owner.client.put(f"{url}/labels/production", json={"version": 2})
    moved = await key.get(f"{url}/resolve", headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.headers["etag"] != etag and moved.json()["version"] == 2


async def test_warm_resolve_touches_no_database(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = await setup(owner)
    key = await factory.api_key(owner, "viewer")
    assert (await key.get(f"{url}/resolve")).status_code == 200  # warms the caches
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert (await key.get(f"{url}/resolve")).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []


async def test_new_version_and_label_changes_are_seen_at_once(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup(owner)
    key = await factory.api_key(owner, "viewer")
    assert (await key.get(f"{url}/resolve", params={"label": "latest"})).json()["version"] == 2
    await owner.client.post(f"{url}/versions", json={"template": "v3 {{ x }}"})
    assert (await key.get(f"{url}/resolve", params={"label": "latest"})).json()["version"] == 3
    assert (await key.get(f"{url}/resolve")).json()["version"] == 1
    await owner.client.put(f"{url}/labels/production", json={"version": 3})
    assert (await key.get(f"{url}/resolve")).json()["version"] == 3


async def test_revoked_key_is_refused_at_once_even_when_cached(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup(owner)
    created = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/api-keys", json={"name": "app", "role": "viewer"}
    )
    key_id, secret = created.json()["id"], created.json()["secret"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await owner.client.get(f"{url}/resolve", headers=headers)).status_code == 200
    await owner.client.delete(f"/api/v1/projects/{owner.project_id}/api-keys/{key_id}")
    assert (await owner.client.get(f"{url}/resolve", headers=headers)).status_code == 401


@asynccontextmanager
async def second_instance(settings: Settings, kv_prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    """Another replica of the app: its own process state and near cache, the same database and Redis."""
    replica = create_app(settings, kv_prefix=kv_prefix)
    async with running(replica), new_client(replica) as client:
        yield client


if BACKEND == "postgres":  # two replicas need a shared Redis; the embedded default is one process

    async def test_write_on_one_instance_is_seen_by_the_next_resolve_on_another(
        factory: Factory, settings: Settings, kv_prefix: str
    ) -> None:
        owner = await factory.account()
        url = await setup(owner)
        key = await factory.api_key(owner, "viewer")
        async with second_instance(settings, kv_prefix) as replica:
            replica.headers.update(key.headers)
            for _ in range(2):  # warm the replica's near cache
                assert (await replica.get(f"{url}/resolve")).json()["version"] == 1
            await owner.client.put(f"{url}/labels/production", json={"version": 2})
            assert (await replica.get(f"{url}/resolve")).json()["version"] == 2
            await owner.client.post(f"{url}/versions", json={"template": "v3 {{ x }}"})
            assert (await replica.get(f"{url}/resolve", params={"label": "latest"})).json()["version"] == 3

    async def test_resolve_answers_from_the_database_when_redis_is_down(
        factory: Factory, settings: Settings
    ) -> None:
        owner = await factory.account()
        url = await setup(owner)
        key = await factory.api_key(owner, "viewer")
        broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
        async with second_instance(broken, "pf-down:") as degraded:
            degraded.headers.update(key.headers)
            response = await degraded.get(f"{url}/resolve")
            assert response.status_code == 200
            assert response.json()["version"] == 1
            ready = await degraded.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {
                "status": "degraded",
                "database": "ok",
                "redis": "unreachable",
                "queue": "unreachable",
            }
            rendered = await degraded.post(f"{url}/render", json={"variables": {"x": "ok"}})
            assert rendered.json()["text"] == "v1 ok"


async def test_bad_resolve_parameters_are_422_naming_the_field(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup(owner)
    for params, field in [
        ({"version": "0"}, "version"),
        ({"version": "x"}, "version"),
        ({"label": "Bad!"}, "label"),
    ]:
        response = await owner.client.get(f"{url}/resolve", params=params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["loc"] == ["query", field]
    bad_project = await owner.client.get("/api/v1/projects/not-a-uuid/prompts/greeting/resolve")
    assert bad_project.status_code == 422
    assert bad_project.json()["errors"][0]["loc"] == ["path", "project_id"]
