"""File imports, the request side: accept an upload into object storage, queue its job, report on it.

The job that parses the file is datasets/import_job.py. docs/datasets.md describes the behaviour.
"""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.db import uuid7
from promptforge.core.errors import NotFound
from promptforge.core.multipart_upload import MultipartFile
from promptforge.core.pagination import PageParams, paginate
from promptforge.core.queue import QueueUnavailable
from promptforge.core.resources import Resources
from promptforge.core.storage import object_key
from promptforge.datasets import schemas
from promptforge.datasets.formats import format_for
from promptforge.datasets.models import Dataset, DatasetImport
from promptforge.datasets.service import load_dataset
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import Action, authorize_project

IMPORT_JOB = "dataset-import"
CONTENT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson", "json": "application/json"}


def import_out(row: DatasetImport, dataset_name: str) -> schemas.DatasetImport:
    return schemas.DatasetImport.model_validate(
        {
            "id": row.id,
            "dataset": dataset_name,
            "status": row.status,
            "format": row.format,
            "strict": row.strict,
            "filename": row.filename,
            "rows_done": row.rows_done,
            "items_created": row.items_created,
            "error_count": row.error_count,
            "errors": row.errors[: schemas.ERRORS_SHOWN],
            "message": row.message,
            "version": row.version,
            "created_at": row.created_at,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
        }
    )


async def create_import(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    upload: MultipartFile,
    *,
    explicit_format: str | None,
    strict: bool,
) -> schemas.DatasetImport:
    """Store the uploaded file, record the import as queued and enqueue its job (202)."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    await load_dataset(session, project_id, name)
    if explicit_format:
        format_for(None, explicit_format)  # 422 before a byte of the body is read
    # The upload may take minutes: no database connection is held (idle in a transaction) meanwhile.
    await session.commit()
    await upload.start()
    fmt = format_for(upload.filename, explicit_format)
    import_id = uuid7()
    key = object_key("dataset-imports", str(project_id), str(import_id))
    storage = resources.storage
    size = await storage.put(
        key, upload.chunks(), content_type=CONTENT_TYPES[fmt], max_bytes=upload.max_file_bytes
    )
    try:
        dataset = await load_dataset(session, project_id, name)  # it may have gone meanwhile
        row = DatasetImport(
            id=import_id,
            project_id=project_id,
            dataset_id=dataset.id,
            format=fmt,
            strict=strict,
            filename=upload.filename or "",
            object_key=key,
            size_bytes=size,
            errors=[],
        )
        session.add(row)
        await session.flush()
        await record_audit(
            session,
            access.principal,
            workspace_id=access.project.workspace_id,
            project_id=project_id,
            action="dataset.import_started",
            target_type="dataset",
            target_id=name,
            data={"import_id": str(import_id), "filename": row.filename, "format": fmt, "bytes": size},
        )
        # Committed before the job exists, so a worker never looks for a row that is not there yet.
        await session.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            await storage.delete(key)
        raise
    try:
        await resources.queue.enqueue(IMPORT_JOB, key=str(import_id), import_id=str(import_id))
    except QueueUnavailable:
        # Nothing left behind that looks queued: the client may simply try again.
        row.status, row.message = "failed", "The job queue was unreachable; upload the file again."
        await session.commit()
        with contextlib.suppress(Exception):
            await storage.delete(key)
        raise
    return import_out(row, name)


async def _load_import(
    session: AsyncSession, project_id: uuid.UUID, name: str, import_id: uuid.UUID
) -> tuple[Dataset, DatasetImport]:
    dataset = await load_dataset(session, project_id, name)
    row = (
        await session.scalars(
            select(DatasetImport).where(DatasetImport.id == import_id, DatasetImport.dataset_id == dataset.id)
        )
    ).first()
    if row is None:
        raise NotFound("Import not found.")
    return dataset, row


async def get_import(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, import_id: uuid.UUID
) -> schemas.DatasetImport:
    await authorize_project(session, principal, project_id, Action.READ)
    dataset, row = await _load_import(session, project_id, name, import_id)
    return import_out(row, dataset.name)


async def list_imports(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, page: PageParams
) -> tuple[list[schemas.DatasetImport], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    dataset = await load_dataset(session, project_id, name)
    stmt = select(DatasetImport).where(DatasetImport.dataset_id == dataset.id)
    rows, cursor = await paginate(session, stmt, DatasetImport.id, page)
    return [import_out(row, dataset.name) for row in rows], cursor
