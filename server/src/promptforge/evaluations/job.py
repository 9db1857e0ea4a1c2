"""The evaluation job: every (item, variant) cell without a result is run, graded and written once.

At-least-once delivery (docs/architecture.md): each attempt takes the evaluation over with a new
`attempt_token` and skips the cells that already have a result, so a restarted job (a killed
worker, a timeout, retry-errors) does not call the provider again for them. Writes check the token
(writer.py): an attempt presumed dead that is still running is fenced off.

One attempt runs one bounded pipeline: a producer streams the pinned dataset version's items
(datasets/items.iter_items) into a small queue, a fixed set of consumers runs cells, and one
asyncio.Semaphore(concurrency), held only while a request is in flight (EvalModelCalls), bounds the
variant calls, judges and embeddings together. There is one job per evaluation, so that limit holds
across all workers. A loop ticking every FLUSH_SECONDS flushes results, watches for cancel (and a
takeover), and heartbeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import select

from promptforge.core.db import serialize_writers, utcnow
from promptforge.core.events import publish_event
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
from promptforge.evaluations.summary import write_summary
from promptforge.evaluations.writer import FLUSH_SECONDS, ResultWriter, Superseded

log = structlog.get_logger("promptforge.evaluations")

MAX_CONSUMERS = 100


@dataclass
class Plan:
    """What one attempt runs, read when it takes the evaluation over."""

    evaluation_id: uuid.UUID
    project_id: uuid.UUID
    dataset_id: uuid.UUID | None
    dataset_version: int
    concurrency: int
    assertions: list[dict[str, Any]]
    grader: ProviderRef | None
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


async def claim(resources: Resources, evaluation_id: uuid.UUID, token: uuid.UUID) -> Plan | None:
    """Take the evaluation over for this attempt; None when there is nothing (more) to run."""
    async with resources.sessionmaker() as session:
        await serialize_writers(session)
        stmt = select(Evaluation).where(Evaluation.id == evaluation_id).with_for_update()
        row = (await session.scalars(stmt)).first()
        if row is None:
            return None  # deleted with its project
        if row.status in FINISHED:
            if row.status == "cancelled" and row.attempt_token is not None:
                # Cancelled while running, and that attempt died before it could wrap up.
                await _recount(session, row)
                row.attempt_token = None
                await write_summary(session, row)
                await session.commit()
                await _publish_finished(resources, row)
            return None
        done = await _recount(session, row)
        row.status, row.attempt_token, row.started_at = "running", token, row.started_at or utcnow()
        grader = row.grader
        plan = Plan(
            evaluation_id=row.id,
            project_id=row.project_id,
            dataset_id=row.dataset_id,
            dataset_version=row.dataset_version,
            concurrency=row.concurrency,
            assertions=row.assertions,
            grader=ProviderRef(uuid.UUID(grader["provider_id"]), grader["model"]) if grader else None,
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
    """One attempt's pipeline: producer → bounded queue → consumers → writer."""

    def __init__(self, ctx: JobContext, plan: Plan, token: uuid.UUID) -> None:
        self.ctx = ctx
        self.resources = ctx.resources
        self.plan = plan
        self.writer = ResultWriter(self.resources, plan.evaluation_id, plan.project_id, token)
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
        """Completed (or cancelled meanwhile): summary, passed, the token released, the event."""
        async with self.resources.sessionmaker() as session:
            await serialize_writers(session)
            stmt = select(Evaluation).where(Evaluation.id == self.plan.evaluation_id).with_for_update()
            row = (await session.scalars(stmt.execution_options(populate_existing=True))).first()
            if row is None or row.attempt_token != self.writer.token:
                raise Superseded()
            if row.status == "running" and outcome == "done":
                row.status, row.finished_at = "completed", utcnow()
                if row.done < row.total:  # its dataset (and items) were deleted meanwhile
                    row.status = "failed"
                    row.message = (
                        f"Only {row.done} of {row.total} results could be made: the dataset is gone."
                    )
            row.attempt_token = None
            await write_summary(session, row)
            await session.commit()
        await _publish_finished(self.resources, row)


async def run_evaluation(ctx: JobContext, evaluation_id: str) -> None:
    """The job: run every cell without a result, then write the summary (or stop on cancel)."""
    token = uuid.uuid4()
    plan = await claim(ctx.resources, uuid.UUID(evaluation_id), token)
    if plan is None:
        return
    try:
        await Attempt(ctx, plan, token).run()
    except Superseded:
        log.info("evaluation_attempt_superseded", evaluation_id=evaluation_id, attempt=ctx.attempt)


async def evaluation_failed(ctx: JobContext, kwargs: dict[str, Any], error: BaseException) -> None:
    """The last attempt failed (or timed out): mark the evaluation failed, keeping its results."""
    resources, evaluation_id = ctx.resources, uuid.UUID(kwargs["evaluation_id"])
    async with resources.sessionmaker() as session:
        await serialize_writers(session)
        stmt = select(Evaluation).where(Evaluation.id == evaluation_id).with_for_update()
        row = (await session.scalars(stmt)).first()
        if row is None or row.status in FINISHED:
            return
        row.status, row.finished_at, row.attempt_token = "failed", utcnow(), None
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
