"""The job queue on both backends: SAQ on the real Redis, or the in-process queue when embedded.

Each test builds its own queue (a private SAQ queue name) with test jobs whose effects are counters in
the app's kv store, and runs a worker over the app's real resources.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import BACKEND, new_client, running
from promptforge.core.config import Settings
from promptforge.core.kv import KeyValueStore, RedisStore
from promptforge.core.queue import JobContext, JobQueue, JobSpec, JobTimeout
from promptforge.core.resources import create_queue
from promptforge.main import create_app

QueueFactory = Callable[..., Awaitable[JobQueue]]


async def count(kv: KeyValueStore, name: str) -> int:
    value = await kv.get(f"jobtest:{name}")
    return int(value) if value else 0


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def record(ctx: JobContext, token: str) -> None:
    """A job whose effect is a counter per token (how many attempts ran to completion)."""
    await ctx.resources.kv.incr(f"jobtest:{token}")


async def always_fails(ctx: JobContext, token: str) -> None:
    await ctx.resources.kv.incr(f"jobtest:{token}:attempts")
    raise RuntimeError("the job cannot succeed")


async def fails_first(ctx: JobContext, token: str) -> None:
    await ctx.resources.kv.incr(f"jobtest:{token}:attempts")
    if ctx.attempt == 1:
        raise RuntimeError("a transient problem")
    await ctx.resources.kv.incr(f"jobtest:{token}")


async def slow_first(ctx: JobContext, token: str) -> None:
    await ctx.resources.kv.incr(f"jobtest:{token}:attempts")
    if ctx.attempt == 1:
        await asyncio.sleep(30)
    await ctx.resources.kv.incr(f"jobtest:{token}")


async def never_ends(ctx: JobContext, token: str) -> None:
    await ctx.resources.kv.incr(f"jobtest:{token}:attempts")
    await asyncio.sleep(30)


async def long_with_heartbeats(ctx: JobContext, token: str) -> None:
    await ctx.resources.kv.incr(f"jobtest:{token}:attempts")
    for _ in range(30):  # 3 s of batches, longer than the 1 s heartbeat window
        await asyncio.sleep(0.1)
        await ctx.heartbeat()
    await ctx.resources.kv.incr(f"jobtest:{token}")


async def remember_failure(ctx: JobContext, kwargs: dict[str, Any], error: BaseException) -> None:
    """on_final_failure: what the domain does is mark its row failed; here, a counter and the error."""
    await ctx.resources.kv.incr(f"jobtest:{kwargs['token']}:final")
    await ctx.resources.kv.set(f"jobtest:{kwargs['token']}:error", type(error).__name__.encode())


FAST = {"retry_delay_seconds": 0.05, "retry_backoff_max_seconds": 0.2}
JOBS = [
    JobSpec("record", record, timeout_seconds=10, heartbeat_seconds=5, **FAST),
    JobSpec("always-fails", always_fails, retries=3, on_final_failure=remember_failure, **FAST),
    JobSpec("fails-first", fails_first, retries=2, on_final_failure=remember_failure, **FAST),
    JobSpec("slow-first", slow_first, timeout_seconds=0.5, heartbeat_seconds=0, retries=2, **FAST),
    JobSpec(
        "never-ends", never_ends, timeout_seconds=0.3, retries=2, on_final_failure=remember_failure, **FAST
    ),
    JobSpec("heartbeats", long_with_heartbeats, timeout_seconds=20, heartbeat_seconds=1, retries=2, **FAST),
]


@pytest.fixture
async def make_queue(app: FastAPI, settings: Settings) -> AsyncIterator[QueueFactory]:
    """Queues with the test jobs on a private queue name, torn down (and their Redis keys removed)."""
    made: list[tuple[JobQueue, str]] = []

    async def make(jobs: list[JobSpec] = JOBS, *, worker: bool = True) -> JobQueue:
        prefix = f"pftest:{secrets.token_hex(4)}:"
        queue = create_queue(settings, prefix, jobs)
        made.append((queue, prefix))
        if worker:
            await queue.start_worker(dataclasses.replace(app.state.resources, queue=queue), 2)
        return queue

    yield make
    for queue, prefix in made:
        await queue.close()
        if isinstance(app.state.kv, RedisStore):
            keys = [k async for k in app.state.kv.client.scan_iter(f"saq:*{prefix.rstrip(':')}*")]
            if keys:
                await app.state.kv.client.delete(*keys)


def token() -> str:
    return secrets.token_hex(6)


async def test_a_job_runs_once_and_its_effect_is_visible(app: FastAPI, make_queue: QueueFactory) -> None:
    queue, t = await make_queue(), token()
    assert await queue.enqueue("record", key=t, token=t) is True
    await eventually(lambda: _equals(app, t, 1))
    await asyncio.sleep(0.5)
    assert await count(app.state.kv, t) == 1


async def _equals(app: FastAPI, name: str, expected: int) -> bool:
    return await count(app.state.kv, name) == expected


async def test_the_same_key_while_pending_runs_once_and_depth_counts_waiting_jobs(
    app: FastAPI, make_queue: QueueFactory
) -> None:
    queue, t = await make_queue(worker=False), token()
    assert await queue.depth() == 0
    assert await queue.enqueue("record", key=t, token=t) is True
    assert await queue.enqueue("record", key=t, token=t) is False  # pending: a no-op
    assert await queue.enqueue("record", key=f"{t}-other", token=f"{t}-other") is True
    assert await queue.depth() == 2
    await queue.start_worker(dataclasses.replace(app.state.resources, queue=queue), 2)
    await eventually(lambda: _equals(app, t, 1))
    await eventually(lambda: _equals(app, f"{t}-other", 1))
    await eventually(lambda: _depth_is(queue, 0))
    await asyncio.sleep(0.3)
    assert await count(app.state.kv, t) == 1
    # Once done, the key is free again: a new run of the same work.
    assert await queue.enqueue("record", key=t, token=t) is True
    await eventually(lambda: _equals(app, t, 2))


async def _depth_is(queue: JobQueue, expected: int) -> bool:
    return await queue.depth() == expected


async def test_a_failing_job_is_retried_and_on_final_failure_runs_once(
    app: FastAPI, make_queue: QueueFactory
) -> None:
    queue, t = await make_queue(), token()
    await queue.enqueue("always-fails", key=t, token=t)
    await eventually(lambda: _equals(app, f"{t}:final", 1))
    await asyncio.sleep(1.0)  # nothing more happens after the last attempt
    assert await count(app.state.kv, f"{t}:attempts") == 3  # retries counts attempts
    assert await count(app.state.kv, f"{t}:final") == 1
    assert await app.state.kv.get(f"jobtest:{t}:error") == b"RuntimeError"


async def test_a_job_that_fails_once_succeeds_on_retry_without_final_failure(
    app: FastAPI, make_queue: QueueFactory
) -> None:
    queue, t = await make_queue(), token()
    await queue.enqueue("fails-first", key=t, token=t)
    await eventually(lambda: _equals(app, t, 1))
    await asyncio.sleep(0.3)
    assert await count(app.state.kv, f"{t}:attempts") == 2
    assert await count(app.state.kv, f"{t}:final") == 0


async def test_a_job_exceeding_its_timeout_is_retried(app: FastAPI, make_queue: QueueFactory) -> None:
    queue, t = await make_queue(), token()
    started = time.monotonic()
    await queue.enqueue("slow-first", key=t, token=t)
    await eventually(lambda: _equals(app, t, 1))
    assert time.monotonic() - started < 10  # the 30 s first attempt was cut at its 0.5 s timeout
    assert await count(app.state.kv, f"{t}:attempts") == 2


async def test_a_job_timing_out_every_time_fails_with_a_timeout(
    app: FastAPI, make_queue: QueueFactory
) -> None:
    queue, t = await make_queue(), token()
    await queue.enqueue("never-ends", key=t, token=t)
    await eventually(lambda: _equals(app, f"{t}:final", 1))
    assert await count(app.state.kv, f"{t}:attempts") == 2
    assert await app.state.kv.get(f"jobtest:{t}:error") == JobTimeout.__name__.encode()


async def test_a_long_job_that_sends_heartbeats_runs_once(app: FastAPI, make_queue: QueueFactory) -> None:
    queue, t = await make_queue(), token()
    await queue.enqueue("heartbeats", key=t, token=t)
    await eventually(lambda: _equals(app, t, 1), timeout=20)
    await asyncio.sleep(0.5)
    assert await count(app.state.kv, f"{t}:attempts") == 1  # never swept as lost


async def test_resume_enqueues_unfinished_work_when_a_worker_starts(
    app: FastAPI, make_queue: QueueFactory
) -> None:
    t = token()

    async def unfinished(_resources: object) -> list[tuple[str, dict[str, Any]]]:
        return [(t, {"token": t})]

    await make_queue([JobSpec("record", record, resume=unfinished, **FAST)])
    await eventually(lambda: _equals(app, t, 1))


async def test_enqueue_refuses_unknown_jobs_and_non_json_arguments(make_queue: QueueFactory) -> None:
    queue = await make_queue(worker=False)
    with pytest.raises(ValueError, match="unknown job"):
        await queue.enqueue("no-such-job", key="k")
    with pytest.raises(ValueError, match="JSON"):
        await queue.enqueue("record", key="k", token=("a", "tuple"))
    with pytest.raises(ValueError, match="key"):
        await queue.enqueue("record", key="", token="x")


def test_a_job_spec_needs_at_least_two_attempts() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        JobSpec("once", record, retries=1)


async def test_readyz_reports_the_queue(client: httpx.AsyncClient) -> None:
    body = (await client.get("/readyz")).json()
    assert body["queue"] == ("embedded" if BACKEND == "embedded" else "ok")


async def test_metrics_show_job_durations_failures_retries_and_depth(
    app: FastAPI, client: httpx.AsyncClient, make_queue: QueueFactory
) -> None:
    queue, t = await make_queue(), token()
    await queue.enqueue("record", key=t, token=t)
    await queue.enqueue("always-fails", key=f"{t}-f", token=f"{t}-f")
    await eventually(lambda: _equals(app, t, 1))
    await eventually(lambda: _equals(app, f"{t}-f:final", 1))
    text = (await client.get("/metrics")).text
    assert 'promptforge_job_duration_seconds_count{job="record",outcome="completed"}' in text
    assert 'promptforge_job_duration_seconds_count{job="always-fails",outcome="failed"}' in text
    assert 'promptforge_job_failures_total{job="always-fails"}' in text
    assert 'promptforge_job_retries_total{job="always-fails"}' in text
    assert "promptforge_queue_depth " in text


async def test_an_app_with_run_worker_false_runs_no_worker_unless_embedded(settings: Settings) -> None:
    t = token()
    prefix = f"pftest:{t}:"
    application = create_app(settings.model_copy(update={"run_worker": False}), kv_prefix=prefix, jobs=JOBS)
    async with running(application), new_client(application):
        queue: JobQueue = application.state.queue
        await queue.enqueue("record", key=t, token=t)
        if BACKEND == "embedded":  # the in-process queue is the only worker there is
            await eventually(lambda: _equals(application, t, 1))
        else:
            await asyncio.sleep(1.0)
            assert await count(application.state.kv, t) == 0
            assert await queue.depth() == 1
        if isinstance(application.state.kv, RedisStore):
            client = application.state.kv.client
            keys = [k async for k in client.scan_iter(f"saq:*{t}*")]
            keys += [k async for k in client.scan_iter(f"{prefix}*")]
            if keys:
                await client.delete(*keys)
