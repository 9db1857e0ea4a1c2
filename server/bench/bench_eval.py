"""The evaluation benchmark (issue 10, Performance): 1,000 items x 2 variants against a fake provider
answering after a fixed 100 ms, at concurrency 20, on PostgreSQL + Redis with one worker process.

The ideal is 1000 x 2 x 0.1 s / 20 = 10 s. Printed: wall time / ideal (target <= 1.1, goal 1.05),
measured from the create request to the client seeing `completed`, and the job's own time
(started_at -> finished_at); and the worker's CPU per result, from /proc/<pid>/stat. The provider
is its own process (bench/fake_provider.py). Run alone with `python server/bench/bench_eval.py`;
`make bench` runs it after the other benchmarks.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server" / "live"))
from harness import ApiServer, WorkerProcess, free_port, seed  # noqa: E402

PG = os.environ.get("PF_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# A database number of its own: the queue is named after the app's fixed key prefix.
REDIS = os.environ.get("PF_BENCH_EVAL_REDIS", "redis://127.0.0.1:6379/7")
ITEMS = int(os.environ.get("PF_BENCH_EVAL_ITEMS", "1000"))
VARIANTS = 2
CONCURRENCY = 20
LATENCY_S = 0.1
IDEAL_S = ITEMS * VARIANTS * LATENCY_S / CONCURRENCY


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _wait_for(check: Any, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.1)


def _prepare(client: httpx.Client, project_id: str, provider_url: str) -> dict[str, Any]:
    """A provider on the fake server, a dataset of ITEMS items, and the create body."""
    project = f"/api/v1/projects/{project_id}"
    provider = client.post(
        f"{project}/providers",
        json={"name": "fake", "kind": "openai", "base_url": provider_url, "api_key": "sk-bench-1234"},
    ).raise_for_status()
    client.post(f"{project}/datasets", json={"name": "bench"}).raise_for_status()
    for start in range(0, ITEMS, 1000):
        items = [{"input": {"name": f"item-{i}"}} for i in range(start, min(ITEMS, start + 1000))]
        client.post(f"{project}/datasets/bench/items", json={"items": items}).raise_for_status()
    variants = [
        {
            "name": f"v{i}",
            "prompt": {"name": "greeting"},
            "provider_id": provider.json()["id"],
            "model": "slow-100ms-bench",
        }
        for i in range(VARIANTS)
    ]
    return {
        "name": "bench",
        "dataset": {"name": "bench"},
        "variants": variants,
        "assertions": [{"type": "contains", "value": "{{ name }}"}],
        "concurrency": CONCURRENCY,
    }


def run() -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="pf-bench-eval-"))
    database = f"promptforge_bench_eval_{secrets.token_hex(3)}"
    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    url = f"{PG.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"
    port = free_port()
    provider = subprocess.Popen(
        [sys.executable, str(ROOT / "server" / "bench" / "fake_provider.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Its Redis database outlives a run: sign-ups from one address are limited per hour.
    env = {"PF_RUN_WORKER": "false", "PF_DATA_DIR": str(workdir / "data"), "PF_REGISTER_MAX_PER_IP": "1000"}
    api = ApiServer(url, REDIS, env=env)
    worker = WorkerProcess(api.env, workdir / "worker.log")
    try:
        _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/v1/models"), "the fake provider")
        _wait_for(lambda: "worker running" in worker.log_path.read_text(errors="replace"), "the worker")
        seeded = seed(api.base_url, email=f"bench-{secrets.token_hex(3)}@example.com")
        with httpx.Client(base_url=api.base_url, timeout=120, cookies=seeded.cookies) as client:
            client.headers["X-CSRF-Token"] = seeded.csrf
            body = _prepare(client, seeded.project_id, f"http://127.0.0.1:{port}/v1")
            time.sleep(1)  # the worker idle again before it is measured
            cpu_before = cpu_seconds(worker.pid)
            started = time.perf_counter()
            response = client.post(f"/api/v1/projects/{seeded.project_id}/evaluations", json=body)
            response.raise_for_status()
            status_url = f"/api/v1/projects/{seeded.project_id}/evaluations/{response.json()['id']}"
            while (result := client.get(status_url).json())["status"] in ("queued", "running"):
                time.sleep(0.02)
            wall = time.perf_counter() - started
            cpu = cpu_seconds(worker.pid) - cpu_before
        total = ITEMS * VARIANTS
        if result["status"] != "completed" or result["progress"]["passed"] != total:
            raise SystemExit(f"evaluation did not complete: {result}\n{worker.log_tail()}")
        job = datetime.fromisoformat(result["finished_at"]) - datetime.fromisoformat(result["started_at"])
        first, last = asyncio.run(result_times(database, result["id"]))
        bare = asyncio.run(bare_calls(f"http://127.0.0.1:{port}/v1"))
        ramp = (first - datetime.fromisoformat(result["started_at"])).total_seconds()
        wrap = (datetime.fromisoformat(result["finished_at"]) - last).total_seconds()
    finally:
        worker.stop()
        api.close()
        provider.terminate()
        provider.wait()
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    latency = result["variants"][0]["summary"]["latency_ms"]
    return {
        "wall_s": wall,
        "job_s": job.total_seconds(),
        "cpu_ms_per_result": cpu * 1000 / total,
        "latency_p50_ms": latency["p50"],
        "latency_p95_ms": latency["p95"],
        "first_result_s": ramp,
        "wrap_up_s": wrap,
        "bare_s": bare,
    }


async def bare_calls(base_url: str) -> float:
    """The reference: the same calls through the same adapter at the same concurrency, in this
    process, with nothing else to do (no job, no rendering, grading or writes)."""
    from promptforge.core.config import Settings
    from promptforge.providers.adapters import ProviderClients, adapter_for
    from promptforge.providers.calls import ChatRequest, Connection

    clients = ProviderClients()
    connection = Connection(kind="openai", name="fake", base_url=base_url, api_key="sk-bench-1234")
    adapter = adapter_for(connection, clients, Settings(env="development", provider_max_attempts=1))
    limiter = asyncio.Semaphore(CONCURRENCY)

    async def call(i: int) -> None:
        async with limiter:
            messages = [{"role": "user", "content": f"Hello item-{i}!"}]
            await adapter.complete(ChatRequest(model="slow-100ms-bench", messages=messages, params={}))

    try:
        await call(-1)  # connection set up, as the job's first calls pay it too
        started = time.perf_counter()
        await asyncio.gather(*(call(i) for i in range(ITEMS * VARIANTS)))
        return time.perf_counter() - started
    finally:
        await clients.close()


async def result_times(database: str, evaluation_id: str) -> tuple[datetime, datetime]:
    """When the first and the last result were made (the job's ramp-up and wrap-up around them)."""
    conn = await asyncpg.connect(f"{PG}/{database}")
    try:
        row = await conn.fetchrow(
            "SELECT min(created_at) AS first, max(created_at) AS last FROM evaluation_result"
            " WHERE evaluation_id = $1",
            uuid.UUID(evaluation_id),
        )
        assert row is not None
        return row["first"], row["last"]
    finally:
        await conn.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def report(r: dict[str, float]) -> None:
    print(
        f"\nevaluation: {ITEMS} items x {VARIANTS} variants, provider answering in {LATENCY_S * 1000:.0f} ms,"
        f" concurrency {CONCURRENCY}, PostgreSQL + Redis, one worker process (ideal {IDEAL_S:.1f} s)"
    )
    print(
        f"{'wall, create -> completed seen':34} {r['wall_s']:>7.2f} s   /ideal = {r['wall_s'] / IDEAL_S:.3f}"
    )
    print(f"{'job, started_at -> finished_at':34} {r['job_s']:>7.2f} s   /ideal = {r['job_s'] / IDEAL_S:.3f}")
    print(f"{'bare calls, same concurrency':34} {r['bare_s']:>7.2f} s   /ideal = {r['bare_s'] / IDEAL_S:.3f}")
    print(f"\nwall/ideal = {r['wall_s'] / IDEAL_S:.3f} (target <= 1.1, goal 1.05)")
    print(f"worker CPU = {r['cpu_ms_per_result']:.2f} ms per result")
    p50, p95 = r["latency_p50_ms"], r["latency_p95_ms"]
    ramp, wrap = r["first_result_s"], r["wrap_up_s"]
    print(f"job start -> first result {ramp:.2f} s; last result -> finished {wrap:.2f} s")
    print(f"provider call latency as the worker saw it: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    report(run())
