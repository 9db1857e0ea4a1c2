"""Background jobs: the JobSpec a domain declares, the JobQueue both processes use, and the in-process queue.

Two implementations of one interface, chosen by PF_REDIS_URL: `SaqQueue` (core/queue_saq.py, SAQ on
Redis, workers in any process) and `LocalQueue` here (the embedded default: the same job functions on
asyncio tasks in the api process). Delivery is at least once in both: a job may run again after a
failure, a timeout or a killed worker, so a job function must make its writes idempotent (keyed by
the job's row) and start by checking whether its work is already done. docs/architecture.md has the
rules for job authors.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import structlog
from prometheus_client import Counter, Gauge, Histogram

from promptforge.core.errors import AppError
from promptforge.core.tracing import job_span, trace_carrier

if TYPE_CHECKING:  # core/resources.py builds the queue: a runtime import would be a cycle
    from promptforge.core.resources import Resources

log = structlog.get_logger("promptforge.queue")

JOB_DURATION = Histogram(
    "promptforge_job_duration_seconds",
    "Duration of one job attempt",
    ["job", "outcome"],  # outcome: completed | failed | timeout | cancelled
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
JOB_FAILURES = Counter(
    "promptforge_job_failures_total", "Jobs that failed their last attempt (on_final_failure ran)", ["job"]
)
JOB_RETRIES = Counter(
    "promptforge_job_retries_total", "Job attempts that failed and were queued again", ["job"]
)
# One queue seen from every process: with several workers (multiprocess mode) the latest reading wins.
QUEUE_DEPTH = Gauge(
    "promptforge_queue_depth",
    "Jobs waiting to run (queued or waiting for a retry)",
    multiprocess_mode="livemostrecent",
)

# How long on_final_failure may take: it marks a row failed, nothing more.
FINAL_FAILURE_TIMEOUT_SECONDS = 10.0
MAX_KEY_LENGTH = 200


class QueueUnavailable(AppError):
    """The job queue (Redis) cannot be reached, so nothing can be enqueued right now."""

    status, code = 503, "queue_unavailable"

    def __init__(self) -> None:
        super().__init__("The job queue is unreachable; try again shortly.")


class JobTimeout(Exception):
    """An attempt ran longer than its JobSpec.timeout_seconds."""


class JobLost(Exception):
    """The worker running the last attempt stopped sending heartbeats (killed, or its loop blocked)."""


class JobContext:
    """What a running job gets: the shared resources, its key and attempt, and a heartbeat."""

    def __init__(
        self,
        resources: Resources,
        *,
        key: str,
        attempt: int,
        touch: Callable[[], Awaitable[None]] | None = None,
        heartbeat_seconds: float = 0,
    ) -> None:
        self.resources = resources
        self.key = key
        self.attempt = attempt
        self._touch = touch
        # Touch at most a few times per heartbeat window: jobs may call heartbeat() per small batch.
        self._min_interval = max(0.2, heartbeat_seconds / 4)
        self._last = time.monotonic()

    async def heartbeat(self) -> None:
        """Tell the queue this job is alive; call it at least every JobSpec.heartbeat_seconds (per batch)."""
        now = time.monotonic()
        if self._touch is None or now - self._last < self._min_interval:
            return
        self._last = now
        await self._touch()


JobFunction = Callable[..., Awaitable[None]]
FinalFailureHook = Callable[[JobContext, dict[str, Any], BaseException], Awaitable[None]]
Claim = Callable[[], Awaitable[bool]]
ResumeHook = Callable[["Resources"], Awaitable[Iterable[tuple[str, dict[str, Any]]]]]


@dataclass(frozen=True)
class JobSpec:
    """One kind of job: `async def function(ctx: JobContext, **kwargs) -> None` and how it is run.

    `retries` counts attempts (SAQ's meaning): 3 = the first run plus two retries. `heartbeat_seconds`
    is how long an attempt may go without `ctx.heartbeat()` before it counts as lost and is run again
    elsewhere (0 disables it: then only the timeout recovers a killed worker's job). `on_final_failure`
    runs once when the last attempt fails (the domain marks its row failed). `resume` returns the
    (key, kwargs) of work the database says is unfinished; it is enqueued again when a worker starts,
    which is how in-process jobs survive a restart and how a lost enqueue is repaired.
    """

    name: str
    function: JobFunction
    timeout_seconds: float = 300.0
    heartbeat_seconds: float = 30.0
    retries: int = 3
    on_final_failure: FinalFailureHook | None = None
    resume: ResumeHook | None = None
    retry_delay_seconds: float = 1.0
    retry_backoff_max_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.retries < 2:
            raise ValueError(f"job {self.name}: retries counts attempts and must be at least 2")
        if self.timeout_seconds <= 0 or self.heartbeat_seconds < 0:
            raise ValueError(f"job {self.name}: timeout must be positive and heartbeat not negative")

    def retry_delay(self, attempts: int) -> float:
        """Exponential backoff with full jitter, as SAQ computes it: the same in both queues."""
        from saq.utils import exponential_backoff

        return float(exponential_backoff(attempts, self.retry_delay_seconds, self.retry_backoff_max_seconds))


class JobQueue(Protocol):
    """Enqueue jobs by name and run a worker; SaqQueue (Redis) and LocalQueue (in-process)."""

    embedded: bool

    async def enqueue(self, name: str, *, key: str, **kwargs: Any) -> bool:
        """Queue job `name`; False (a no-op) while a job with the same name and key is still pending."""
        ...

    async def depth(self) -> int:
        """Jobs waiting to run (queued, or waiting for a retry), not those running."""
        ...

    async def ping(self) -> bool: ...

    async def start_worker(self, resources: Resources, concurrency: int) -> None: ...

    async def stop_worker(self) -> None:
        """Stop taking jobs; give running ones the grace period, then cancel them (they run again)."""
        ...

    async def close(self) -> None: ...


def check_job_args(specs: dict[str, JobSpec], name: str, key: str, kwargs: dict[str, Any]) -> JobSpec:
    """The spec of `name`; refuses unknown jobs, odd keys and arguments that do not survive JSON."""
    spec = specs.get(name)
    if spec is None:
        raise ValueError(f"unknown job {name!r}")
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValueError("a job key is 1-200 printable characters")
    # SAQ stores kwargs as JSON: check here too, so a bad argument fails in embedded mode as well.
    if json.loads(json.dumps(kwargs)) != kwargs:
        raise ValueError(f"job {name}: arguments must be plain JSON values")
    return spec


async def run_attempt(
    spec: JobSpec,
    ctx: JobContext,
    kwargs: dict[str, Any],
    *,
    last: bool,
    claim: Claim | None = None,
    trace: dict[str, str] | None = None,
) -> None:
    """Run one attempt under its timeout, record metrics, and run on_final_failure when `last` fails.

    `trace` is the enqueuing request's context (core/tracing.py): the attempt's span continues it.
    """
    with job_span(spec.name, trace, **{"job.key": ctx.key, "job.attempt": ctx.attempt}):
        await _run_attempt(spec, ctx, kwargs, last=last, claim=claim)


async def _run_attempt(
    spec: JobSpec, ctx: JobContext, kwargs: dict[str, Any], *, last: bool, claim: Claim | None
) -> None:
    started = time.monotonic()
    outcome = "failed"
    try:
        async with asyncio.timeout(spec.timeout_seconds) as deadline:
            try:
                await spec.function(ctx, **kwargs)
            except asyncio.CancelledError:
                if not deadline.expired():
                    outcome = "cancelled"
                raise
        outcome = "completed"
    except TimeoutError as exc:
        if not deadline.expired():  # the job's own TimeoutError (e.g. a socket): an ordinary failure
            await _attempt_failed(spec, ctx, kwargs, exc, last=last, claim=claim)
            raise
        outcome = "timeout"
        error = JobTimeout(f"{spec.name} ran longer than {spec.timeout_seconds:g} s")
        await _attempt_failed(spec, ctx, kwargs, error, last=last, claim=claim)
        raise error from exc
    except Exception as exc:
        await _attempt_failed(spec, ctx, kwargs, exc, last=last, claim=claim)
        raise
    finally:
        JOB_DURATION.labels(spec.name, outcome).observe(time.monotonic() - started)


async def _attempt_failed(
    spec: JobSpec,
    ctx: JobContext,
    kwargs: dict[str, Any],
    error: BaseException,
    *,
    last: bool,
    claim: Claim | None,
) -> None:
    log.warning("job_attempt_failed", job=spec.name, key=ctx.key, attempt=ctx.attempt, error=repr(error))
    if last:
        await run_final_failure(spec, ctx, kwargs, error, claim=claim)


async def run_final_failure(
    spec: JobSpec,
    ctx: JobContext,
    kwargs: dict[str, Any],
    error: BaseException,
    *,
    claim: Claim | None = None,
) -> None:
    """Count the failure and run the spec's hook once, bounded; a failing hook is logged, never raised.

    `claim` returns True only for the first caller (SAQ: the owner and a sweep may both get here).
    """
    try:
        if claim is not None and not await claim():
            return
    except Exception:  # cannot tell whether another process reported it: report it here
        log.exception("job_final_failure_claim_failed", job=spec.name, key=ctx.key)
    JOB_FAILURES.labels(spec.name).inc()
    log.error("job_failed", job=spec.name, key=ctx.key, attempts=ctx.attempt, error=repr(error))
    if spec.on_final_failure is None:
        return
    try:
        async with asyncio.timeout(FINAL_FAILURE_TIMEOUT_SECONDS):
            await spec.on_final_failure(ctx, kwargs, error)
    except Exception:
        log.exception("job_final_failure_hook_failed", job=spec.name, key=ctx.key)


async def resume_unfinished(queue: JobQueue, specs: Iterable[JobSpec], resources: Resources) -> None:
    """Enqueue again what each spec's `resume` reports unfinished (keys make repeats no-ops)."""
    for spec in specs:
        if spec.resume is None:
            continue
        try:
            for key, kwargs in await spec.resume(resources):
                await queue.enqueue(spec.name, key=key, **kwargs)
        except Exception:  # a worker must start even when recovery cannot run now
            log.exception("job_resume_failed", job=spec.name)


@dataclass
class _Pending:
    spec: JobSpec
    kwargs: dict[str, Any]
    key: str
    trace: dict[str, str]  # the enqueuing request's trace context (empty when tracing is off)
    attempts: int = 0
    running: bool = False


class LocalQueue:
    """The embedded queue: jobs run in this process on `concurrency` asyncio tasks.

    Nothing survives a restart; JobSpec.resume re-enqueues unfinished work when the worker starts.
    """

    embedded = True

    def __init__(
        self, jobs: Sequence[JobSpec], *, shutdown_grace_seconds: float = 10.0, max_pending: int = 10_000
    ) -> None:
        self.specs = {spec.name: spec for spec in jobs}
        self._grace = shutdown_grace_seconds
        self._max_pending = max_pending
        self._pending: dict[str, _Pending] = {}
        self._ready: asyncio.Queue[str] = asyncio.Queue()
        self._loops: list[asyncio.Task[None]] = []
        self._attempts: set[asyncio.Task[None]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._resources: Resources | None = None
        self._stopping = False

    async def enqueue(self, name: str, *, key: str, **kwargs: Any) -> bool:
        spec = check_job_args(self.specs, name, key, kwargs)
        full_key = f"{name}:{key}"
        if full_key in self._pending:
            return False
        if len(self._pending) >= self._max_pending:  # bounded memory, like any other input
            raise QueueUnavailable()
        self._pending[full_key] = _Pending(spec, json.loads(json.dumps(kwargs)), key, trace_carrier())
        self._ready.put_nowait(full_key)
        return True

    async def depth(self) -> int:
        return sum(1 for p in self._pending.values() if not p.running)

    async def ping(self) -> bool:
        return True

    async def start_worker(self, resources: Resources, concurrency: int) -> None:
        if self._loops:
            return
        self._resources, self._stopping = resources, False
        self._loops = [asyncio.create_task(self._work(), name=f"local-queue-{i}") for i in range(concurrency)]
        await resume_unfinished(self, self.specs.values(), resources)

    async def _work(self) -> None:
        while not self._stopping:
            full_key = await self._ready.get()
            pending = self._pending.get(full_key)
            if pending is None:
                continue
            attempt = asyncio.create_task(self._attempt(full_key, pending))
            self._attempts.add(attempt)
            try:
                await asyncio.shield(attempt)  # stop_worker decides when a running attempt is cancelled
            finally:
                self._attempts.discard(attempt)

    async def _attempt(self, full_key: str, pending: _Pending) -> None:
        assert self._resources is not None
        pending.attempts += 1
        pending.running = True
        spec = pending.spec
        ctx = JobContext(self._resources, key=pending.key, attempt=pending.attempts)
        try:
            last = pending.attempts >= spec.retries
            await run_attempt(spec, ctx, pending.kwargs, last=last, trace=pending.trace)
        except asyncio.CancelledError:
            self._pending.pop(full_key, None)  # abandoned at shutdown; resume finds it next start
            raise
        except Exception:
            if pending.attempts < spec.retries:
                JOB_RETRIES.labels(spec.name).inc()
                pending.running = False
                self._retry_later(full_key, spec.retry_delay(pending.attempts))
                return
        self._pending.pop(full_key, None)

    def _retry_later(self, full_key: str, delay: float) -> None:
        def ready() -> None:
            self._timers.discard(handle)
            if not self._stopping:
                self._ready.put_nowait(full_key)

        handle = asyncio.get_running_loop().call_later(delay, ready)
        self._timers.add(handle)

    async def stop_worker(self) -> None:
        self._stopping = True
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()
        if self._attempts:
            await asyncio.wait(set(self._attempts), timeout=self._grace)
        for task in [*self._attempts, *self._loops]:
            task.cancel()
        await asyncio.gather(*self._attempts, *self._loops, return_exceptions=True)
        self._loops = []
        self._attempts.clear()

    async def close(self) -> None:
        await self.stop_worker()


def queue_name(kv_prefix: str) -> str:
    """The SAQ queue of this deployment (or test session): its kv prefix without the trailing colon."""
    return kv_prefix.rstrip(":") or "pf"
