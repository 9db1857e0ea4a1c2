"""Helpers for change-stream tests: an app served by uvicorn with short timings, and an SSE reader."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from httpx_sse import EventSource, ServerSentEvent, aconnect_sse

from conftest import Account

STREAM_SETTINGS: dict[str, Any] = {
    "stream_heartbeat_seconds": 30.0,  # long: an ending stream must be ended by what the test does
    "stream_poll_seconds": 0.5,
}


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve an already started app on a free port (the test transport buffers whole responses)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Stream:
    """An open change stream read message by message."""

    source: EventSource
    messages: AsyncIterator[ServerSentEvent] = field(init=False)

    def __post_init__(self) -> None:
        self.messages = self.source.aiter_sse()

    @property
    def response(self) -> httpx.Response:
        return self.source.response

    async def next(self, within: float = 10.0, *, positions: bool = False) -> ServerSentEvent:
        """The next message with an event (or, with `positions`, a bare `id:` one too)."""
        async with asyncio.timeout(within):
            while True:
                message = await anext(self.messages)
                if message.data or positions:
                    return message

    async def event(self, within: float = 10.0) -> tuple[str, dict[str, Any], int]:
        message = await self.next(within)
        return message.event, json.loads(message.data), int(message.id or 0)

    async def ended(self, within: float = 10.0) -> bool:
        """Read until the server ends the stream; True if it did within `within` seconds."""
        try:
            async with asyncio.timeout(within):
                async for _ in self.messages:
                    pass
        except TimeoutError:
            return False
        except httpx.RemoteProtocolError:
            return True
        return True


@asynccontextmanager
async def open_stream(
    base_url: str, project_id: str, *, key: str | None = None, account: Account | None = None, **params: str
) -> AsyncIterator[Stream]:
    """Connect with an API key (Bearer) or an account's session cookie; `last_event_id_header` too."""
    headers = {}
    cookies = {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if account is not None:
        cookies = dict(account.client.cookies.items())
    if "last_event_id_header" in params:
        headers["Last-Event-ID"] = params.pop("last_event_id_header")
    async with httpx.AsyncClient(base_url=base_url, timeout=30, cookies=cookies) as client:
        url = f"/api/v1/projects/{project_id}/prompt-events"
        async with aconnect_sse(client, "GET", url, headers=headers, params=params) as source:
            yield Stream(source)


async def api_key(account: Account, role: str = "viewer", project_id: str | None = None) -> tuple[str, str]:
    """A new API key of the account's project: (id, secret)."""
    response = await account.client.post(
        f"/api/v1/projects/{project_id or account.project_id}/api-keys", json={"name": "stream", "role": role}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["secret"]


async def create_prompt(account: Account, name: str, template: str = "Hello {{ who }}") -> None:
    response = await account.client.post(
        f"/api/v1/projects/{account.project_id}/prompts",
        json={"name": name, "kind": "text", "template": template},
    )
    assert response.status_code == 201, response.text


async def add_version(account: Account, name: str, template: str) -> int:
    url = f"/api/v1/projects/{account.project_id}/prompts/{name}/versions"
    response = await account.client.post(url, json={"template": template})
    assert response.status_code == 201, response.text
    return int(response.json()["number"])


async def move(account: Account, name: str, label: str, version: int) -> None:
    url = f"/api/v1/projects/{account.project_id}/prompts/{name}/labels/{label}"
    response = await account.client.put(url, json={"version": version})
    assert response.status_code == 200, response.text


async def resolve_etag(account: Account, name: str, label: str) -> str:
    url = f"/api/v1/projects/{account.project_id}/prompts/{name}/resolve"
    response = await account.client.get(url, params={"label": label})
    assert response.status_code == 200, response.text
    return response.headers["ETag"]
