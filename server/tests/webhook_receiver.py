"""A real HTTP receiver on a free port (uvicorn in the test's loop) that records every request and
answers from a script, plus helpers to create webhooks and wait for deliveries."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from promptforge.core.config import Settings

if TYPE_CHECKING:  # conftest imports this module's fixtures
    from conftest import Account


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"


class Receiver:
    """Answers each request with the next scripted Answer (then `default`), and records it."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.script: list[Answer] = []
        self.default = Answer()
        self.url = ""

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append(Received(scope["path"], headers, body, time.monotonic()))
        answer = self.script.pop(0) if self.script else self.default
        raw_headers = [(k.encode(), v.encode()) for k, v in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": answer.body})

    async def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Wait until at least `count` requests arrived (the timeout only bounds a broken test)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"expected {count} requests, got {len(self.received)}"
            await asyncio.sleep(0.02)
        return self.received


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    app = Receiver()
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "receiver did not start"
        await asyncio.sleep(0.01)
    app.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/hook"
    yield app
    server.should_exit = True
    await task


@pytest.fixture
def fast_retries(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A retry schedule of tenths of a second and a quick poll, so retries happen within the test."""
    monkeypatch.setattr(settings, "webhook_retry_base_seconds", 0.05)
    monkeypatch.setattr(settings, "webhook_poll_seconds", 0.05)
    monkeypatch.setattr(settings, "webhook_max_attempts", 4)
    return settings


def hooks_url(owner: Account) -> str:
    return f"/api/v1/projects/{owner.project_id}/webhooks"


async def create_webhook(owner: Account, url: str, events: list[str] | None = None) -> dict[str, Any]:
    response = await owner.client.post(hooks_url(owner), json={"url": url, "events": events or ["*"]})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_prompt(owner: Account, name: str = "greeting") -> str:
    response = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/prompts",
        json={"name": name, "kind": "text", "template": "Hello {{ name }}!"},
    )
    assert response.status_code == 201, response.text
    return name


async def move_label(owner: Account, prompt: str, label: str = "staging", version: int = 1) -> None:
    response = await owner.client.put(
        f"/api/v1/projects/{owner.project_id}/prompts/{prompt}/labels/{label}", json={"version": version}
    )
    assert response.status_code == 200, response.text


async def deliveries(owner: Account, webhook_id: str, **params: str) -> list[dict[str, Any]]:
    response = await owner.client.get(f"{hooks_url(owner)}/{webhook_id}/deliveries", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def wait_for_delivery(
    owner: Account, webhook_id: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20.0
) -> dict[str, Any]:
    """Poll the deliveries list until one matches (the timeout only bounds a broken test)."""
    deadline = time.monotonic() + timeout
    while True:
        for item in await deliveries(owner, webhook_id):
            if predicate(item):
                return item
        assert time.monotonic() < deadline, f"no matching delivery: {await deliveries(owner, webhook_id)}"
        await asyncio.sleep(0.05)
