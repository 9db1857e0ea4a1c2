"""A worker killed with SIGKILL mid-job: another worker process runs the job again after the heartbeat
expires, and the job's rows are written once. Real processes, private PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from alembic import command

from harness import ROOT, PrivatePostgres, PrivateRedis
from promptforge.core.migrations import alembic_config
from promptforge.core.queue import queue_name
from promptforge.core.queue_saq import SaqQueue
from queue_worker import LIVE_JOB

ROWS, DELAY = 12, 0.25  # one run takes ~3 s


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "server" / "live" / "queue_worker.py")],
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def signal(self, signum: int) -> None:
        os.killpg(self.proc.pid, signum)


@dataclass
class Workers:
    prefix: str
    database_url: str
    processes: list[WorkerProcess]


@pytest.fixture
def workers(postgres: PrivatePostgres, redis: PrivateRedis, tmp_path: Path) -> Iterator[Workers]:
    """Two worker processes on a private queue, started before the job so both are ready for it."""
    prefix = f"live{secrets.token_hex(3)}:"
    # A database of its own: the api fixture's one holds secrets under another encryption key.
    database = f"live_queue_{secrets.token_hex(3)}"
    asyncio.run(_admin(postgres, f'CREATE DATABASE "{database}"'))
    database_url = postgres.url.rsplit("/", 1)[0] + f"/{database}"
    # Migrated, as every worker's database is: a worker also runs the webhook relay, which reads its tables.
    command.upgrade(alembic_config(database_url), "head")  # type: ignore[arg-type]
    env = {
        **os.environ,
        "PF_DATABASE_URL": database_url,
        "PF_REDIS_URL": redis.url,
        "PF_DATA_DIR": str(tmp_path),
        "PF_SECRET_KEY": secrets.token_urlsafe(48),
        "PF_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "LIVE_QUEUE_PREFIX": prefix,
    }
    started = [WorkerProcess(env, tmp_path / f"worker-{i}.log") for i in range(2)]
    yield Workers(prefix, env["PF_DATABASE_URL"], started)
    for worker in started:
        if worker.proc.poll() is None:
            worker.signal(signal.SIGKILL)
            worker.proc.wait()


async def test_a_killed_workers_job_completes_on_another_worker_and_writes_once(
    postgres: PrivatePostgres, redis: PrivateRedis, workers: Workers
) -> None:
    dsn = workers.database_url.replace("postgresql+asyncpg://", "postgresql://")
    db = await asyncpg.connect(dsn)
    await db.execute(
        "CREATE TABLE IF NOT EXISTS live_job_effect (job_key text, item int, PRIMARY KEY (job_key, item));"
        "CREATE TABLE IF NOT EXISTS live_job_attempt (job_key text, attempt int, pid int)"
    )
    processes = workers.processes
    queue = SaqQueue(redis.url, queue_name(workers.prefix), [LIVE_JOB])
    key = secrets.token_hex(4)
    try:
        # Both workers up (they register in SAQ's worker list) before the job exists.
        deadline = time.monotonic() + 60
        while len((await queue.queue.info())["workers"]) < 2:
            assert time.monotonic() < deadline, _logs(processes)
            await asyncio.sleep(0.1)
        assert await queue.enqueue(LIVE_JOB.name, key=key, rows=ROWS, delay=DELAY)

        async def rows() -> int:
            return int(await db.fetchval("SELECT count(*) FROM live_job_effect WHERE job_key = $1", key))

        # Mid-job: the first attempt has written some rows, not all.
        deadline = time.monotonic() + 20
        while await rows() < 3:
            assert time.monotonic() < deadline, _logs(processes)
            await asyncio.sleep(0.05)
        first = await db.fetchrow("SELECT attempt, pid FROM live_job_attempt WHERE job_key = $1", key)
        victim = next(w for w in processes if w.proc.pid == first["pid"])
        survivor = next(w for w in processes if w is not victim)
        victim.signal(signal.SIGKILL)
        killed_at, written_before = time.monotonic(), await rows()
        assert written_before < ROWS

        deadline = time.monotonic() + 25
        while await rows() < ROWS:
            assert time.monotonic() < deadline, _logs(processes)
            await asyncio.sleep(0.1)
        job = await queue.queue.job(f"{queue.name}/{LIVE_JOB.name}:{key}")
        while job is None or job.status.value != "complete":
            assert time.monotonic() < deadline, _logs(processes)
            await asyncio.sleep(0.1)
            job = await queue.queue.job(f"{queue.name}/{LIVE_JOB.name}:{key}")

        attempts = await db.fetch(
            "SELECT attempt, pid FROM live_job_attempt WHERE job_key = $1 ORDER BY attempt", key
        )
        assert [(a["attempt"], a["pid"]) for a in attempts] == [(1, victim.proc.pid), (2, survivor.proc.pid)]
        assert await rows() == ROWS  # every row, none twice (primary key + idempotent insert)
        # Picked up after the heartbeat expired, not after the 60 s timeout.
        recovered = time.monotonic() - killed_at
        assert recovered < 20
        print(f"job completed {recovered:.1f} s after its worker was killed ({written_before} rows before)")

        survivor.signal(signal.SIGTERM)  # a clean stop: the worker exits by itself
        assert survivor.proc.wait(timeout=15) == 0, _logs(processes)
    finally:
        await queue.close()
        await db.close()


async def _admin(postgres: PrivatePostgres, sql: str) -> None:
    conn = await asyncpg.connect(postgres.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _logs(workers: list[WorkerProcess]) -> str:
    return "\n".join(f"--- {w.log.name} ---\n{w.log.read_text(errors='replace')[-3000:]}" for w in workers)
