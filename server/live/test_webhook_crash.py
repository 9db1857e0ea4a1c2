"""The outbox survives a process kill: an api process (no worker in it) commits a label move and is
SIGKILLed as soon as the PUT returns; a worker process started afterwards delivers the event exactly once.
Real processes, private PostgreSQL and Redis, a real HTTP receiver."""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from standardwebhooks import Webhook as Verifier

from harness import ApiServer, PrivatePostgres, PrivateRedis, WorkerProcess, seed

DEADLINE = 60.0  # bounds a broken test only


class _Recorder(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    handler = type("Recorder", (_Recorder,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler.received
    server.shutdown()


async def _admin(postgres: PrivatePostgres, sql: str) -> None:
    conn = await asyncpg.connect(postgres.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _delivery_rows(database_url: str) -> list[Any]:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch("SELECT status, attempt, event_type FROM webhook_delivery"))
    finally:
        await conn.close()


def test_a_label_move_committed_before_a_kill_is_delivered_once_by_a_later_worker(
    postgres: PrivatePostgres,
    redis: PrivateRedis,
    receiver: tuple[str, list[tuple[dict[str, str], bytes]]],
    tmp_path: Path,
) -> None:
    url, received = receiver
    database = f"live_webhooks_{secrets.token_hex(3)}"
    asyncio.run(_admin(postgres, f'CREATE DATABASE "{database}"'))
    database_url = postgres.url.rsplit("/", 1)[0] + f"/{database}"
    api = ApiServer(database_url, redis.url, env={"PF_RUN_WORKER": "false", "PF_WEBHOOK_POLL_SECONDS": "0.2"})
    worker: WorkerProcess | None = None
    try:
        seeded = seed(api.base_url)
        with httpx.Client(base_url=api.base_url, cookies=seeded.cookies, timeout=30) as client:
            client.headers["X-CSRF-Token"] = seeded.csrf
            hook = client.post(
                f"/api/v1/projects/{seeded.project_id}/webhooks", json={"url": url, "events": ["label.moved"]}
            )
            assert hook.status_code == 201, hook.text
            moved = client.put(f"{seeded.prompt_url}/labels/staging", json={"version": 1})
            api.kill()  # right after the commit: no after-commit hook, no relay in this process
        assert moved.status_code == 200, moved.text
        assert received == []  # nothing was sent: the api process ran no worker
        assert [row["status"] for row in asyncio.run(_delivery_rows(database_url))] == []  # not fanned out

        worker = WorkerProcess(api.env, tmp_path / "worker.log")
        deadline = time.monotonic() + DEADLINE
        while not any(row["status"] == "succeeded" for row in asyncio.run(_delivery_rows(database_url))):
            assert worker.proc.poll() is None, worker.log_tail()
            assert time.monotonic() < deadline, worker.log_tail()
            time.sleep(0.1)
        rows = asyncio.run(_delivery_rows(database_url))
        summary = [(r["status"], r["attempt"], r["event_type"]) for r in rows]
        assert summary == [("succeeded", 1, "label.moved")]
        [(headers, body)] = received  # exactly once
        Verifier(hook.json()["secret"]).verify(body, headers)
        event = json.loads(body)
        assert event["type"] == "label.moved" and event["project_id"] == seeded.project_id
        expected = {"prompt": "greeting", "label": "staging", "from_version": None, "to_version": 1}
        assert event["data"] == expected
    finally:
        if worker is not None:
            worker.stop()
        api.close()
