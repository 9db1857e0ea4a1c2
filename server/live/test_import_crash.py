"""A worker killed with SIGKILL in the middle of a dataset import: a new worker takes the import over
and it completes with exactly the file's rows as items (no duplicates), as one dataset version.

Real processes on the private PostgreSQL and Redis: `promptforge serve` with PF_RUN_WORKER=false and
`promptforge worker` processes, driven over HTTP like a client would.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from harness import ROOT, ApiServer, PrivatePostgres, PrivateRedis, WorkerProcess, seed

sys.path.insert(0, str(ROOT / "server" / "bench"))
from dataset_files import write_benchmark_csv

ROWS = 60_000  # a few seconds of import on this machine: time to kill the worker mid-way


@pytest.fixture
def stack(postgres: PrivatePostgres, redis: PrivateRedis, tmp_path: Path) -> Iterator[ApiServer]:
    """An api without an in-process worker, on a database and queue of its own."""
    database = f"live_import_{secrets.token_hex(3)}"
    asyncio.run(_admin(postgres, f'CREATE DATABASE "{database}"'))
    url = postgres.url.rsplit("/", 1)[0] + f"/{database}"
    env = {"PF_RUN_WORKER": "false", "PF_DATA_DIR": str(tmp_path / "data")}
    # A Redis database of its own: the session's api (another database) serves the default queue
    # name on db 0, and its in-process worker would take this import's job.
    api = ApiServer(url, redis.url.rsplit("/", 1)[0] + "/3", env=env)
    yield api
    api.close()


def test_import_survives_a_killed_worker_without_duplicates(stack: ApiServer, tmp_path: Path) -> None:
    csv_path = tmp_path / "items.csv"
    write_benchmark_csv(csv_path, ROWS)
    seeded = seed(stack.base_url)
    workers = [WorkerProcess(stack.env, tmp_path / "worker-1.log")]
    try:
        with httpx.Client(base_url=stack.base_url, headers=seeded.key_headers, timeout=60) as client:
            datasets = f"/api/v1/projects/{seeded.project_id}/datasets"
            client.post(datasets, json={"name": "big"}).raise_for_status()
            with csv_path.open("rb") as file:
                response = client.post(f"{datasets}/big/imports", files={"file": ("items.csv", file)})
            assert response.status_code == 202, response.text
            status_url = f"{datasets}/big/imports/{response.json()['id']}"

            deadline = time.monotonic() + 60
            while (body := client.get(status_url).json())["rows_done"] == 0:
                assert body["status"] in ("queued", "running"), body
                assert time.monotonic() < deadline, workers[0].log_tail()
                time.sleep(0.02)
            workers[0].kill()
            killed = client.get(status_url).json()
            assert killed["status"] == "running" and 0 < killed["rows_done"] < ROWS, killed
            workers.append(WorkerProcess(stack.env, tmp_path / "worker-2.log"))

            deadline = time.monotonic() + 60
            while (body := client.get(status_url).json())["status"] not in ("completed", "failed"):
                assert time.monotonic() < deadline, workers[1].log_tail()
                time.sleep(0.2)
            assert body["status"] == "completed", body
            assert (body["rows_done"], body["items_created"], body["error_count"]) == (ROWS, ROWS, 0)
            dataset = client.get(f"{datasets}/big").json()
            assert (dataset["version"], dataset["item_count"]) == (1, ROWS)  # one version bump
            print(
                f"killed at {killed['rows_done']} rows; recovered in {time.monotonic() - deadline + 60:.1f} s"
            )

        counts = asyncio.run(_counts(stack.env["PF_DATABASE_URL"]))
        # Every row of the file once: nothing staged left over, no duplicated question.
        assert counts == (ROWS, ROWS, 0), counts
    finally:
        for worker in workers:
            worker.kill()


async def _counts(url: str) -> tuple[int, int, int]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        row = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE valid_from IS NOT NULL) AS visible,"
            " count(DISTINCT input->>'question') FILTER (WHERE valid_from IS NOT NULL) AS distinct_q,"
            " count(*) FILTER (WHERE valid_from IS NULL) AS staged FROM dataset_item"
        )
        assert row is not None
        return int(row["visible"]), int(row["distinct_q"]), int(row["staged"])
    finally:
        await conn.close()


async def _admin(postgres: PrivatePostgres, sql: str) -> None:
    conn = await asyncpg.connect(postgres.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
