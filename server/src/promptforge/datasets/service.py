"""Datasets and items through the API: authorization, naming, versioning and the audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import utcnow
from promptforge.core.errors import Conflict, NotFound, Unprocessable
from promptforge.core.pagination import PageParams, paginate
from promptforge.datasets import schemas
from promptforge.datasets.items import (
    bump_version,
    check_capacity,
    check_item_sizes,
    current_revision,
    insert_items,
    item_content,
    item_out,
    item_size_problem,
    lock_dataset,
    visible_at,
)
from promptforge.datasets.models import Dataset, DatasetItem
from promptforge.runs.models import Run
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import Action, ProjectAccess, authorize_project


def dataset_out(dataset: Dataset) -> schemas.Dataset:
    return schemas.Dataset.model_validate(dataset)


async def load_dataset(
    session: AsyncSession, project_id: uuid.UUID, name: str, *, lock: bool = False
) -> Dataset:
    """The project's dataset called `name` (404 otherwise); `lock` serializes its writers."""
    dataset = (
        await session.scalars(select(Dataset).where(Dataset.project_id == project_id, Dataset.name == name))
    ).first()
    if dataset is None:
        raise NotFound(f"Dataset '{name}' not found.")
    return await lock_dataset(session, dataset.id) if lock else dataset


async def _audit(
    session: AsyncSession, access: ProjectAccess, action: str, name: str, data: dict[str, Any]
) -> None:
    await record_audit(
        session,
        access.principal,
        workspace_id=access.project.workspace_id,
        project_id=access.project.id,
        action=action,
        target_type="dataset",
        target_id=name,
        data=data,
    )


def _name_taken(name: str) -> Conflict:
    return Conflict(f"A dataset named '{name}' already exists in this project.", code="dataset_exists")


async def _name_free(session: AsyncSession, project_id: uuid.UUID, name: str) -> None:
    taken = await session.scalar(
        select(func.count()).where(Dataset.project_id == project_id, Dataset.name == name)
    )
    if taken:
        raise _name_taken(name)


async def _flush_named(session: AsyncSession, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError:  # a concurrent create or rename to the same name won
        raise _name_taken(name) from None


# --- datasets -----------------------------------------------------------------------------------


async def list_datasets(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, page: PageParams, q: str | None
) -> tuple[list[schemas.Dataset], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    stmt = select(Dataset).where(Dataset.project_id == project_id)
    if q:
        needle = q.lower()
        stmt = stmt.where(
            or_(
                func.lower(Dataset.name).contains(needle, autoescape=True),
                func.lower(Dataset.description).contains(needle, autoescape=True),
            )
        )
    rows, cursor = await paginate(session, stmt, Dataset.id, page)
    return [dataset_out(d) for d in rows], cursor


async def get_dataset(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str
) -> schemas.Dataset:
    await authorize_project(session, principal, project_id, Action.READ)
    return dataset_out(await load_dataset(session, project_id, name))


async def create_dataset(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, data: schemas.DatasetCreate
) -> schemas.Dataset:
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    await _name_free(session, project_id, data.name)
    dataset = Dataset(project_id=project_id, name=data.name, description=data.description)
    session.add(dataset)
    await _flush_named(session, data.name)
    await _audit(session, access, "dataset.created", data.name, {"dataset_id": str(dataset.id)})
    return dataset_out(dataset)


async def update_dataset(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    data: schemas.DatasetUpdate,
) -> schemas.Dataset:
    """Rename or describe a dataset; items and their history are untouched (no new version)."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    dataset = await load_dataset(session, project_id, name, lock=True)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("name", name) != name:
        await _name_free(session, project_id, changes["name"])
        dataset.name = changes["name"]
    if "description" in changes:
        dataset.description = changes["description"]
    dataset.updated_at = utcnow()
    await _flush_named(session, dataset.name)
    action = "dataset.renamed" if dataset.name != name else "dataset.updated"
    await _audit(session, access, action, name, changes)
    return dataset_out(dataset)


async def delete_dataset(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str
) -> None:
    """Delete a dataset with every item and revision (staged imports included)."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    dataset = await load_dataset(session, project_id, name, lock=True)
    data = {"dataset_id": str(dataset.id), "item_count": dataset.item_count, "version": dataset.version}
    await session.delete(dataset)
    await session.flush()
    await _audit(session, access, "dataset.deleted", name, data)


# --- items --------------------------------------------------------------------------------------


async def list_items(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    page: PageParams,
    version: int | None,
) -> tuple[list[schemas.DatasetItem], str | None]:
    """Items in a stable order (oldest first), as they are or as they were at `version`."""
    await authorize_project(session, principal, project_id, Action.READ)
    dataset = await load_dataset(session, project_id, name)
    if version is None:
        version = dataset.version
    elif version > dataset.version:
        raise NotFound(
            f"Dataset '{name}' has no version {version} yet (its latest is {dataset.version}).",
            code="dataset_version_not_found",
        )
    stmt = select(DatasetItem).where(DatasetItem.dataset_id == dataset.id, visible_at(version))
    rows, cursor = await paginate(session, stmt, DatasetItem.item_id, page, newest_first=False)
    return [item_out(row) for row in rows], cursor


async def add_items(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    data: schemas.ItemsCreate,
) -> schemas.ItemsCreated:
    """Append items as one new version of the dataset."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    check_item_sizes(data.items, settings.dataset_item_max_bytes, ["body", "items"])
    dataset = await load_dataset(session, project_id, name, lock=True)
    check_capacity(dataset, len(data.items), settings.dataset_max_items)
    version = bump_version(dataset)
    rows = insert_items(session, dataset.id, data.items, version=version)
    dataset.item_count += len(rows)
    await session.flush()
    await _audit(session, access, "dataset.items_created", name, {"count": len(rows), "version": version})
    return schemas.ItemsCreated(created=len(rows), version=version, ids=[r.item_id for r in rows])


async def update_item(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    item_id: uuid.UUID,
    data: schemas.ItemUpdate,
) -> schemas.DatasetItem:
    """Replace fields of an item as a new revision; the old one stays readable at older versions.

    An edit that changes nothing creates no version.
    """
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    for field in ("input", "metadata"):
        if field in data.model_fields_set and getattr(data, field) is None:
            raise Unprocessable.field(["body", field], f"{field} cannot be null; send an object.")
    dataset = await load_dataset(session, project_id, name, lock=True)
    current = await current_revision(session, dataset, item_id)
    content = item_content(current) | data.model_dump(include=data.model_fields_set)
    new = schemas.ItemCreate.model_validate(content)
    if new.model_dump() == item_content(current):
        return item_out(current)
    problem = item_size_problem(new, settings.dataset_item_max_bytes)
    if problem is not None:
        raise Unprocessable.field(["body"], problem, code="item_too_large")
    version = bump_version(dataset)
    current.valid_to = version
    await session.flush()  # closed before its successor exists: one current revision per item
    row = DatasetItem(
        dataset_id=dataset.id,
        item_id=item_id,
        input=new.input,
        expected=new.expected,
        item_metadata=new.metadata,
        valid_from=version,
        source_run_id=current.source_run_id,
        item_created_at=current.item_created_at,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    changed = sorted(k for k in data.model_fields_set if k in ("input", "expected", "metadata"))
    data_out = {"item_id": str(item_id), "version": version, "fields": changed}
    await _audit(session, access, "dataset.item_updated", name, data_out)
    return item_out(row)


async def delete_item(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, item_id: uuid.UUID
) -> None:
    """Remove an item from the dataset from the next version on; older versions still show it."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    dataset = await load_dataset(session, project_id, name, lock=True)
    current = await current_revision(session, dataset, item_id)
    version = bump_version(dataset)
    current.valid_to = version
    dataset.item_count -= 1
    await session.flush()
    await _audit(session, access, "dataset.item_deleted", name, {"item_id": str(item_id), "version": version})


async def add_item_from_run(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    data: schemas.ItemFromRun,
) -> schemas.DatasetItem:
    """A new item from a playground run: its variables as input, its output as expected."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    run = (
        await session.scalars(select(Run).where(Run.id == data.run_id, Run.project_id == project_id))
    ).first()
    if run is None:
        raise NotFound("Run not found.")
    if run.status != "completed" or run.output is None:
        raise Conflict(
            f"Run {run.id} has no output to copy (its status is {run.status}); "
            "only a completed run can become a dataset item.",
            code="run_without_output",
        )
    try:
        item = schemas.ItemCreate(input=run.variables, expected=run.output, metadata=data.metadata)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"]
        raise Unprocessable.field(
            ["body", "run_id"], f"The run's variables cannot be an item: {message}"
        ) from None
    problem = item_size_problem(item, settings.dataset_item_max_bytes)
    if problem is not None:
        raise Unprocessable.field(["body", "run_id"], f"The run is too large for an item: {problem}.")
    dataset = await load_dataset(session, project_id, name, lock=True)
    check_capacity(dataset, 1, settings.dataset_max_items)
    version = bump_version(dataset)
    [row] = insert_items(session, dataset.id, [item], version=version, source_run_id=run.id)
    dataset.item_count += 1
    await session.flush()
    audit = {"item_id": str(row.item_id), "run_id": str(run.id), "version": version}
    await _audit(session, access, "dataset.item_from_run", name, audit)
    return item_out(row)
