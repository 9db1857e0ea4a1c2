"""`GET /api/v1/ws` as clients see it: the app served by uvicorn on a real socket, the `websockets`
client library connecting to it, REST calls making the events. Both backends (Redis pub/sub and the
in-process store); with Redis, a second app instance proves events cross replicas."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conftest import BACKEND, Account, Factory, running
from promptforge.auth.dependencies import ACCESS_COOKIE
from promptforge.core.config import Settings
from promptforge.core.events import publish_event
from promptforge.main import create_app

LIVE_SETTINGS: dict[str, Any] = {
    "ws_ping_seconds": 0.5,
    "ws_recheck_seconds": 60.0,  # long: closing at once must come from the revocation notices
    "ws_send_timeout_seconds": 2.0,
    "ws_send_queue_size": 32,
    "ws_max_connections_per_principal": 3,
    "ws_client_message_burst": 20,
    "ws_max_subscriptions": 3,
}


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[int]:
    """Serve an already started app with uvicorn on a free port (the test transport has no WebSocket)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


@dataclass
class Live:
    app: FastAPI
    port: int
    factory: Factory

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/ws"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def as_user(self, account: Account, **kwargs: Any) -> connect:
        token = account.client.cookies.get(ACCESS_COOKIE)
        return connect(
            self.url, origin=self.origin, additional_headers={"Cookie": f"{ACCESS_COOKIE}={token}"}, **kwargs
        )

    def as_key(self, secret: str, **kwargs: Any) -> connect:
        return connect(self.url, additional_headers={"Authorization": f"Bearer {secret}"}, **kwargs)


@pytest.fixture(scope="module")
async def live_app(app: FastAPI, settings: Settings, kv_prefix: str) -> AsyncIterator[tuple[FastAPI, int]]:
    """An app instance with short WebSocket timings, sharing the test database (and Redis prefix)."""
    application = create_app(settings.model_copy(update=LIVE_SETTINGS), kv_prefix=kv_prefix)
    async with running(application), serve(application) as port:
        yield application, port


@pytest.fixture
async def live(live_app: tuple[FastAPI, int]) -> AsyncIterator[Live]:
    factory = Factory(live_app[0])  # REST through the same instance: its in-process store when embedded
    yield Live(live_app[0], live_app[1], factory)
    for client in factory.clients:
        await client.aclose()


async def receive(ws: ClientConnection, within: float = 5.0) -> dict[str, Any]:
    """The next message other than the server's keep-alive pings."""
    async with asyncio.timeout(within):
        while True:
            message: dict[str, Any] = json.loads(await ws.recv())
            if message["type"] != "ping":
                return message


async def subscribe(ws: ClientConnection, project_id: str) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "subscribe", "project_id": project_id}))
    return await receive(ws)


async def create_prompt(account: Account, name: str = "greeting") -> str:
    url = f"/api/v1/projects/{account.project_id}/prompts"
    response = await account.client.post(
        url, json={"name": name, "kind": "text", "template": "Hello {{ who }}"}
    )
    assert response.status_code == 201, response.text
    return f"{url}/{name}"


async def api_key(account: Account, role: str = "viewer") -> tuple[str, str]:
    response = await account.client.post(
        f"/api/v1/projects/{account.project_id}/api-keys", json={"name": "live", "role": role}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["secret"]


async def closed_with(ws: ClientConnection, within: float = 3.0) -> int | None:
    """Read until the server closes the connection; the close code it sent (None: no close frame)."""
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(within):
            while True:
                await ws.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


def refusal(exc: pytest.ExceptionInfo[InvalidStatus]) -> tuple[int, str]:
    response = exc.value.response
    return response.status_code, json.loads(response.body or b"{}").get("code", "")


# --- handshake ----------------------------------------------------------------------------------


async def test_no_credentials_are_refused(live: Live) -> None:
    with pytest.raises(InvalidStatus) as exc:
        async with connect(live.url, origin=live.origin):
            pass
    assert refusal(exc) == (401, "not_authenticated")
    with pytest.raises(InvalidStatus) as exc:
        async with live.as_key("pf_not-a-real-key"):
            pass
    assert refusal(exc) == (401, "invalid_api_key")


async def test_a_session_cookie_needs_the_apps_own_origin(live: Live) -> None:
    owner = await live.factory.account()
    token = owner.client.cookies.get(ACCESS_COOKIE)
    cookie = {"Cookie": f"{ACCESS_COOKIE}={token}"}
    for origin in ("https://evil.example", f"http://localhost:{live.port}", None):
        with pytest.raises(InvalidStatus) as exc:
            async with connect(live.url, origin=origin, additional_headers=cookie):  # type: ignore[arg-type]
                pass
        assert refusal(exc) == (403, "bad_origin"), origin
    async with live.as_user(owner) as ws:
        assert await subscribe(ws, owner.project_id) == {"type": "subscribed", "project_id": owner.project_id}


async def test_an_expired_or_signed_out_session_is_refused(live: Live) -> None:
    owner = await live.factory.account()
    token = owner.client.cookies.get(ACCESS_COOKIE)
    assert (await owner.client.post("/api/v1/auth/logout")).status_code == 204
    with pytest.raises(InvalidStatus) as exc:
        async with connect(
            live.url, origin=live.origin, additional_headers={"Cookie": f"{ACCESS_COOKIE}={token}"}
        ):
            pass
    assert refusal(exc) == (401, "invalid_session")


async def test_connections_per_user_are_limited(live: Live) -> None:
    owner = await live.factory.account()
    async with live.as_user(owner), live.as_user(owner), live.as_user(owner):
        with pytest.raises(InvalidStatus) as exc:
            async with live.as_user(owner):
                pass
        assert refusal(exc) == (429, "too_many_connections")
    async with live.as_user(owner) as ws:  # the closed ones no longer count
        assert (await subscribe(ws, owner.project_id))["type"] == "subscribed"


# --- events -------------------------------------------------------------------------------------


async def test_events_of_a_subscribed_project_arrive_in_the_documented_shape(live: Live) -> None:
    owner = await live.factory.account()
    url = await create_prompt(owner)
    async with live.as_user(owner) as ws:
        await subscribe(ws, owner.project_id)
        created = await owner.client.post(f"{url}/versions", json={"template": "Hi {{ who }}"})
        assert created.status_code == 201, created.text
        event = await receive(ws)
        assert event.pop("at").endswith("+00:00")
        assert event == {
            "type": "event",
            "event": "prompt.version.created",
            "project_id": owner.project_id,
            "data": {"prompt": "greeting", "version": 2},
        }
        assert (await owner.client.put(f"{url}/labels/staging", json={"version": 2})).status_code == 200
        assert (await owner.client.put(f"{url}/labels/staging", json={"version": 1})).status_code == 200
        assert (await owner.client.delete(f"{url}/labels/staging")).status_code == 204
        seen = [await receive(ws) for _ in range(3)]
        assert [(e["event"], e["data"]) for e in seen] == [
            (
                "label.moved",
                {"prompt": "greeting", "label": "staging", "from_version": None, "to_version": 2},
            ),
            ("label.moved", {"prompt": "greeting", "label": "staging", "from_version": 2, "to_version": 1}),
            (
                "label.removed",
                {"prompt": "greeting", "label": "staging", "from_version": 1, "to_version": None},
            ),
        ]
        await ws.send(json.dumps({"type": "unsubscribe", "project_id": owner.project_id}))
        assert await receive(ws) == {"type": "unsubscribed", "project_id": owner.project_id}
        await owner.client.post(f"{url}/versions", json={"template": "Bye {{ who }}"})
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive(ws))["type"] == "pong"  # and no event before it


async def test_an_import_publishes_its_versions_and_label_moves(live: Live) -> None:
    owner = await live.factory.account()
    document = {
        "prompts": [
            {
                "name": "imported",
                "kind": "text",
                "versions": [{"number": 1, "template": "One"}, {"number": 2, "template": "Two"}],
                "labels": {"production": 2},
            }
        ]
    }
    async with live.as_user(owner) as ws:
        await subscribe(ws, owner.project_id)
        response = await owner.client.post(f"/api/v1/projects/{owner.project_id}/import", json=document)
        assert response.status_code == 200, response.text
        events = [await receive(ws) for _ in range(4)]
    assert [(e["event"], e["data"]) for e in events] == [
        ("prompts.imported", {"prompt": "imported"}),
        ("prompt.version.created", {"prompt": "imported", "version": 1}),
        ("prompt.version.created", {"prompt": "imported", "version": 2}),
        ("label.moved", {"prompt": "imported", "label": "production", "from_version": None, "to_version": 2}),
    ]


async def test_another_tenants_project_is_not_found_and_stays_silent(live: Live) -> None:
    owner = await live.factory.account()
    stranger = await live.factory.account()
    their_prompt = await create_prompt(stranger)
    our_prompt = await create_prompt(owner)
    async with live.as_user(owner) as ws:
        assert await subscribe(ws, stranger.project_id) == {
            "type": "error",
            "code": "not_found",
            "message": "Project not found.",
            "project_id": stranger.project_id,
        }
        await subscribe(ws, owner.project_id)
        await stranger.client.post(f"{their_prompt}/versions", json={"template": "Secret {{ who }}"})
        await owner.client.post(f"{our_prompt}/versions", json={"template": "Ours {{ who }}"})
        event = await receive(ws)  # the first event is ours: theirs never came
        assert event["project_id"] == owner.project_id


async def test_an_api_key_sees_only_its_own_project(live: Live) -> None:
    owner = await live.factory.account()
    stranger = await live.factory.account()
    url = await create_prompt(owner)
    _, secret = await api_key(owner)
    async with live.as_key(secret) as ws:  # no Origin rule for keys
        assert (await subscribe(ws, stranger.project_id))["code"] == "not_found"
        assert await subscribe(ws, owner.project_id) == {"type": "subscribed", "project_id": owner.project_id}
        await owner.client.put(f"{url}/labels/production", json={"version": 1})
        assert (await receive(ws))["event"] == "label.moved"


async def test_bad_messages_get_errors_and_the_connection_stays(live: Live) -> None:
    owner = await live.factory.account()
    async with live.as_user(owner) as ws:
        for sent, code in [
            ("not json", "bad_message"),
            ("[1, 2]", "unknown_type"),
            (json.dumps({"type": "dance"}), "unknown_type"),
            (json.dumps({"type": "subscribe", "project_id": "../etc"}), "validation_error"),
            (json.dumps({"type": "subscribe", "project_id": 7}), "validation_error"),
        ]:
            await ws.send(sent)
            assert (await receive(ws))["code"] == code, sent
        await ws.send(b"\x00binary")
        assert (await receive(ws))["code"] == "bad_message"
        assert (await subscribe(ws, owner.project_id))["type"] == "subscribed"


async def test_oversized_and_flooding_clients_are_closed(live: Live) -> None:
    owner = await live.factory.account()
    async with live.as_user(owner) as ws:
        await ws.send(json.dumps({"type": "ping", "pad": "x" * 5000}))
        assert await closed_with(ws) == 1009
    async with live.as_user(owner) as ws:
        for _ in range(60):
            await ws.send(json.dumps({"type": "ping"}))
        assert await closed_with(ws) == 4029


async def test_subscriptions_per_connection_are_limited(live: Live) -> None:
    owner = await live.factory.account()
    limit = live.app.state.settings.ws_max_subscriptions
    async with live.as_user(owner) as ws:
        await subscribe(ws, owner.project_id)
        for index in range(limit - 1):  # unknown projects are refused, so they never count
            assert (await subscribe(ws, f"00000000-0000-7000-8000-{index:012d}"))["code"] == "not_found"
        workspace = owner.workspace_id
        for index in range(limit):
            created = await owner.client.post(
                f"/api/v1/workspaces/{workspace}/projects", json={"name": f"P{index}", "slug": f"p{index}"}
            )
            reply = await subscribe(ws, created.json()["id"])
            expected = "subscribed" if index < limit - 1 else "error"
            assert reply["type"] == expected, reply
        assert reply["code"] == "too_many_subscriptions"


async def test_the_server_pings_idle_clients(live: Live) -> None:
    owner = await live.factory.account()
    async with live.as_user(owner) as ws:
        async with asyncio.timeout(3):
            message = json.loads(await ws.recv())
        assert message["type"] == "ping" and "at" in message


# --- ending connections -------------------------------------------------------------------------


async def test_revoking_the_key_closes_its_connections(live: Live) -> None:
    owner = await live.factory.account()
    key_id, secret = await api_key(owner)
    async with live.as_key(secret) as ws:
        await subscribe(ws, owner.project_id)
        revoked = await owner.client.delete(f"/api/v1/projects/{owner.project_id}/api-keys/{key_id}")
        assert revoked.status_code == 204
        assert await closed_with(ws, within=2.0) == 4001
    with pytest.raises(InvalidStatus) as exc:
        async with live.as_key(secret):
            pass
    assert refusal(exc) == (401, "invalid_api_key")


async def test_signing_out_closes_that_sessions_connections(live: Live) -> None:
    owner = await live.factory.account()
    async with live.as_user(owner) as ws:
        await subscribe(ws, owner.project_id)
        assert (await owner.client.post("/api/v1/auth/logout")).status_code == 204
        assert await closed_with(ws, within=2.0) == 4001


# Deterministic only in-process: there the burst reaches the connection faster than it can send.
# Through Redis the sender kept pace in this test (the loopback socket absorbed megabytes),
# so the queue never filled; see docs/api.md "Live events" (limits).
if BACKEND == "embedded":

    async def test_a_client_that_never_reads_is_disconnected(live: Live) -> None:
        owner = await live.factory.account()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fill up fast
        sock.connect(("127.0.0.1", live.port))
        sock.setblocking(False)
        async with live.as_user(owner, sock=sock, max_queue=1, max_size=2**22) as ws:
            await subscribe(ws, owner.project_id)
            for index in range(80):  # ~2.5 MB of events that this client does not read
                data = {"row": index, "pad": "x" * 32_000}
                await publish_event(live.app.state.kv, owner.project_id, "dataset.import.progress", data)  # type: ignore[arg-type]
            await asyncio.sleep(0.5)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)  # now read at full speed
            # Reading again, the client finds what was sent before the server gave up, then the close.
            assert await closed_with(ws, within=5.0) == 4008
        metrics = (await owner.client.get("/metrics")).text
        assert 'promptforge_ws_closes_total{code="4008"}' in metrics


if BACKEND == "postgres":  # replicas share Redis; the embedded store lives inside one process

    async def test_an_event_made_on_one_instance_reaches_a_client_of_another(
        live: Live, settings: Settings, kv_prefix: str
    ) -> None:
        owner = await live.factory.account()
        url = await create_prompt(owner)
        other = create_app(settings.model_copy(update=LIVE_SETTINGS), kv_prefix=kv_prefix)
        async with running(other), serve(other) as port:
            token = owner.client.cookies.get(ACCESS_COOKIE)
            async with connect(
                f"ws://127.0.0.1:{port}/api/v1/ws",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": f"{ACCESS_COOKIE}={token}"},
            ) as ws:
                await subscribe(ws, owner.project_id)
                # REST on the first instance, WebSocket on the second.
                assert (
                    await owner.client.put(f"{url}/labels/staging", json={"version": 1})
                ).status_code == 200
                event = await receive(ws)
                assert (event["event"], event["data"]["label"]) == ("label.moved", "staging")
                # A revocation on the first instance closes the session's connection on the second.
                assert (await owner.client.post("/api/v1/auth/logout")).status_code == 204
                assert await closed_with(ws, within=2.0) == 4001
