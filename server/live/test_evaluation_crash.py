"""A worker killed with SIGKILL in the middle of an evaluation: another worker takes it over and it
completes with every (item, variant) result present exactly once, and the cells whose results were
written before the kill are not sent to the provider again.

Real processes on the private PostgreSQL and Redis: `promptforge serve` with PF_RUN_WORKER=false and
`promptforge worker` processes, driven over HTTP like a client would; the provider is the fake LLM
server (server/tests/fake_llm.py) on a thread of this process, which records every request.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from harness import ROOT, ApiServer, PrivatePostgres, PrivateRedis, Seeded, WorkerProcess, seed

sys.path.insert(0, str(ROOT / "server" / "tests"))
from fake_llm import FakeLLM, ServerThread, build_app

ITEMS = 60
VARIANTS = ("crash-a", "crash-b")
CONCURRENCY = 4  # 120 cells x 0.2 s / 4 = 6 s of work: time to kill the worker mid-way


@pytest.fixture
def stack(postgres: PrivatePostgres, redis: PrivateRedis, tmp_path: Path) -> Iterator[ApiServer]:
    """An api without an in-process worker, on a database and a Redis database of its own."""
    database = f"live_eval_{secrets.token_hex(3)}"
    asyncio.run(_admin(postgres, f'CREATE DATABASE "{database}"'))
    url = postgres.url.rsplit("/", 1)[0] + f"/{database}"
    env = {"PF_RUN_WORKER": "false", "PF_DATA_DIR": str(tmp_path / "data")}
    # Not db 0: the session's api serves the default queue name there and would take this job.
    api = ApiServer(url, redis.url.rsplit("/", 1)[0] + "/4", env=env)
    yield api
    api.close()


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM()
    runner = ServerThread(build_app(server))
    server.port = runner.start()
    yield server
    runner.stop()


def _owner_client(stack: ApiServer, seeded: Seeded) -> httpx.Client:
    """The seeded owner by cookie (provider connections need an admin; API keys never are)."""
    client = httpx.Client(base_url=stack.base_url, timeout=60, cookies=seeded.cookies)
    client.headers["X-CSRF-Token"] = seeded.csrf
    return client


def _create_evaluation(client: httpx.Client, seeded: Seeded, fake: FakeLLM, models: dict[str, str]) -> str:
    project = f"/api/v1/projects/{seeded.project_id}"
    provider = client.post(
        f"{project}/providers",
        json={"name": "fake", "kind": "openai", "base_url": fake.openai_url, "api_key": "sk-test-1234"},
    ).raise_for_status()
    client.post(f"{project}/datasets", json={"name": "crash"}).raise_for_status()
    items = [{"input": {"name": f"item-{i}"}} for i in range(ITEMS)]
    client.post(f"{project}/datasets/crash/items", json={"items": items}).raise_for_status()
    variants = [
        {
            "name": name,
            "prompt": {"name": seeded.prompt},
            "provider_id": provider.json()["id"],
            "model": model,
        }
        for name, model in models.items()
    ]
    body = {
        "name": "crash",
        "dataset": {"name": "crash"},
        "variants": variants,
        "assertions": [{"type": "contains", "value": "{{ name }}"}],
        "concurrency": CONCURRENCY,
    }
    response = client.post(f"{project}/evaluations", json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _requests_per_cell(fake: FakeLLM, models: dict[str, str]) -> Counter[tuple[str, str]]:
    """(item name, variant) -> how many chat requests the provider received for that cell."""
    variant_of = {model: name for name, model in models.items()}
    counts: Counter[tuple[str, str]] = Counter()
    with fake.lock:
        requests = list(fake.requests)
    for request in requests:
        body = request["json"] or {}
        if body.get("model") in variant_of:
            text = body["messages"][-1]["content"]  # "Hello item-7!"
            counts[(text.removeprefix("Hello ").removesuffix("!"), variant_of[body["model"]])] += 1
    return counts


def test_evaluation_survives_a_killed_worker_exactly_once(
    stack: ApiServer, fake: FakeLLM, tmp_path: Path
) -> None:
    seeded = seed(stack.base_url)
    run = secrets.token_hex(3)
    models = {name: f"slow-200ms-{name}-{run}" for name in VARIANTS}
    total = ITEMS * len(VARIANTS)
    workers = [WorkerProcess(stack.env, tmp_path / "worker-1.log")]
    try:
        with _owner_client(stack, seeded) as client:
            evaluation_id = _create_evaluation(client, seeded, fake, models)
            url = f"/api/v1/projects/{seeded.project_id}/evaluations/{evaluation_id}"

            deadline = time.monotonic() + 60
            while (body := client.get(url).json())["progress"]["done"] < 20:
                assert body["status"] in ("queued", "running"), body
                assert time.monotonic() < deadline, workers[0].log_tail()
                time.sleep(0.02)
            workers[0].kill()
            written_before = asyncio.run(_cells(stack.env["PF_DATABASE_URL"], evaluation_id))
            killed = client.get(url).json()
            assert killed["status"] == "running" and 0 < killed["progress"]["done"] < total, killed
            assert killed["progress"]["done"] == len(written_before)
            workers.append(WorkerProcess(stack.env, tmp_path / "worker-2.log"))

            deadline = time.monotonic() + 90
            while (body := client.get(url).json())["status"] in ("queued", "running"):
                assert time.monotonic() < deadline, workers[1].log_tail()
                time.sleep(0.2)
            assert body["status"] == "completed", body
            assert body["progress"] == {
                "done": total,
                "total": total,
                "passed": total,
                "failed": 0,
                "errors": 0,
            }
            recovered = time.monotonic() - deadline + 90
            print(f"killed at {len(written_before)}/{total} cells; finished {recovered:.1f} s later")

        cells = asyncio.run(_cells(stack.env["PF_DATABASE_URL"], evaluation_id))
        assert len(cells) == total and len(set(cells)) == total  # every cell, each exactly once
        requests = _requests_per_cell(fake, models)
        assert set(requests) == set(cells)  # every cell was asked of the provider
        recomputed = [cell for cell in written_before if requests[cell] != 1]
        assert not recomputed, f"cells written before the kill were sent again: {recomputed}"
    finally:
        for worker in workers:
            worker.kill()


async def _cells(url: str, evaluation_id: str) -> list[tuple[str, str]]:
    """Every stored result as (item name, variant name), duplicates kept."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows: list[Any] = await conn.fetch(
            "SELECT r.input->>'name' AS item, v.name AS variant FROM evaluation_result r"
            " JOIN evaluation_variant v ON v.id = r.variant_id WHERE r.evaluation_id = $1",
            uuid.UUID(evaluation_id),
        )
        return [(row["item"], row["variant"]) for row in rows]
    finally:
        await conn.close()


async def _admin(postgres: PrivatePostgres, sql: str) -> None:
    conn = await asyncpg.connect(postgres.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
