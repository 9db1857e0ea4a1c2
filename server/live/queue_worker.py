"""A worker process for the crash-recovery scenario (test_worker_crash.py): `promptforge worker`'s own
loop (cli.run_worker) on a private queue, with one test job that writes rows idempotently.

Run as `python server/live/queue_worker.py`; PF_DATABASE_URL, PF_REDIS_URL and LIVE_QUEUE_PREFIX set.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from sqlalchemy import text

from promptforge.cli import run_worker
from promptforge.core.config import Settings
from promptforge.core.queue import JobContext, JobSpec

HEARTBEAT_SECONDS = 2.0


async def write_rows(ctx: JobContext, rows: int, delay: float) -> None:
    """Write `rows` rows keyed by (job key, item), one per batch, with a heartbeat after each batch."""
    async with ctx.resources.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO live_job_attempt (job_key, attempt, pid) VALUES (:k, :a, :p)"),
            {"k": ctx.key, "a": ctx.attempt, "p": os.getpid()},
        )
    for item in range(rows):
        async with ctx.resources.engine.begin() as conn:
            # Idempotent: a retry after a crash rewrites nothing it already wrote.
            await conn.execute(
                text("INSERT INTO live_job_effect (job_key, item) VALUES (:k, :i) ON CONFLICT DO NOTHING"),
                {"k": ctx.key, "i": item},
            )
        await ctx.heartbeat()
        await asyncio.sleep(delay)


LIVE_JOB = JobSpec(
    "live-write-rows", write_rows, timeout_seconds=60, heartbeat_seconds=HEARTBEAT_SECONDS, retries=3
)


def main() -> None:
    # SAQ's own log (sweeps, retries) goes to the worker's log file, shown when the scenario fails.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("saq").setLevel(logging.INFO)
    settings = Settings(log_json=False, log_level="WARNING")
    kwargs: dict[str, Any] = {"kv_prefix": os.environ["LIVE_QUEUE_PREFIX"], "jobs": [LIVE_JOB]}
    asyncio.run(run_worker(settings, 2, **kwargs))


if __name__ == "__main__":
    main()
