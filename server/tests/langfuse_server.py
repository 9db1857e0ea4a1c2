"""A real Prompt-Forge server (uvicorn on a free port, its own event loop) for the Langfuse SDK tests.

It shares the test database and Redis with the `app` fixture (so `factory` can create accounts and
keys fast, and the per-test cleanup empties both); everything the SDK does goes over HTTP to it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import uvicorn
from fastapi import FastAPI

from promptforge.core.config import Settings
from promptforge.main import create_app

if TYPE_CHECKING:
    from conftest import Account


class LiveServer:
    """create_app() served by uvicorn (lifespan on) in a daemon thread."""

    def __init__(self, settings: Settings, kv_prefix: str) -> None:
        config = uvicorn.Config(
            create_app(settings, kv_prefix=kv_prefix), host="127.0.0.1", port=0, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the Prompt-Forge test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@dataclass
class Keys:
    public_key: str
    secret: str
    langfuse_env: str


async def new_key(owner: Account, role: str, project_id: str | None = None) -> Keys:
    """A new API key of the owner's project, as the create answer shows it."""
    response = await owner.client.post(
        f"/api/v1/projects/{project_id or owner.project_id}/api-keys",
        json={"name": f"lf-{role}", "role": role},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Keys(body["public_key"], body["secret"], body["langfuse_env"])


@pytest.fixture
async def live_url(app: FastAPI, settings: Settings, kv_prefix: str) -> AsyncIterator[str]:
    """Base URL of a running server (`app` is requested for its cleanup of database and cache)."""
    server = LiveServer(settings, kv_prefix)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
