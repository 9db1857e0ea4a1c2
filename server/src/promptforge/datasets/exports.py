"""Dataset exports: a job writes one pinned version of a dataset as CSV or JSONL into object storage;
the API reports on it and hands out the file (a presigned link on S3, a streaming route otherwise).

Exporting, then importing the file gives the same items (docs/datasets-formats.md, round trip).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.db import serialize_writers, utcnow, uuid7
from promptforge.core.errors import Conflict, NotFound
from promptforge.core.events import publish_event
from promptforge.core.queue import JobContext
from promptforge.core.resources import Resources
from promptforge.core.storage import ObjectStorage, object_key
from promptforge.datasets import schemas
from promptforge.datasets.formats import (
    ExportFormat,
    FileFormatError,
    csv_columns,
    limits_from_settings,
    write_rows,
)
from promptforge.datasets.items import iter_items
from promptforge.datasets.models import Dataset, DatasetExport
from promptforge.datasets.service import load_dataset
from promptforge.workspaces.permissions import Action, authorize_project

log = structlog.get_logger("promptforge.datasets.export")
EXPORT_JOB = "dataset-export"
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
HEARTBEAT_EVERY_ITEMS = 1000


def export_filename(dataset_name: str, row: DatasetExport) -> str:
    return f"{dataset_name}-v{row.version}.{row.format}"


def download_path(project_id: uuid.UUID, dataset_name: str, export_id: uuid.UUID) -> str:
    return f"/api/v1/projects/{project_id}/datasets/{dataset_name}/exports/{export_id}/download"


async def export_out(
    row: DatasetExport, dataset_name: str, storage: ObjectStorage, expires_seconds: int
) -> schemas.DatasetExport:
    """The export as the API shows it; a completed one carries where to download it."""
    url = None
    if row.status == "completed":
        name = export_filename(dataset_name, row)
        url = await storage.download_url(row.object_key, filename=name, expires_seconds=expires_seconds)
        url = url or download_path(row.project_id, dataset_name, row.id)
    return schemas.DatasetExport.model_validate(
        {
            "id": row.id,
            "dataset": dataset_name,
            "status": row.status,
            "format": row.format,
            "version": row.version,
            "item_count": row.item_count,
            "size_bytes": row.size_bytes,
            "message": row.message,
            "download_url": url,
            "created_at": row.created_at,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
        }
    )


async def create_export(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    data: schemas.ExportCreate,
) -> schemas.DatasetExport:
    """Pin the dataset's current version and queue the job that writes it (202).

    Reading is enough: an export shows what a viewer can already list, page by page.
    """
    await authorize_project(session, principal, project_id, Action.READ)
    dataset = await load_dataset(session, project_id, name)
    export_id = uuid7()
    row = DatasetExport(
        id=export_id,
        project_id=project_id,
        dataset_id=dataset.id,
        format=data.format,
        version=dataset.version,
        object_key=object_key("dataset-exports", str(project_id), str(export_id)),
    )
    session.add(row)
    await session.flush()
    # Committed before the job exists, so a worker never looks for a row that is not there yet.
    await session.commit()
    await resources.queue.enqueue(EXPORT_JOB, key=str(export_id), export_id=str(export_id))
    return await export_out(row, name, resources.storage, resources.settings.storage_url_expiry_seconds)


async def _load_export(
    session: AsyncSession, project_id: uuid.UUID, name: str, export_id: uuid.UUID
) -> tuple[Dataset, DatasetExport]:
    dataset = await load_dataset(session, project_id, name)
    stmt = select(DatasetExport).where(DatasetExport.id == export_id, DatasetExport.dataset_id == dataset.id)
    row = (await session.scalars(stmt)).first()
    if row is None:
        raise NotFound("Export not found.")
    return dataset, row


async def get_export(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    export_id: uuid.UUID,
) -> schemas.DatasetExport:
    await authorize_project(session, principal, project_id, Action.READ)
    dataset, row = await _load_export(session, project_id, name, export_id)
    expiry = resources.settings.storage_url_expiry_seconds
    return await export_out(row, dataset.name, resources.storage, expiry)


async def export_file(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, export_id: uuid.UUID
) -> tuple[str, str, str]:
    """(object key, file name, media type) of a completed export the caller may read; 409 before."""
    await authorize_project(session, principal, project_id, Action.READ)
    dataset, row = await _load_export(session, project_id, name, export_id)
    if row.status != "completed":
        raise Conflict(f"The export is {row.status}; there is no file to download.", code="export_not_ready")
    return row.object_key, export_filename(dataset.name, row), MEDIA_TYPES[row.format]


# --- the job ------------------------------------------------------------------------------------


async def _counted(items: AsyncIterator[schemas.DatasetItem], ctx: JobContext, counter: list[int]) -> Any:
    async for item in items:
        counter[0] += 1
        if counter[0] % HEARTBEAT_EVERY_ITEMS == 0:
            await ctx.heartbeat()
        yield item


async def run_export(ctx: JobContext, export_id: str) -> None:
    """The job: write the pinned version as a file (replacing any earlier attempt's), then record it."""
    resources, ident = ctx.resources, uuid.UUID(export_id)
    async with resources.sessionmaker() as session:
        row = await session.get(DatasetExport, ident)
        if row is None or row.status in ("completed", "failed"):
            return
        row.status, row.started_at = "running", row.started_at or utcnow()
        await session.commit()
        fmt: ExportFormat = row.format  # type: ignore[assignment]
        dataset_id, version, key = row.dataset_id, row.version, row.object_key
    # Reads only, page by page, each page its own short query: no transaction spans the export.
    async with resources.sessionmaker() as session:
        limits = limits_from_settings(resources.settings)
        columns = None
        try:
            if fmt == "csv":
                scan = _counted(iter_items(session, dataset_id, version), ctx, [0])
                columns = await csv_columns(scan, limits)
            counter = [0]
            items = _counted(iter_items(session, dataset_id, version), ctx, counter)
            size = await resources.storage.put(
                key, write_rows(fmt, items, columns), content_type=MEDIA_TYPES[fmt]
            )
        except FileFormatError as exc:
            await _finish(resources, ident, status="failed", message=exc.detail)
            return
    await _finish(resources, ident, status="completed", size_bytes=size, item_count=counter[0])


async def _finish(resources: Resources, export_id: uuid.UUID, **values: Any) -> None:
    async with resources.sessionmaker() as session:
        await serialize_writers(session)
        row = await session.get(DatasetExport, export_id, with_for_update=True)
        if row is None or row.status in ("completed", "failed"):
            return
        for name, value in values.items():
            setattr(row, name, value)
        row.finished_at = utcnow()
        dataset = await session.get(Dataset, row.dataset_id)
        name = dataset.name if dataset else ""
        event = {"export_id": str(export_id), "dataset": name, "status": row.status}
        project_id, status = row.project_id, row.status
        await session.commit()
    await publish_event(resources.kv, project_id, f"dataset.export.{status}", event)


async def export_failed(ctx: JobContext, kwargs: dict[str, Any], error: BaseException) -> None:
    """The last attempt failed: record it so the client stops waiting."""
    await _finish(
        ctx.resources,
        uuid.UUID(kwargs["export_id"]),
        status="failed",
        message="The export stopped unexpectedly after several attempts; request it again.",
    )


async def unfinished_exports(resources: Resources) -> list[tuple[str, dict[str, Any]]]:
    async with resources.sessionmaker() as session:
        stmt = select(DatasetExport.id).where(DatasetExport.status.in_(("queued", "running"))).limit(1000)
        ids = (await session.scalars(stmt)).all()
    return [(str(i), {"export_id": str(i)}) for i in ids]
