"""Dataset exports through the API, the export/import round trip (CSV and JSONL), downloads and their
access checks, one import + export on S3 (the local moto server), and import events over the
WebSocket."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from test_datasets_api import add_items, datasets_url, make_dataset, problem
from test_imports_api import contents, import_file, upload, wait_done
from test_item_history import all_items
from websockets.asyncio.client import connect

from conftest import Account, Factory, running
from promptforge.auth.dependencies import ACCESS_COOKIE
from promptforge.core.config import Settings
from promptforge.main import create_app
from s3_server import S3Server

# Every item has every variable: CSV cannot tell a missing variable from "" (docs/datasets-formats.md).
ITEMS: list[dict[str, Any]] = [
    {"input": {"question": "2+2?", "context": "math, easy"}, "expected": "4", "metadata": {"source": "quiz"}},
    {
        "input": {"question": 'Say "hi"\nnicely', "context": "="},
        "expected": ["icontains:hi", "not-contains:bye"],
    },
    {
        "input": {"question": "threshold", "context": "-5"},
        "metadata": {"threshold": 0.75, "description": "with metadata"},
    },
    {"input": {"question": "no expectation", "context": ""}},
]
JSON_ONLY: list[dict[str, Any]] = [  # values CSV cannot carry as they are: JSONL keeps them exactly
    {"input": {"n": 1, "nested": {"a": [1, 2]}}, "expected": {"score": 0.5}, "metadata": {"tags": ["x"]}},
]


async def export(client: httpx.AsyncClient, url: str, fmt: str, timeout: float = 60) -> dict[str, Any]:
    response = await client.post(f"{url}/exports", json={"format": fmt})
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    assert accepted["status"] == "queued" and accepted["download_url"] is None
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = (await client.get(f"{url}/exports/{accepted['id']}")).json()
        if body["status"] in ("completed", "failed"):
            return body
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.05)


async def download(client: httpx.AsyncClient, done: dict[str, Any]) -> bytes:
    url = done["download_url"]
    if url.startswith("/"):
        response = await client.get(url)
    else:  # presigned S3 link: no credentials of ours needed
        async with httpx.AsyncClient() as plain:
            response = await plain.get(url)
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
async def test_export_then_import_gives_the_same_items(factory: Factory, fmt: str) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    items = ITEMS + (JSON_ONLY if fmt == "jsonl" else [])
    assert (await add_items(owner.client, url, items)).status_code == 201
    first = (await add_items(owner.client, url, [{"input": {"question": "later"}}])).json()["ids"][0]
    await owner.client.delete(f"{url}/items/{first}")  # version 3: the same items as version 1

    done = await export(owner.client, url, fmt)
    assert done["status"] == "completed", done
    assert (done["format"], done["version"], done["item_count"]) == (fmt, 3, len(items))
    assert done["dataset"] == "qa"
    assert done["download_url"].endswith(f"/exports/{done['id']}/download")
    file = await download(owner.client, done)
    assert len(file) == done["size_bytes"]
    response = await owner.client.get(done["download_url"])
    assert response.headers["content-disposition"].startswith('attachment; filename="qa-v3.')
    assert response.headers["content-type"].startswith("text/csv" if fmt == "csv" else "application/x-ndjson")

    await make_dataset(owner, "copy")
    copy_url = f"{datasets_url(owner)}/copy"
    imported = await import_file(owner, copy_url, file, f"qa-v3.{fmt}", strict=True)
    assert imported["status"] == "completed" and imported["items_created"] == len(items), imported
    normalized = [{"expected": None, "metadata": {}} | item for item in items]
    assert contents(await all_items(owner, copy_url)) == normalized
    assert contents(await all_items(owner, url)) == normalized


async def test_export_pins_the_version_and_empty_datasets_export(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    empty = await export(owner.client, url, "csv")
    assert (empty["status"], empty["version"], empty["item_count"]) == ("completed", 0, 0)
    await make_dataset(owner, "empty-copy")
    back = await import_file(owner, f"{datasets_url(owner)}/empty-copy", await download(owner.client, empty))
    assert (back["status"], back["items_created"]) == ("completed", 0)

    await add_items(owner.client, url, ITEMS)
    response = await owner.client.post(f"{url}/exports", json={"format": "jsonl"})
    await add_items(owner.client, url, ITEMS)  # after the request: not in the file
    accepted = response.json()
    assert accepted["version"] == 1
    done = accepted
    while done["status"] not in ("completed", "failed"):
        await asyncio.sleep(0.05)
        done = (await owner.client.get(f"{url}/exports/{accepted['id']}")).json()
    lines = (await download(owner.client, done)).decode().splitlines()
    assert len(lines) == len(ITEMS) and done["item_count"] == len(ITEMS)


async def test_export_permissions_and_errors(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    await add_items(owner.client, url, ITEMS)
    viewer_key = await factory.api_key(owner, "viewer")
    # Exporting is reading: viewers may export and download.
    done = await export(viewer_key, url, "jsonl")
    assert done["status"] == "completed"
    file = await download(viewer_key, done)
    assert len(file.splitlines()) == len(ITEMS)
    problem(await owner.client.post(f"{url}/exports", json={"format": "xlsx"}), 422)
    problem(await owner.client.post(f"{datasets_url(owner)}/missing/exports", json={"format": "csv"}), 404)

    stranger = await factory.account()
    for response in (
        await stranger.client.post(f"{url}/exports", json={"format": "csv"}),
        await stranger.client.get(f"{url}/exports/{done['id']}"),
        await stranger.client.get(done["download_url"]),
    ):
        problem(response, 404)
    # An id of another dataset is not found through this one.
    await make_dataset(owner, "other")
    problem(await owner.client.get(f"{datasets_url(owner)}/other/exports/{done['id']}/download"), 404)
    # Access is checked on every download: a revoked key cannot fetch the file it exported.
    keys = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/api-keys")).json()["items"]
    viewer_key_id = next(k["id"] for k in keys if k["name"] == "viewer-key")
    revoked = await owner.client.delete(f"/api/v1/projects/{owner.project_id}/api-keys/{viewer_key_id}")
    assert revoked.status_code in (200, 204), revoked.text
    assert (await viewer_key.get(done["download_url"])).status_code == 401


async def test_import_and_export_on_s3(
    factory: Factory, settings: Settings, s3_server: S3Server, kv_prefix: str
) -> None:
    s3_settings = s3_server.settings(settings)
    # Its own queue (kv prefix), so only this app's worker, which writes to S3, runs its jobs.
    application = create_app(s3_settings, kv_prefix=f"{kv_prefix}s3{secrets.token_hex(2)}:")
    async with running(application):
        s3_factory = Factory(application)
        try:
            owner = await s3_factory.account()
            await make_dataset(owner)
            url = f"{datasets_url(owner)}/qa"
            lines = "".join(json.dumps(item) + "\n" for item in ITEMS)
            imported = await import_file(owner, url, lines, "items.jsonl")
            assert (imported["status"], imported["items_created"]) == ("completed", len(ITEMS))
            prefix = s3_settings.storage_url.removeprefix(f"s3://{s3_server.bucket}/")
            # The upload is deleted once imported: right after the completion commits, so allow a moment.
            for _ in range(100):
                listed = s3_server.admin().list_objects_v2(Bucket=s3_server.bucket, Prefix=prefix)
                if listed.get("KeyCount", 0) == 0:
                    break
                await asyncio.sleep(0.1)
            assert listed.get("KeyCount", 0) == 0

            done = await export(owner.client, url, "jsonl")
            assert done["status"] == "completed"
            assert done["download_url"].startswith(s3_server.endpoint_url)  # presigned, short-lived
            file = await download(owner.client, done)
            assert [json.loads(line)["input"] for line in file.splitlines()] == [i["input"] for i in ITEMS]
        finally:
            for client in s3_factory.clients:
                await client.aclose()


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[int]:
    """The started app on a real socket: the test transport has no WebSocket."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


async def test_import_events_arrive_over_the_websocket(factory: Factory, app: FastAPI) -> None:
    owner: Account = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    async with serve(app) as port:
        token = owner.client.cookies.get(ACCESS_COOKIE)
        async with connect(
            f"ws://127.0.0.1:{port}/api/v1/ws",
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"{ACCESS_COOKIE}={token}"},
        ) as ws:
            await ws.send(json.dumps({"type": "subscribe", "project_id": owner.project_id}))
            assert json.loads(await ws.recv())["type"] == "subscribed"
            good = "".join(json.dumps({"input": {"n": n}}) + "\n" for n in range(12_000))
            accepted = (await upload(owner.client, url, good + "oops\n", "items.jsonl")).json()
            events: list[dict[str, Any]] = []
            while not events or events[-1]["event"] != "dataset.import.completed":
                message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if message["type"] == "event" and message["event"].startswith("dataset.import"):
                    events.append(message)
            done = await wait_done(owner.client, url, accepted["id"])
            bad = await upload(owner.client, url, b"\xff\xfe\x00\x00", "bad.csv")
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if message["type"] == "event" and message["event"] == "dataset.import.failed":
                    break
    progress = [e["data"] for e in events if e["event"] == "dataset.import.progress"]
    assert progress and all(p["import_id"] == accepted["id"] and p["dataset"] == "qa" for p in progress)
    assert all(0 < p["bytes_done"] <= p["size_bytes"] == accepted["size_bytes"] for p in progress)
    assert [p["rows_done"] for p in progress] == sorted(p["rows_done"] for p in progress)
    assert events[-1]["data"] == {
        "import_id": accepted["id"],
        "dataset": "qa",
        "rows_done": 12_001,
        "items_created": 12_000,
        "error_count": 1,
        "version": done["version"],
    }
    assert message["data"]["import_id"] == bad.json()["id"] and "UTF-16" in message["data"]["message"]
