"""Writing an evaluation's results: buffered, a batch per transaction, exactly once per cell.

Each flush is one transaction that (a) locks the evaluation row and checks the run's generation
and this shard attempt's token (evaluations/shards.py), so an attempt presumed dead (its worker was
only slow) writes nothing once another took its shard over,
(b) inserts the batch with ON CONFLICT DO NOTHING on the unique (evaluation, item, variant), and
(c) moves the counters by what was actually inserted. Counters and rows therefore always agree,
whatever attempt ran which cell, and a cell's result is never written twice.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Insert, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.db import serialize_writers
from promptforge.core.events import publish_event
from promptforge.core.resources import Resources
from promptforge.evaluations.events import PROGRESS, PROGRESS_SECONDS
from promptforge.evaluations.models import Evaluation, EvaluationResult
from promptforge.evaluations.shards import owns_shard

BATCH_RESULTS = 200  # a flush is due at this many results, or every FLUSH_SECONDS
FLUSH_SECONDS = 0.25
CELL = ["evaluation_id", "item_id", "variant_position"]
RESULT_TABLE = cast(Table, EvaluationResult.__table__)


class Superseded(Exception):
    """Another attempt took the evaluation over, or it is gone: this attempt stops writing."""


def insert_results(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING status, in the database's own dialect."""
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(RESULT_TABLE).on_conflict_do_nothing(index_elements=CELL)
    else:
        stmt = sqlite.insert(RESULT_TABLE).on_conflict_do_nothing(index_elements=CELL)
    return stmt.returning(RESULT_TABLE.c.status)  # type: ignore[no-any-return]


@dataclass
class Status:
    """The evaluation row as the last flush (or poll) saw it."""

    status: str


@dataclass
class ResultWriter:
    resources: Resources
    evaluation_id: uuid.UUID
    project_id: uuid.UUID
    generation: uuid.UUID
    shard: int
    token: uuid.UUID
    buffer: list[dict[str, Any]] = field(default_factory=list)
    last_event: float = 0.0
    written: int = 0  # results this attempt inserted (logged when its shard finishes)

    def add(self, row: dict[str, Any]) -> None:
        self.buffer.append(row)

    @property
    def due(self) -> bool:
        return len(self.buffer) >= BATCH_RESULTS

    async def _lock(self, session: AsyncSession) -> Evaluation:
        """The evaluation row, locked, if this attempt still owns it; Superseded otherwise."""
        await serialize_writers(session)
        stmt = select(Evaluation).where(Evaluation.id == self.evaluation_id).with_for_update()
        row = (await session.scalars(stmt.execution_options(populate_existing=True))).first()
        if row is None or not owns_shard(row, self.generation, self.shard, self.token):
            raise Superseded()
        return row

    async def poll(self) -> Status:
        """The row's status and token without a lock (the cheap check between flushes)."""
        async with self.resources.sessionmaker() as session:
            stmt = select(Evaluation).where(Evaluation.id == self.evaluation_id)
            row = (await session.scalars(stmt)).first()
            if row is None or not owns_shard(row, self.generation, self.shard, self.token):
                raise Superseded()
            return Status(row.status)

    async def flush(self) -> Status:
        """Write the buffered results (if any) with the counters; then, throttled, a progress event."""
        if not self.buffer:
            return await self.poll()
        rows, self.buffer = self.buffer, []
        async with self.resources.sessionmaker() as session:
            evaluation = await self._lock(session)
            dialect = (await session.connection()).dialect.name
            inserted = (await session.execute(insert_results(dialect), rows)).scalars().all()
            counts = {status: inserted.count(status) for status in ("passed", "failed", "error")}
            await session.execute(
                update(Evaluation)
                .where(Evaluation.id == self.evaluation_id)
                .values(
                    done=Evaluation.done + len(inserted),
                    passed_count=Evaluation.passed_count + counts["passed"],
                    failed_count=Evaluation.failed_count + counts["failed"],
                    error_count=Evaluation.error_count + counts["error"],
                )
                .execution_options(synchronize_session=False)
            )
            progress = {
                "id": str(self.evaluation_id),
                "done": evaluation.done + len(inserted),
                "total": evaluation.total,
                "passed": evaluation.passed_count + counts["passed"],
                "failed": evaluation.failed_count + counts["failed"],
                "errors": evaluation.error_count + counts["error"],
            }
            status = Status(evaluation.status)
            await session.commit()
        self.written += len(inserted)
        if time.monotonic() - self.last_event >= PROGRESS_SECONDS:
            self.last_event = time.monotonic()
            await publish_event(self.resources.kv, self.project_id, PROGRESS, progress)
        return status
