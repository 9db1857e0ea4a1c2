"""The dataset import job: stream the uploaded file from object storage, parse it, stage, publish.

At-least-once delivery: every attempt starts by taking the import over with a new `attempt_token`
and discarding what earlier attempts staged, then parses the whole file again; each batch is
committed together with a check of the token, so a batch of an attempt presumed dead (its worker
was only slow) is rolled back instead of doubling items. Completion publishes every staged item as
one dataset version in the same transaction that marks the import completed: written once.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.db import run_after_commit_hooks, serialize_writers, utcnow
from promptforge.core.errors import AppError
from promptforge.core.events import publish_event
from promptforge.core.outbox import DATASET_IMPORT_COMPLETED, record_event
from promptforge.core.queue import JobContext
from promptforge.core.resources import Resources
from promptforge.core.storage import ObjectNotFound
from promptforge.datasets import schemas
from promptforge.datasets.formats import (
    FileFormat,
    FileFormatError,
    ParsedItem,
    limits_from_settings,
    make_parser,
)
from promptforge.datasets.items import StagedRow, discard_staged, lock_dataset, publish_staged, stage_rows
from promptforge.datasets.models import Dataset, DatasetImport

log = structlog.get_logger("promptforge.datasets.import")

BATCH_ROWS = 5000
BATCH_BYTES = 4 * 1024 * 1024  # of file read since the last batch: bounds a batch of large items
COMMIT_SECONDS = 1.0  # rows_done moves at least this often while rows keep coming
PROGRESS_SECONDS = 0.34  # at most ~3 progress events per second per import
FINISHED = ("completed", "failed")


class Superseded(Exception):
    """Another attempt took this import over (or it is gone): this attempt stops writing."""


@dataclass
class _Run:
    resources: Resources
    import_id: uuid.UUID
    token: uuid.UUID
    project_id: uuid.UUID
    dataset_id: uuid.UUID
    dataset: str
    fmt: FileFormat
    strict: bool
    key: str
    rows_done: int = 0
    bytes_done: int = 0
    size_bytes: int = 0
    staged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    batch: list[StagedRow] = field(default_factory=list)
    batch_bytes: int = 0
    last_commit: float = field(default_factory=time.monotonic)
    last_event: float = 0.0
    writing: asyncio.Task[None] | None = None

    async def _checked(self, session: AsyncSession, **values: Any) -> None:
        """Update the import row if this attempt still owns it (the row lock orders the attempts)."""
        result = await session.execute(
            update(DatasetImport)
            .where(DatasetImport.id == self.import_id, DatasetImport.attempt_token == self.token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not getattr(result, "rowcount", 0):
            raise Superseded()

    def _progress(self) -> dict[str, Any]:
        return {
            "rows_done": self.rows_done,
            "bytes_done": self.bytes_done,
            "error_count": self.error_count,
            "errors": self.errors,
        }

    async def flush(self, ctx: JobContext) -> None:
        """Hand the batch to a write in the background and go on parsing: the database works on one
        batch while the next one is parsed. At most one write is in flight (memory stays bounded)."""
        batch, progress = self.batch, self._progress() | {"errors": list(self.errors)}
        self.batch, self.batch_bytes, self.last_commit = [], 0, time.monotonic()
        await self.drain()
        self.writing = asyncio.create_task(self._write(batch, progress))
        await ctx.heartbeat()

    async def drain(self) -> None:
        """Wait for the write in flight; its failure (Superseded included) is this attempt's."""
        task, self.writing = self.writing, None
        if task is not None:
            await task

    async def _write(self, batch: list[StagedRow], progress: dict[str, Any]) -> None:
        """Commit a batch with the progress it brings; then, throttled, a progress event."""
        async with self.resources.sessionmaker() as session:
            await serialize_writers(session)
            await self._checked(session, **progress)
            self.staged += await stage_rows(session, self.dataset_id, self.import_id, batch)
            await session.commit()
        if time.monotonic() - self.last_event >= PROGRESS_SECONDS:
            self.last_event = time.monotonic()
            data = {
                "rows_done": progress["rows_done"],
                "items_created": self.staged,  # staged so far: they appear when the import completes
                "error_count": progress["error_count"],
                "bytes_done": progress["bytes_done"],
                "size_bytes": self.size_bytes,
            }
            await self.event("dataset.import.progress", data)

    async def event(self, name: str, data: dict[str, Any]) -> None:
        body = {"import_id": str(self.import_id), "dataset": self.dataset, **data}
        await publish_event(self.resources.kv, self.project_id, name, body)

    def take(self, rows: list[Any]) -> None:
        for row in rows:
            self.rows_done += 1
            if isinstance(row, ParsedItem):
                if not (self.strict and self.error_count):  # strict: after a bad row nothing is kept
                    self.batch.append((row.input, row.expected, row.metadata))
            else:
                self.error_count += 1
                if len(self.errors) < schemas.ERRORS_SHOWN:
                    self.errors.append({"line": row.line, "message": row.message[:500]})
        if self.strict and self.error_count:
            self.batch = []

    async def parse(self, ctx: JobContext) -> None:
        """Read the object chunk by chunk; the parser runs in a thread (it is CPU-bound)."""
        parser = make_parser(self.fmt, limits_from_settings(self.resources.settings))
        async for chunk in self.resources.storage.get(self.key):
            self.take(await asyncio.to_thread(parser.feed, chunk))
            self.batch_bytes += len(chunk)
            self.bytes_done += len(chunk)
            due = time.monotonic() - self.last_commit >= COMMIT_SECONDS
            if len(self.batch) >= BATCH_ROWS or self.batch_bytes >= BATCH_BYTES or due:
                await self.flush(ctx)
            else:
                await ctx.heartbeat()
        self.take(parser.close())
        await self.flush(ctx)
        await self.drain()

    async def complete(self) -> None:
        async with self.resources.sessionmaker() as session:
            await serialize_writers(session)
            await self._checked(session, **self._progress())
            dataset = await lock_dataset(session, self.dataset_id)
            max_items = self.resources.settings.dataset_max_items
            count, version = await publish_staged(session, dataset, self.import_id, max_items=max_items)
            done = {"status": "completed", "items_created": count, "version": version}
            await self._checked(session, **done, finished_at=utcnow())
            data = {"rows_done": self.rows_done, "items_created": count, "error_count": self.error_count}
            body = {"import_id": str(self.import_id), "dataset": self.dataset, **data, "version": version}
            await record_event(session, self.resources.kv, self.project_id, DATASET_IMPORT_COMPLETED, body)
            await session.commit()
            await run_after_commit_hooks(session)
        await self.event(DATASET_IMPORT_COMPLETED, {**data, "version": version})

    async def fail(self, message: str) -> None:
        await self.drain()
        async with self.resources.sessionmaker() as session:
            await serialize_writers(session)
            values = {**self._progress(), "status": "failed", "message": message, "finished_at": utcnow()}
            await self._checked(session, **values)
            await discard_staged(session, self.import_id)
            await session.commit()
        await self.event("dataset.import.failed", {"message": message})


async def _claim(resources: Resources, import_id: uuid.UUID, token: uuid.UUID) -> _Run | None:
    """Take the import over for this attempt and discard earlier attempts' staged rows; None if done."""
    async with resources.sessionmaker() as session:
        await serialize_writers(session)
        stmt = select(DatasetImport, Dataset.name).join(Dataset, Dataset.id == DatasetImport.dataset_id)
        stmt = stmt.where(DatasetImport.id == import_id).with_for_update(of=DatasetImport)
        found = (await session.execute(stmt)).first()
        if found is None:
            return None  # deleted with its dataset
        row, name = found
        if row.status in FINISHED:
            return None
        row.status, row.attempt_token, row.started_at = "running", token, row.started_at or utcnow()
        row.rows_done = row.bytes_done = row.items_created = row.error_count = 0
        row.errors, row.message = [], None
        await discard_staged(session, import_id)
        await session.commit()
        fmt: FileFormat = row.format  # type: ignore[assignment]
        run = _Run(
            resources, import_id, token, row.project_id, row.dataset_id, name, fmt, row.strict, row.object_key
        )
        run.size_bytes = row.size_bytes
        return run


async def _delete_upload(resources: Resources, key: str) -> None:
    """The uploaded file is kept only while its import runs (docs/datasets.md, retention)."""
    try:
        await resources.storage.delete(key)
    except Exception:  # a leftover object costs disk space only; the import's outcome stands
        log.warning("import_upload_not_deleted", key=key, exc_info=True)


async def run_import(ctx: JobContext, import_id: str) -> None:
    """The job: parse the uploaded file and publish its items as one version (or fail with a reason)."""
    run = await _claim(ctx.resources, uuid.UUID(import_id), uuid.uuid4())
    if run is None:
        return
    try:
        try:
            await run.parse(ctx)
        except FileFormatError as exc:
            await run.fail(exc.detail)
        except ObjectNotFound:
            await run.fail("The uploaded file is gone; upload it again.")
        else:
            if run.strict and run.error_count:
                rows = "row is" if run.error_count == 1 else "rows are"
                await run.fail(f"{run.error_count} {rows} invalid; a strict import writes nothing.")
            else:
                try:
                    await run.complete()
                except AppError as exc:  # dataset_full: the staged rows go, the reason stays
                    await run.fail(exc.detail)
    except BaseException as exc:
        if run.writing is not None:  # a write still in flight must not outlive its attempt
            run.writing.cancel()
            await asyncio.gather(run.writing, return_exceptions=True)
        if not isinstance(exc, Superseded):
            raise
        log.info("import_attempt_superseded", import_id=import_id, attempt=ctx.attempt)
        async with ctx.resources.sessionmaker() as session:
            if await session.get(DatasetImport, run.import_id) is not None:
                return  # another attempt owns it, and the file
    # Finished, or its dataset was deleted meanwhile: the file is of no further use.
    await _delete_upload(ctx.resources, run.key)


async def import_failed(ctx: JobContext, kwargs: dict[str, Any], error: BaseException) -> None:
    """The last attempt failed (or timed out): mark the import failed and drop what it staged."""
    resources, import_id = ctx.resources, uuid.UUID(kwargs["import_id"])
    message = "The import stopped unexpectedly after several attempts; upload the file again."
    async with resources.sessionmaker() as session:
        await serialize_writers(session)
        row = await session.get(DatasetImport, import_id, with_for_update=True)
        if row is None or row.status in FINISHED:
            return
        row.status, row.message, row.finished_at, row.attempt_token = "failed", message, utcnow(), None
        await discard_staged(session, import_id)
        dataset = await session.get(Dataset, row.dataset_id)
        project_id, key, name = row.project_id, row.object_key, dataset.name if dataset else ""
        await session.commit()
    data = {"import_id": str(import_id), "dataset": name, "message": message}
    await publish_event(resources.kv, project_id, "dataset.import.failed", data)
    await _delete_upload(resources, key)


async def unfinished_imports(resources: Resources) -> list[tuple[str, dict[str, Any]]]:
    """Imports queued or running according to the database: enqueued again when a worker starts."""
    async with resources.sessionmaker() as session:
        stmt = select(DatasetImport.id).where(DatasetImport.status.in_(("queued", "running"))).limit(1000)
        ids = (await session.scalars(stmt)).all()
    return [(str(i), {"import_id": str(i)}) for i in ids]
