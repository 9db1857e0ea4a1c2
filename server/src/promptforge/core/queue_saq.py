"""The Redis-backed JobQueue: SAQ, with its defaults replaced by each JobSpec's (see core/queue.py).

What SAQ 0.26 does, and what follows here (read in saq/worker.py, saq/queue/redis.py, saq/job.py):
- An attempt times out after `Job.timeout` (default 10 s): run_attempt enforces the spec's timeout
  itself, so SAQ's is set later, as a backstop that leaves room for on_final_failure.
- `Job.retries` counts attempts; JobSpec refuses fewer than 2.
- A killed worker's job stays in the `active` list until a sweep, run by any live worker every
  `timers["sweep"]` seconds, finds it "stuck": no touch for `heartbeat` seconds (or past its
  timeout). The sweep marks it aborting, waits for the owner to confirm, then retries it (or
  finishes it ABORTED on the last attempt, where we run on_final_failure). So a job is restarted
  about heartbeat + SWEEP_SECONDS + SWEEP_ABORT_WAIT_SECONDS after its worker died.
- A key is idempotent only while the job is incomplete (queued, scheduled, active).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from saq.job import Job, Status
from saq.queue.redis import RedisQueue
from saq.worker import Worker

from promptforge.core.queue import (
    FINAL_FAILURE_TIMEOUT_SECONDS,
    JOB_RETRIES,
    JobContext,
    JobLost,
    JobSpec,
    QueueUnavailable,
    check_job_args,
    resume_unfinished,
    run_attempt,
    run_final_failure,
)
from promptforge.core.tracing import trace_carrier

if TYPE_CHECKING:  # core/resources.py builds the queue: a runtime import would be a cycle
    from promptforge.core.resources import Resources

log = structlog.get_logger("promptforge.queue")

SWEEP_SECONDS = 2
SWEEP_ABORT_WAIT_SECONDS = 3.0  # how long a sweep waits for a live owner to cancel a stuck job
DEQUEUE_WAIT_SECONDS = 1.0  # an idle worker re-checks for shutdown this often
REDIS_RETRY_SECONDS = 1.0  # while Redis is down, workers poll at this pace instead of spinning
FINAL_MARK_TTL_SECONDS = 24 * 3600
# SAQ's: take the sweep lock for `lock` seconds, then return every active job id with its data.
SWEEP_SCRIPT = """
local id_jobs = {}
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('SETEX', KEYS[1], ARGV[1], 1)
    for i, v in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
        id_jobs[i] = {v, redis.call('GET', v)}
    end
end
return id_jobs
"""


class _RedisQueue(RedisQueue):
    """SAQ's Redis queue with our accounting: retries counted, lost last attempts reported once."""

    def __init__(self, redis: Redis, name: str, owner: SaqQueue) -> None:
        super().__init__(redis, name=name)
        self.owner = owner
        self._suspects: dict[bytes, float] = {}  # job id -> when a sweep first saw it active but unmarked

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:  # noqa: ASYNC109
        try:
            return await super().dequeue(timeout, poll_interval)
        except RedisError:  # SAQ would log and retry at once, in a tight loop
            log.warning("queue_unreachable")
            await asyncio.sleep(REDIS_RETRY_SECONDS)
            return None

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        """SAQ's sweep, except that a job in the active list not yet marked active is left alone once.

        A worker moves a job to `active` (BLMOVE) and marks it ACTIVE a moment later; SAQ's sweep takes
        any non-ACTIVE job there for an orphan, so a sweep in that moment aborts a job just started and
        runs it twice at once. A job still unmarked one sweep later is an orphan (its worker died
        between the two steps) and is swept.
        """
        if not self._cleanup_script:
            self._cleanup_script = self.redis.register_script(SWEEP_SCRIPT)
        id_jobs = await self._cleanup_script(keys=[self._sweep, self._active], args=[lock], client=self.redis)
        swept: list[str] = []
        now_s = time.monotonic()
        suspects: dict[bytes, float] = {}
        for job_id, job_bytes in id_jobs:
            job = self.deserialize(job_bytes)
            if job is None:  # its data expired: drop the id (SAQ does the same)
                swept.append(job_id.decode())
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.lrem(self._active, 0, job_id)
                    pipe.zrem(self._incomplete, job_id)
                    await pipe.execute()
                continue
            if job.status == Status.ACTIVE and not job.stuck:
                continue
            if job.status != Status.ACTIVE:
                first_seen = self._suspects.get(job_id, now_s)
                suspects[job_id] = first_seen
                if now_s - first_seen < SWEEP_SECONDS:
                    continue
            swept.append(job_id.decode())
            log.info("queue_sweep", job=job.function, key=job.key, status=job.status.value)
            await self.abort(job, error=self.swept_error_message)
            with contextlib.suppress(TimeoutError):  # its worker is gone and cannot confirm
                await job.refresh(SWEEP_ABORT_WAIT_SECONDS)
            if job.retryable:
                await self.retry(job, error=self.swept_error_message)
            else:
                await self.finish(job, Status.ABORTED, error=self.swept_error_message)
        self._suspects = {k: v for k, v in suspects.items() if k.decode() not in swept}
        return swept

    async def retry(self, job: Job, error: str | None) -> None:
        await super().retry(job, error)
        JOB_RETRIES.labels(job.function).inc()

    async def finish(
        self, job: Job, status: Status, *, result: Any = None, error: str | None = None, **kwargs: Any
    ) -> None:
        await super().finish(job, status, result=result, error=error, **kwargs)
        # A swept last attempt ends here (from the sweep, or from the owner confirming the abort);
        # no job function is left to report it, so the queue does.
        if status == Status.ABORTED and error == self.swept_error_message and not job.retryable:
            await self.owner.report_lost(job)


class SaqQueue:
    """Jobs on Redis through SAQ; a worker runs in `promptforge worker` or inside `serve`."""

    embedded = False

    def __init__(
        self, redis_url: str, name: str, jobs: Sequence[JobSpec], *, shutdown_grace_seconds: float = 10.0
    ) -> None:
        self.specs = {spec.name: spec for spec in jobs}
        self.name = name
        self._grace = shutdown_grace_seconds
        self.redis: Redis = Redis.from_url(redis_url, socket_connect_timeout=2.0)
        self.queue = _RedisQueue(self.redis, name, self)
        self._resources: Resources | None = None
        self._worker: Worker[Any] | None = None
        self._worker_task: asyncio.Task[None] | None = None

    async def enqueue(self, name: str, *, key: str, **kwargs: Any) -> bool:
        spec = check_job_args(self.specs, name, key, kwargs)
        job = Job(
            function=name,
            kwargs=kwargs,
            # SAQ's abort marker is named by key alone, shared by every queue on this Redis.
            key=f"{self.name}/{name}:{key}",
            # The enqueuing request's trace context rides with the job (core/tracing.py).
            meta={"key": key, "trace": trace_carrier()},
            timeout=math.ceil(spec.timeout_seconds + FINAL_FAILURE_TIMEOUT_SECONDS + 5),
            heartbeat=math.ceil(spec.heartbeat_seconds),
            retries=spec.retries,
            retry_delay=spec.retry_delay_seconds,
            retry_backoff=spec.retry_backoff_max_seconds,
        )
        try:
            return await self.queue.enqueue(job) is not None
        except RedisError:
            raise QueueUnavailable() from None

    async def depth(self) -> int:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                # `incomplete` holds queued, scheduled (retry delay) and active jobs.
                pipe.zcard(self.queue._incomplete)
                pipe.llen(self.queue._active)
                incomplete, active = await pipe.execute()
        except RedisError:
            raise QueueUnavailable() from None
        return max(0, int(incomplete) - int(active))

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self.redis.ping(), 2.0))
        except (RedisError, OSError, TimeoutError):
            return False

    def _function(self, spec: JobSpec) -> tuple[str, Any]:
        async def run(saq_ctx: dict[str, Any], **kwargs: Any) -> None:
            job: Job = saq_ctx["job"]
            assert self._resources is not None

            async def touch() -> None:
                try:
                    await job.update()
                except RedisError:  # a missed heartbeat costs at most a retry; the job goes on
                    log.warning("job_heartbeat_failed", job=spec.name)

            ctx = JobContext(
                self._resources,
                key=str(job.meta.get("key", job.key)),
                attempt=job.attempts,
                touch=touch,
                heartbeat_seconds=spec.heartbeat_seconds,
            )
            last = job.attempts >= job.retries
            trace = job.meta.get("trace") or None
            await run_attempt(spec, ctx, kwargs, last=last, claim=lambda: self._claim(job), trace=trace)

        return spec.name, run

    async def _claim(self, job: Job) -> bool:
        """True once per job run (its enqueue time): the owner and a sweep may both see a last failure."""
        marker = self.queue.namespace(f"final:{job.key}:{job.queued}")
        return bool(await self.redis.set(marker, b"1", nx=True, ex=FINAL_MARK_TTL_SECONDS))

    async def report_lost(self, job: Job) -> None:
        """on_final_failure for a last attempt whose worker stopped answering."""
        spec = self.specs.get(job.function)
        if spec is None or self._resources is None:
            return
        ctx = JobContext(self._resources, key=str(job.meta.get("key", job.key)), attempt=job.attempts)
        lost = JobLost(f"{spec.name}: the worker stopped sending heartbeats")
        await run_final_failure(spec, ctx, job.kwargs or {}, lost, claim=lambda: self._claim(job))

    async def start_worker(self, resources: Resources, concurrency: int) -> None:
        if self._worker is not None:
            return
        self._resources = resources
        await self.queue.connect()
        worker: Worker[Any] = Worker(
            self.queue,
            [self._function(spec) for spec in self.specs.values()],
            concurrency=concurrency,
            timers={"sweep": SWEEP_SECONDS, "abort": 1, "schedule": 1, "worker_info": 10},
            dequeue_timeout=DEQUEUE_WAIT_SECONDS,
            shutdown_grace_period_s=max(1, math.ceil(self._grace)),
        )
        worker.SIGNALS = []  # the process owns SIGTERM/SIGINT (uvicorn, or the worker command)
        self._worker = worker
        self._worker_task = asyncio.create_task(worker.start(), name="saq-worker")
        # Worker.start() replaces its stop event when it begins: a stop before then would be lost.
        while not worker.tasks and not self._worker_task.done():  # noqa: ASYNC110 (SAQ's set)
            await asyncio.sleep(0.01)
        await resume_unfinished(self, self.specs.values(), resources)

    async def stop_worker(self) -> None:
        worker, task = self._worker, self._worker_task
        if worker is None or task is None:
            return
        self._worker = self._worker_task = None
        worker.event.set()  # no new jobs
        deadline = time.monotonic() + self._grace
        while worker.job_task_contexts and time.monotonic() < deadline:  # noqa: ASYNC110 (SAQ's dict)
            await asyncio.sleep(0.1)
        # Idle dequeues and upkeep loops end now (SAQ would wait for their sleeps); a job still running
        # after the grace period is cancelled and SAQ queues it again.
        pending = set(worker.tasks)
        for _ in range(50):  # a Redis call can swallow one cancellation; SAQ's loop then sleeps on
            if not pending:
                break
            for child in pending:
                child.cancel()
            _, pending = await asyncio.wait(pending, timeout=0.1)
        await worker.stop()
        await asyncio.gather(task, return_exceptions=True)

    async def close(self) -> None:
        await self.stop_worker()
        try:
            await self.queue.disconnect()
        except (RedisError, OSError):  # Redis is down: unsubscribing fails, the pool still closes
            await self.redis.aclose()
