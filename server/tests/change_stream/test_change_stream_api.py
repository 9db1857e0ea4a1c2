"""`GET /api/v1/projects/{id}/prompt-events` as clients see it: the app served by uvicorn, an SSE client
reading it, REST calls making the changes. Both backends; with Redis a second app instance proves a
change made on one replica reaches a stream served by another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from change_stream.stream_client import (
    STREAM_SETTINGS,
    add_version,
    api_key,
    create_prompt,
    move,
    open_stream,
    resolve_etag,
    serve,
)
from conftest import BACKEND, Factory, running
from promptforge.core.config import Settings
from promptforge.core.outbox import prune_events
from promptforge.main import create_app


@pytest.fixture(scope="module")
async def stream_app(settings: Settings, kv_prefix: str, app: FastAPI) -> AsyncIterator[tuple[FastAPI, str]]:
    """An app instance with short stream timings, sharing the test database (and Redis prefix)."""
    application = create_app(settings.model_copy(update=STREAM_SETTINGS), kv_prefix=kv_prefix)
    async with running(application), serve(application) as url:
        yield application, url


@pytest.fixture
async def factory_here(stream_app: tuple[FastAPI, str]) -> AsyncIterator[Factory]:
    factory = Factory(stream_app[0])  # REST through the same instance: its in-process store when embedded
    yield factory
    for client in factory.clients:
        await client.aclose()


async def test_ready_then_a_label_move_arrives_live_with_the_etag_resolve_answers(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    await create_prompt(owner, "greeting")
    _, key = await api_key(owner)
    async with open_stream(stream_app[1], owner.project_id, key=key) as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert (await stream.next(positions=True)).retry == 2000  # the first message, once
        ready = await stream.next()
        assert ready.event == "ready"
        position = int(ready.id or "")
        assert position > 0  # the prompt's creation is an event already

        await move(owner, "greeting", "production", 1)
        kind, data, event_id = await stream.event()
        assert kind == "label.moved"
        assert event_id > position
        assert data["prompt"] == "greeting"
        assert (data["label"], data["version"], data["from_version"], data["to_version"]) == (
            "production",
            1,
            None,
            1,
        )
        assert data["etag"] == await resolve_etag(owner, "greeting", "production")
        assert data["created_at"]

        version = await add_version(owner, "greeting", "Hi {{ who }}")
        kind, data, _ = await stream.event()
        assert (kind, data["version"], data.get("label")) == ("prompt.version.created", version, None)
        assert data["etag"] == await resolve_etag(owner, "greeting", "latest")

        removed = await owner.client.delete(
            f"/api/v1/projects/{owner.project_id}/prompts/greeting/labels/production"
        )
        assert removed.status_code == 204
        kind, data, _ = await stream.event()
        assert (kind, data["label"], data["version"], data["etag"]) == (
            "label.removed",
            "production",
            None,
            None,
        )


async def test_resume_with_last_event_id_replays_what_was_missed(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    await create_prompt(owner, "greeting")
    _, key = await api_key(owner)
    async with open_stream(stream_app[1], owner.project_id, key=key) as stream:
        ready = await stream.next()
        await move(owner, "greeting", "staging", 1)
        _, _, seen = await stream.event()
    # Disconnected: two changes happen meanwhile.
    await add_version(owner, "greeting", "v2 {{ who }}")
    await move(owner, "greeting", "staging", 2)
    for params in ({"last_event_id_header": str(seen)}, {"last_event_id": str(seen)}):
        async with open_stream(stream_app[1], owner.project_id, key=key, **params) as stream:
            first = await stream.event()
            second = await stream.event()
            assert [first[0], second[0]] == ["prompt.version.created", "label.moved"]
            assert second[1]["to_version"] == 2
            assert seen < first[2] < second[2]
            # Then live, without a gap.
            await move(owner, "greeting", "staging", 1)
            kind, data, _ = await stream.event()
            assert (kind, data["to_version"]) == ("label.moved", 1)
            await move(owner, "greeting", "staging", 2)
            await stream.event()
    # The header wins over the query (a reconnecting EventSource keeps its URL).
    async with open_stream(
        stream_app[1], owner.project_id, key=key, last_event_id=ready.id or "", last_event_id_header=str(seen)
    ) as stream:
        kind, _, event_id = await stream.event()
        assert (kind, event_id) == ("prompt.version.created", first[2])


async def test_a_position_older_than_the_retention_window_gets_reset(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    await create_prompt(owner, "greeting")
    _, key = await api_key(owner)
    async with open_stream(stream_app[1], owner.project_id, key=key) as stream:
        position = int((await stream.next()).id or "")
    async with stream_app[0].state.sessionmaker() as session:
        await prune_events(session, timedelta(0))  # what the relay does once the window has passed
        await session.commit()
    await move(owner, "greeting", "production", 1)
    # A pruned position, 0 (connected before the project had events) and an id never sent: all reset.
    for stale in (str(position), "0", "999999999"):
        async with open_stream(
            stream_app[1], owner.project_id, key=key, last_event_id_header=stale
        ) as stream:
            reset = await stream.next()
            assert reset.event == "reset"
            resume_from = int(reset.id or "")
            assert resume_from > position  # the move made after the pruning
    async with open_stream(
        stream_app[1], owner.project_id, key=key, last_event_id_header=str(resume_from)
    ) as s:
        await add_version(owner, "greeting", "v2")
        kind, _, _ = await s.event()
        assert kind == "prompt.version.created"  # resuming from the reset's position works


async def test_names_filter_only_streams_those_prompts_and_moves_the_position_past_others(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    await create_prompt(owner, "alpha")
    await create_prompt(owner, "beta")
    _, key = await api_key(owner)
    async with open_stream(stream_app[1], owner.project_id, key=key, names="alpha,gamma") as stream:
        await stream.next()
        await move(owner, "beta", "production", 1)
        position = await stream.next(positions=True)
        assert (position.event, position.data) == ("message", "")  # a bare `id:`: no event for beta
        await move(owner, "alpha", "production", 1)
        kind, data, event_id = await stream.event()
        assert (kind, data["prompt"]) == ("label.moved", "alpha")
        assert event_id > int(position.id or "")


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"names": "Bad Name"}, ["query", "names"]),
        ({"names": ",".join(f"p{i}" for i in range(51))}, ["query", "names"]),
        ({"names": ",".join(f"prompt-{i:03}-" + "x" * 100 for i in range(9))}, ["query", "names"]),
        ({"names": ""}, ["query", "names"]),
        ({"last_event_id": "-1"}, ["query", "last_event_id"]),
        ({"last_event_id_header": "abc"}, ["header", "last-event-id"]),
    ],
)
async def test_bad_parameters_are_422(
    stream_app: tuple[FastAPI, str], factory_here: Factory, params: dict[str, str], where: list[str]
) -> None:
    owner = await factory_here.account()
    _, key = await api_key(owner)
    headers = {"Authorization": f"Bearer {key}"}
    if "last_event_id_header" in params:
        headers["Last-Event-ID"] = params.pop("last_event_id_header")
    async with httpx.AsyncClient(base_url=stream_app[1]) as client:
        response = await client.get(
            f"/api/v1/projects/{owner.project_id}/prompt-events", params=params, headers=headers
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == where


async def test_tenants_are_isolated(stream_app: tuple[FastAPI, str], factory_here: Factory) -> None:
    owner = await factory_here.account()
    stranger = await factory_here.account()
    await create_prompt(owner, "greeting")
    await create_prompt(stranger, "greeting")
    _, key = await api_key(owner)
    _, stranger_key = await api_key(stranger)
    async with httpx.AsyncClient(base_url=stream_app[1]) as client:
        url = f"/api/v1/projects/{stranger.project_id}/prompt-events"
        for headers in ({"Authorization": f"Bearer {key}"}, {}):
            cookies = {} if headers else dict(owner.client.cookies.items())
            response = await client.get(url, headers=headers, cookies=cookies)
            assert response.status_code == 404, response.text
            assert response.headers["content-type"] == "application/problem+json"
    async with (
        open_stream(stream_app[1], owner.project_id, key=key) as mine,
        open_stream(stream_app[1], stranger.project_id, key=stranger_key) as theirs,
    ):
        await mine.next()
        await theirs.next()
        await move(stranger, "greeting", "production", 1)  # never reaches `mine`
        await theirs.event()
        await move(owner, "greeting", "staging", 1)
        kind, data, _ = await mine.event()
        assert (kind, data["label"]) == ("label.moved", "staging")


async def test_a_session_cookie_may_stream_too(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    viewer = await factory_here.member(owner, "viewer")
    await create_prompt(owner, "greeting")
    async with open_stream(stream_app[1], owner.project_id, account=viewer) as stream:
        assert (await stream.next()).event == "ready"
        await move(owner, "greeting", "staging", 1)
        assert (await stream.event())[0] == "label.moved"


async def test_revoking_the_key_ends_its_stream(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    key_id, key = await api_key(owner)
    async with open_stream(stream_app[1], owner.project_id, key=key) as stream:
        await stream.next()
        revoked = await owner.client.delete(f"/api/v1/projects/{owner.project_id}/api-keys/{key_id}")
        assert revoked.status_code == 204
        # The heartbeat is 30 s here: the end comes from the revocation notice.
        assert await stream.ended(within=10.0)


async def test_streams_per_project_are_limited(
    stream_app: tuple[FastAPI, str], factory_here: Factory
) -> None:
    owner = await factory_here.account()
    _, key = await api_key(owner)
    settings = stream_app[0].state.settings
    limit = settings.stream_max_connections_per_project
    settings.stream_max_connections_per_project = 2
    try:
        async with (
            open_stream(stream_app[1], owner.project_id, key=key) as one,
            open_stream(stream_app[1], owner.project_id, account=owner) as two,
        ):
            await one.next()
            await two.next()
            async with httpx.AsyncClient(base_url=stream_app[1]) as client:
                response = await client.get(
                    f"/api/v1/projects/{owner.project_id}/prompt-events",
                    headers={"Authorization": f"Bearer {key}"},
                )
            assert response.status_code == 429
            assert response.json()["code"] == "too_many_streams"
        # Closed streams free their places.
        async with open_stream(stream_app[1], owner.project_id, key=key) as three:
            assert (await three.next()).event == "ready"
    finally:
        settings.stream_max_connections_per_project = limit


async def test_shutdown_ends_open_streams(settings: Settings, kv_prefix: str, app: FastAPI) -> None:
    application = create_app(settings.model_copy(update=STREAM_SETTINGS), kv_prefix=kv_prefix)
    factory = Factory(application)
    async with running(application):
        owner = await factory.account()
        _, key = await api_key(owner)
        async with serve(application) as url, open_stream(url, owner.project_id, key=key) as stream:
            await stream.next()
            await application.state.change_feed.stop()
            assert await stream.ended(within=10.0)
    for client in factory.clients:
        await client.aclose()


async def test_a_change_on_one_replica_reaches_a_stream_on_another(
    stream_app: tuple[FastAPI, str], factory_here: Factory, settings: Settings, kv_prefix: str
) -> None:
    # With Redis the nudge crosses replicas (a poll too slow to matter proves it); embedded, the two
    # instances share only the database file, so the fallback poll delivers.
    poll = 60.0 if BACKEND != "embedded" else 0.5
    other = create_app(
        settings.model_copy(update={**STREAM_SETTINGS, "stream_poll_seconds": poll}), kv_prefix=kv_prefix
    )
    owner = await factory_here.account()
    await create_prompt(owner, "greeting")
    _, key = await api_key(owner)
    async with running(other), serve(other) as url, open_stream(url, owner.project_id, key=key) as stream:
        await stream.next()
        await asyncio.sleep(0)
        await move(owner, "greeting", "production", 1)  # on the first instance
        kind, data, _ = await stream.event()
        assert (kind, data["to_version"]) == ("label.moved", 1)
