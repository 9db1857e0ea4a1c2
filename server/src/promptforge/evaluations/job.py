"""The evaluation jobs: every (item, variant) cell without a result is run, graded and written once.

A run is split into shard jobs (evaluations/shards.py) so several workers share it: the launcher
(`run_evaluation`) starts a generation and enqueues the shards; each shard (`run_evaluation_shard`)
runs its items with its share of the concurrency. At-least-once delivery (docs/architecture.md):
each shard attempt takes its shard over with a new token and skips the cells that already have a
result, so a restarted shard (a killed worker, a timeout, retry-errors) does not call the provider
again for them. Writes check the generation and the token (writer.py): an attempt presumed dead
that is still running is fenced off.

One shard attempt runs one bounded pipeline: a producer streams the pinned dataset version's items
(datasets/items.iter_items) into a small queue, a fixed set of consumers runs cells, and one
asyncio.Semaphore(the shard's share), held only while a request is in flight (EvalModelCalls),
bounds the variant calls, judges and embeddings together. The shares add up to the evaluation's
concurrency, so that limit holds across all workers. A loop ticking every FLUSH_SECONDS flushes
results, watches for cancel (and a takeover), and heartbeats. The shard that finishes last writes
the summary and publishes the finished event, once, under the evaluation row lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import select

from promptforge.core.db import run_after_commit_hooks, serialize_writers, utcnow
from promptforge.core.events import publish_event
from promptforge.core.outbox import EVALUATION_COMPLETED, record_event
from promptforge.core.queue import JobContext
from promptforge.core.resources import Resources
from promptforge.datasets.items import iter_items
from promptforge.evaluations.assertions.spec import (
    ItemAssertionError,
    ProviderRef,
    item_assertions,
    parse_assertions,
)
from promptforge.evaluations.cells import Cell, CellRunner, ItemPlan, VariantPlan, load_variant_plans
from promptforge.evaluations.events import FINISHED_EVENTS, finished_data
from promptforge.evaluations.model_calls import EvalModelCalls
from promptforge.evaluations.models import FINISHED, Evaluation, EvaluationResult
from promptforge.evaluations.queries import load_variants
from promptforge.evaluations.shards import (
    SHARD_JOB,
    ShardState,
    owns_shard,
    shard_concurrency,
    shard_count,
    shard_jobs,
    start_generation,
)
from promptforge.evaluations.summary import write_summary
from promptforge.evaluations.writer import FLUSH_SECONDS, ResultWriter, Superseded

log = structlog.get_logger("promptforge.evaluations")

MAX_CONSUMERS = 100


@dataclass
class Plan:
    """What one shard attempt runs, read when it takes its shard over."""

    evaluation_id: uuid.UUID
    project_id: uuid.UUID
    dataset_id: uuid.UUID | None
    dataset_version: int
    concurrency: int  # this shard's share
    assertions: list[dict[str, Any]]
    grader: ProviderRef | None
    generation: uuid.UUID
    shard: int
    shards: int
    variants: list[VariantPlan] = field(default_factory=list)
    done: set[tuple[uuid.UUID, int]] = field(default_factory=set)


async def _publish_finished(resources: Resources, row: Evaluation) -> None:
    await publish_event(resources.kv, row.project_id, FINISHED_EVENTS[row.status], finished_data(row))


async def _recount(session: Any, row: Evaluation) -> set[tuple[uuid.UUID, int]]:
    """The cells already written, with the counters set from them (they agree after any crash)."""
    result = EvaluationResult
    stmt = select(result.item_id, result.variant_position, result.status).where(
        result.evaluation_id == row.id
    )
    counts = {"passed": 0, "failed": 0, "error": 0}
    done = set()
    for item_id, position, status in (await session.execute(stmt)).all():
        done.add((item_id, position))
        counts[status] += 1
    row.done, row.passed_count, row.failed_count, row.error_count = len(done), *counts.values()
    return done


async def _locked(session: Any, evaluation_id: uuid.UUID) -> Evaluation | None:
    await serialize_writers(session)
    stmt = select(Evaluation).where(Evaluation.id == evaluation_id).with_for_update()
    row: Evaluation | None = (await session.scalars(stmt.execution_options(populate_existing=True))).first()
    return row


async def _wrap_up(session: Any, row: Evaluation, *, completed: bool) -> None:
    """The run ends (the caller holds the row lock): final status, summary, the generation released."""
    if row.status == "running" and completed:
        row.status, row.finished_at = "completed", utcnow()
        if row.done < row.total:  # its dataset (and items) were deleted meanwhile
            row.status = "failed"
            row.message = f"Only {row.done} of {row.total} results could be made: the dataset is gone."
    row.attempt_token, row.shards = None, None
    await write_summary(session, row)


async def run_evaluation(ctx: JobContext, evaluation_id: str) -> None:
    """The launcher: start a run of a queued evaluation in shards, and (again) enqueue unfinished shards."""
    resources = ctx.resources
    async with resources.sessionmaker() as session:
        row = await _locked(session, uuid.UUID(evaluation_id))
        if row is None or row.status in ("completed", "failed"):
            return  # deleted with its project, or over
        if row.status == "cancelled" and row.attempt_token is None:
            return
        if row.status == "queued" or row.attempt_token is None or row.shards is None:
            done = await _recount(session, row)
            count = shard_count(
                resources.settings.eval_shards,
                row.concurrency,
                row.total - len(done),
                embedded=resources.queue.embedded,
            )
            row.status, row.started_at = "running", row.started_at or utcnow()
            start_generation(row, count)
            log.info("evaluation_started", evaluation_id=evaluation_id, shards=count)
        jobs = shard_jobs(row)
        await session.commit()
    for key, kwargs in jobs:
        await resources.queue.enqueue(SHARD_JOB, key=key, **kwargs)


async def claim(
    resources: Resources, evaluation_id: uuid.UUID, generation: uuid.UUID, shard: int, token: uuid.UUID
) -> Plan | None:
    """Take shard `shard` over for this attempt; None when there is nothing (more) for it to run."""
    async with resources.sessionmaker() as session:
        row = await _locked(session, evaluation_id)
        state = ShardState.of(row) if row is not None else None
        if row is None or row.attempt_token != generation or state is None or shard in state.finished:
            return None  # deleted, another generation (or wrapped up), or this shard is done
        if row.status != "running":
            # Cancelled while queued or running (an attempt died before it could stop): stop here.
            state.finish(shard)
            state.save(row)
            finished = state.all_finished
            if finished:
                await _recount(session, row)
                await _wrap_up(session, row, completed=False)
            await session.commit()
            if finished:
                await _publish_finished(resources, row)
            return None
        done = await _recount(session, row)
        state.take(shard, token)
        state.save(row)
        grader = row.grader
        plan = Plan(
            evaluation_id=row.id,
            project_id=row.project_id,
            dataset_id=row.dataset_id,
            dataset_version=row.dataset_version,
            concurrency=shard_concurrency(row.concurrency, state.count, shard),
            assertions=row.assertions,
            grader=ProviderRef(uuid.UUID(grader["provider_id"]), grader["model"]) if grader else None,
            generation=generation,
            shard=shard,
            shards=state.count,
            done=done,
        )
        variants = await load_variants(session, row.id)
        await session.commit()
    plan.variants = await load_variant_plans(resources, plan.project_id, variants)
    return plan


def item_plan(item: Any, position: int, grader: ProviderRef | None) -> ItemPlan:
    """An item with its own assertions (`expected` shorthand, metadata.assert) parsed once."""
    try:
        specs, threshold = item_assertions(item.expected, item.metadata, grader)
    except ItemAssertionError as exc:
        return ItemPlan(item, position, [], None, exc.message)
    return ItemPlan(item, position, specs, threshold)


class Attempt:
    """One shard attempt's pipeline: producer → bounded queue → consumers → writer."""

    def __init__(self, ctx: JobContext, plan: Plan, token: uuid.UUID) -> None:
        self.ctx = ctx
        self.resources = ctx.resources
        self.plan = plan
        self.writer = ResultWriter(
            self.resources, plan.evaluation_id, plan.project_id, plan.generation, plan.shard, token
        )
        self.limiter = asyncio.Semaphore(plan.concurrency)
        calls = EvalModelCalls(self.resources, plan.project_id, self.limiter)
        specs = parse_assertions(plan.assertions, ["assertions"])  # validated at creation
        self.runner = CellRunner(self.resources, plan.evaluation_id, plan.project_id, calls, specs)
        # More consumers than calls in flight: rendering and grading overlap the calls of others.
        self.consumers = min(MAX_CONSUMERS, plan.concurrency * 2)
        self.cells: asyncio.Queue[Cell | None] = asyncio.Queue(maxsize=self.consumers * 2)
        self.flush_now = asyncio.Event()

    async def produce(self) -> None:
        plan = self.plan
        if plan.dataset_id is not None:
            async with self.resources.sessionmaker() as session:
                position = -1
                async for item in iter_items(session, plan.dataset_id, plan.dataset_version):
                    position += 1
                    if position % plan.shards != plan.shard:
                        continue  # another shard's item
                    todo = [v for v in plan.variants if (item.id, v.position) not in plan.done]
                    if not todo:
                        continue
                    prepared = item_plan(item, position, plan.grader)
                    for variant in todo:
                        if self.cells.full():
                            await session.commit()  # hold no transaction open while waiting
                        await self.cells.put(Cell(prepared, variant))
        for _ in range(self.consumers):
            await self.cells.put(None)

    async def consume(self) -> None:
        while (cell := await self.cells.get()) is not None:
            try:
                row = await self.runner.run(cell)
            except Exception as exc:  # a bug must cost one cell, not the evaluation
                log.exception("evaluation_cell_failed", evaluation_id=str(self.plan.evaluation_id))
                row = self.runner.error_row(
                    cell, "internal_error", f"The cell failed unexpectedly ({type(exc).__name__})."
                )
            self.writer.add(row)
            if self.writer.due:
                self.flush_now.set()

    async def watch(self, work: asyncio.Task[Any]) -> str:
        """Flush, heartbeat and watch the row until the work ends ("done") or is cancelled."""
        while not work.done():
            self.flush_now.clear()
            waiter = asyncio.ensure_future(self.flush_now.wait())
            await asyncio.wait({work, waiter}, timeout=FLUSH_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            status = await self.writer.flush()
            await self.ctx.heartbeat()
            if status.status == "cancelled":
                return "cancelled"
        await work  # its failure is this attempt's
        return "done"

    async def run(self) -> None:
        async def work() -> None:
            async with asyncio.TaskGroup() as group:
                group.create_task(self.produce())
                for _ in range(self.consumers):
                    group.create_task(self.consume())

        task = asyncio.create_task(work())
        try:
            outcome = await self.watch(task)
        except Exception:
            await self._stop(task)
            with contextlib.suppress(Exception):  # keep what finished; the next attempt skips it
                await self.writer.flush()
            raise
        finally:
            await self._stop(task)
        await self.writer.flush()  # what finished before a cancel is kept
        await self.finish(outcome)

    @staticmethod
    async def _stop(task: asyncio.Task[None]) -> None:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def finish(self, outcome: str) -> None:
        """This shard is done (or stopped by a cancel); the last one wraps the run up and tells."""
        plan = self.plan
        async with self.resources.sessionmaker() as session:
            row = await _locked(session, plan.evaluation_id)
            if row is None or not owns_shard(row, plan.generation, plan.shard, self.writer.token):
                raise Superseded()
            state = ShardState.of(row)
            assert state is not None  # owns_shard checked it
            state.finish(plan.shard)
            state.save(row)
            last = state.all_finished
            if last:
                await _wrap_up(session, row, completed=outcome == "done")
                if row.status == "completed":  # the webhook event, in the transaction that completes it
                    data = finished_data(row)
                    await record_event(session, self.resources.kv, row.project_id, EVALUATION_COMPLETED, data)
            await session.commit()
            await run_after_commit_hooks(session)
        log.info(
            "evaluation_shard_finished",
            evaluation_id=str(plan.evaluation_id),
            shard=plan.shard,
            written=self.writer.written,
        )
        if last:
            await _publish_finished(self.resources, row)


async def run_evaluation_shard(ctx: JobContext, evaluation_id: str, generation: str, shard: int) -> None:
    """A shard job: run its cells without a result; the last shard to finish writes the summary."""
    token = uuid.uuid4()
    plan = await claim(ctx.resources, uuid.UUID(evaluation_id), uuid.UUID(generation), shard, token)
    if plan is None:
        return
    log.info(
        "evaluation_shard_started",
        evaluation_id=evaluation_id,
        shard=shard,
        shards=plan.shards,
        concurrency=plan.concurrency,
        attempt=ctx.attempt,
    )
    try:
        await Attempt(ctx, plan, token).run()
    except Superseded:
        log.info(
            "evaluation_attempt_superseded", evaluation_id=evaluation_id, shard=shard, attempt=ctx.attempt
        )


async def evaluation_failed(ctx: JobContext, kwargs: dict[str, Any], error: BaseException) -> None:
    """The last attempt failed (or timed out): mark the evaluation failed, keeping its results."""
    resources, evaluation_id = ctx.resources, uuid.UUID(kwargs["evaluation_id"])
    async with resources.sessionmaker() as session:
        await serialize_writers(session)
        stmt = select(Evaluation).where(Evaluation.id == evaluation_id).with_for_update()
        row = (await session.scalars(stmt)).first()
        if row is None or row.status in FINISHED:
            return
        row.status, row.finished_at, row.attempt_token, row.shards = "failed", utcnow(), None, None
        row.message = (
            "The evaluation stopped unexpectedly after several attempts; its results so far are kept."
        )
        await write_summary(session, row)
        await session.commit()
    await _publish_finished(resources, row)


async def unfinished_evaluations(resources: Resources) -> list[tuple[str, dict[str, Any]]]:
    """Evaluations queued or running according to the database: enqueued again when a worker starts."""
    async with resources.sessionmaker() as session:
        stmt = select(Evaluation.id).where(Evaluation.status.in_(("queued", "running"))).limit(1000)
        ids = (await session.scalars(stmt)).all()
    return [(str(i), {"evaluation_id": str(i)}) for i in ids]
