"""Scale-out, exercised: two api instances and two workers behave as one Prompt-Forge.

Driven over HTTP and WebSocket like a client would (conftest.py starts the processes). In order:
a label moved on api 1 resolves on api 2 at once; a dataset imported through api 2 travels through
S3 to a worker, and its export written by a worker downloads from S3; an evaluation enqueued on
api 1 is shared by both workers while a WebSocket client of api 2 sees its events; a worker killed
mid-evaluation loses nothing.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import httpx
from websockets.sync.client import connect as ws_connect

from conftest import Topology
from harness import ApiServer

ITEMS = 60
VARIANTS = ("topo-a", "topo-b")
CONCURRENCY = 4  # 4 shards of 1 call each: 120 cells x 100 ms / 4 = 3 s of work


def _client(api: ApiServer, topology: Topology) -> httpx.Client:
    """The seeded owner by cookie, on one api instance (the session is valid on every instance)."""
    client = httpx.Client(base_url=api.base_url, timeout=60, cookies=topology.seeded.cookies)
    client.headers["X-CSRF-Token"] = topology.seeded.csrf
    return client


def _project(topology: Topology) -> str:
    return f"/api/v1/projects/{topology.seeded.project_id}"


def _wait_for(check: Any, what: str, timeout: float, tail: Any = None) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} within {timeout} s\n{tail() if tail else ''}"
        time.sleep(0.05)


def test_a_label_moved_on_api_1_resolves_on_api_2_at_once(topology: Topology) -> None:
    seeded = topology.seeded
    api_1, api_2 = topology.apis
    resolve = f"{seeded.prompt_url}/resolve"
    with _client(api_1, topology) as editor, httpx.Client(base_url=api_2.base_url, timeout=30) as reader:
        reader.headers.update(seeded.key_headers)
        assert reader.get(resolve).raise_for_status().json()["version"] == 1  # cached on api 2 now
        created = editor.post(f"{seeded.prompt_url}/versions", json={"template": "Hi {{ name }}!"})
        assert created.status_code == 201, created.text
        version = created.json()["number"]
        for target in (version, 1, version):
            moved = editor.put(f"{seeded.prompt_url}/labels/production", json={"version": target})
            assert moved.status_code == 200, moved.text
            # The very next request to the other instance: no waiting for a cache to expire.
            assert reader.get(resolve).raise_for_status().json()["version"] == target


def test_a_dataset_travels_through_s3_between_api_and_workers(topology: Topology) -> None:
    api_1, api_2 = topology.apis
    datasets = f"{_project(topology)}/datasets"
    lines = "".join(
        json.dumps({"input": {"name": f"s3-{i}"}, "expected": f"e{i}"}) + "\n" for i in range(500)
    )
    with _client(api_2, topology) as client_2, _client(api_1, topology) as client_1:
        client_2.post(datasets, json={"name": "via-s3"}).raise_for_status()
        upload = {"file": ("items.jsonl", io.BytesIO(lines.encode()), "application/x-ndjson")}
        started = client_2.post(f"{datasets}/via-s3/imports", files=upload)
        assert started.status_code == 202, started.text
        status_url = f"{datasets}/via-s3/imports/{started.json()['id']}"
        body = _wait_for(
            lambda: (b := client_1.get(status_url).json())["status"] in ("completed", "failed") and b,
            "the import finished",
            60,
            lambda: (
                f"{client_1.get(status_url).json()}\n" + "\n".join(w.log_tail() for w in topology.workers)
            ),
        )
        assert body["status"] == "completed" and body["items_created"] == 500, body

        export = client_1.post(f"{datasets}/via-s3/exports", json={"format": "jsonl"})
        assert export.status_code == 202, export.text
        export_url = f"{datasets}/via-s3/exports/{export.json()['id']}"
        done = _wait_for(
            lambda: (b := client_2.get(export_url).json())["status"] in ("completed", "failed") and b,
            "the export finished",
            60,
        )
        assert done["status"] == "completed", done
    # A presigned link to the S3 server itself: the file a worker wrote is in the bucket.
    assert done["download_url"].startswith(topology.s3.endpoint_url), done["download_url"]
    downloaded = httpx.get(done["download_url"], timeout=30).raise_for_status().text
    assert sorted(json.loads(line)["input"]["name"] for line in downloaded.splitlines()) == sorted(
        f"s3-{i}" for i in range(500)
    )
    listed = topology.s3.client().list_objects_v2(Bucket=topology.s3.bucket, Prefix="topology/")  # type: ignore[attr-defined]
    assert listed.get("KeyCount", 0) >= 1


def _create_evaluation(client: httpx.Client, topology: Topology, models: dict[str, str], name: str) -> str:
    project = _project(topology)
    provider = client.post(
        f"{project}/providers",
        json={
            "name": name,
            "kind": "openai",
            "base_url": topology.fake.openai_url,
            "api_key": "sk-test-1234",
        },
    ).raise_for_status()
    client.post(f"{project}/datasets", json={"name": name}).raise_for_status()
    items = [{"input": {"name": f"{name}-{i}"}} for i in range(ITEMS)]
    client.post(f"{project}/datasets/{name}/items", json={"items": items}).raise_for_status()
    variants = [
        {
            "name": variant,
            "prompt": {"name": "greeting"},
            "provider_id": provider.json()["id"],
            "model": model,
        }
        for variant, model in models.items()
    ]
    body = {
        "name": name,
        "dataset": {"name": name},
        "variants": variants,
        "assertions": [{"type": "contains", "value": "{{ name }}"}],
        "concurrency": CONCURRENCY,
    }
    response = client.post(f"{project}/evaluations", json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


@contextmanager
def _events(api: ApiServer, topology: Topology) -> Iterator[list[dict[str, Any]]]:
    """Every evaluation event a WebSocket client of `api` receives, collected on a thread."""
    received: list[dict[str, Any]] = []
    cookie = "; ".join(f"{k}={v}" for k, v in topology.seeded.cookies.items())
    ws_url = api.base_url.replace("http://", "ws://") + "/api/v1/ws"
    with ws_connect(ws_url, origin=api.base_url, additional_headers={"Cookie": cookie}) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"type": "subscribe", "project_id": topology.seeded.project_id}))
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                try:
                    message = json.loads(ws.recv(timeout=0.2))
                except TimeoutError:
                    continue
                except Exception:  # closed
                    return
                if message.get("type") == "event" and message["event"].startswith("evaluation."):
                    received.append(message)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        time.sleep(0.3)  # the subscription is registered before anything is enqueued
        try:
            yield received
        finally:
            stop.set()
            reader.join(timeout=5)


def _shard_logs(topology: Topology, evaluation_id: str, event: str) -> dict[int, list[dict[str, Any]]]:
    """Per worker (index): its JSON log lines `event` about this evaluation."""
    found: dict[int, list[dict[str, Any]]] = {}
    for index, worker in enumerate(topology.workers):
        lines = worker.log_path.read_text(errors="replace").splitlines() if worker.log_path.exists() else []
        for line in lines:
            if evaluation_id in line and event in line:
                record = json.loads(line)
                if record.get("event") == event:
                    found.setdefault(index, []).append(record)
    return found


def test_an_evaluation_is_shared_by_both_workers_and_streamed_to_api_2(topology: Topology) -> None:
    api_1, api_2 = topology.apis
    models = {variant: f"slow-100ms-{variant}-{uuid.uuid4().hex[:6]}" for variant in VARIANTS}
    total = ITEMS * len(VARIANTS)
    topology.fake.reset_in_flight()
    with _events(api_2, topology) as events, _client(api_1, topology) as client:
        evaluation_id = _create_evaluation(client, topology, models, "shared")
        _wait_for(
            lambda: any(
                e["event"] == "evaluation.completed" and e["data"]["id"] == evaluation_id for e in events
            ),
            "evaluation.completed reached the WebSocket client of api 2",
            90,
            lambda: "\n".join(w.log_tail() for w in topology.workers),
        )
        time.sleep(0.5)  # a duplicate "completed" would arrive now
    mine = [e for e in events if e["data"]["id"] == evaluation_id]
    assert [e["event"] for e in mine].count("evaluation.completed") == 1
    assert any(e["event"] == "evaluation.progress" for e in mine)
    completed = next(e["data"] for e in mine if e["event"] == "evaluation.completed")
    assert completed["status"] == "completed"
    assert completed["progress"] == {"done": total, "total": total, "passed": total, "failed": 0, "errors": 0}
    assert topology.fake.max_in_flight <= CONCURRENCY  # the limit holds across both workers
    finished = _shard_logs(topology, evaluation_id, "evaluation_shard_finished")
    written = {worker: sum(r["written"] for r in records) for worker, records in finished.items()}
    assert sorted(written) == [0, 1] and all(written.values()), written  # each took some cells
    assert sum(written.values()) == total
    assert asyncio.run(_cells(topology.database_url, evaluation_id)) == (total, total)


def test_a_worker_killed_mid_evaluation_loses_nothing(topology: Topology) -> None:
    models = {variant: f"slow-150ms-{variant}-{uuid.uuid4().hex[:6]}" for variant in VARIANTS}
    total = ITEMS * len(VARIANTS)
    with _client(topology.apis[0], topology) as client:
        evaluation_id = _create_evaluation(client, topology, models, "killed")
        url = f"{_project(topology)}/evaluations/{evaluation_id}"
        # Both workers run shards of it, and some results are written: now kill one.
        _wait_for(
            lambda: (
                len(_shard_logs(topology, evaluation_id, "evaluation_shard_started")) == 2
                and client.get(url).json()["progress"]["done"] >= 20
            ),
            "both workers running shards",
            60,
        )
        topology.workers[0].kill()
        killed = client.get(url).json()
        assert killed["status"] == "running" and killed["progress"]["done"] < total, killed
        body = _wait_for(
            lambda: (b := client.get(url).json())["status"] not in ("queued", "running") and b,
            "the evaluation finished after the kill",
            120,
            lambda: topology.workers[1].log_tail(),
        )
    assert body["status"] == "completed", body
    assert body["progress"] == {"done": total, "total": total, "passed": total, "failed": 0, "errors": 0}
    assert asyncio.run(_cells(topology.database_url, evaluation_id)) == (total, total)
    calls: Counter[str] = Counter()
    for model in models.values():
        calls[model] = len(topology.fake.calls(model))
    # Only cells in flight (or finished, unwritten) at the kill were asked again.
    assert total <= sum(calls.values()) < total + 2 * CONCURRENCY * 4, calls
    print(f"killed at {killed['progress']['done']}/{total} cells; provider calls {sum(calls.values())}")


async def _cells(url: str, evaluation_id: str) -> tuple[int, int]:
    """(results stored, distinct (item, variant) cells among them)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch(
            "SELECT item_id, variant_position FROM evaluation_result WHERE evaluation_id = $1",
            uuid.UUID(evaluation_id),
        )
        return len(rows), len({(row["item_id"], row["variant_position"]) for row in rows})
    finally:
        await conn.close()
