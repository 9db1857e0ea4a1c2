"""Routes of datasets and their items (history by `?version=`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from promptforge.auth.dependencies import PrincipalDep, SettingsDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import INT32_MAX, NO_NUL, Page
from promptforge.datasets import schemas, service
from promptforge.workspaces.permissions import Action, authorize_project

router = APIRouter(prefix="/api/v1/projects/{project_id}/datasets", tags=["datasets"])

NameParam = Annotated[str, Path(max_length=128, description="Dataset name")]
ItemIdParam = Annotated[uuid.UUID, Path(description="The item's stable id")]
# `{item_id:uuid}`: only a UUID matches, so `items/from-run` is never taken for an item id.
ITEM = "/{name}/items/{item_id:uuid}"
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


async def may_write(project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> None:
    """Authorize writers before their body is validated: a stranger's items are never walked."""
    await authorize_project(session, principal, project_id, Action.WRITE)


WRITER = [Depends(may_write)]


@router.get("", operation_id="datasets-list", responses=READ_ERRORS)
async def list_datasets(
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=200, description="Text in name or description")
    ] = None,
) -> Page[schemas.Dataset]:
    """Datasets of a project, newest first, with their item count and version."""
    items, cursor = await service.list_datasets(session, principal, project_id, page, q)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "",
    operation_id="datasets-create",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    dependencies=WRITER,
)
async def create_dataset(
    project_id: uuid.UUID, data: schemas.DatasetCreate, principal: PrincipalDep, session: SessionDep
) -> schemas.Dataset:
    """Create an empty dataset (version 0); names follow the prompt-name rule."""
    return await service.create_dataset(session, principal, project_id, data)


@router.get("/{name}", operation_id="datasets-get", responses=READ_ERRORS)
async def get_dataset(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep
) -> schemas.Dataset:
    """One dataset."""
    return await service.get_dataset(session, principal, project_id, name)


@router.patch("/{name}", operation_id="datasets-update", responses=WRITE_ERRORS, dependencies=WRITER)
async def update_dataset(
    project_id: uuid.UUID,
    name: NameParam,
    data: schemas.DatasetUpdate,
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.Dataset:
    """Rename a dataset or change its description; its items and history stay as they are."""
    return await service.update_dataset(session, principal, project_id, name, data)


@router.delete(
    "/{name}",
    operation_id="datasets-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def delete_dataset(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep
) -> None:
    """Delete a dataset with all its items and their history."""
    await service.delete_dataset(session, principal, project_id, name)


@router.get("/{name}/items", operation_id="dataset-items-list", responses=READ_ERRORS)
async def list_items(
    project_id: uuid.UUID,
    name: NameParam,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    version: Annotated[
        int | None,
        Query(ge=0, le=INT32_MAX, description="Show the dataset as it was at this version (default: now)"),
    ] = None,
) -> Page[schemas.DatasetItem]:
    """Items in the order they were added (an edit keeps an item's place), page by page."""
    items, cursor = await service.list_items(session, principal, project_id, name, page, version)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/{name}/items",
    operation_id="dataset-items-create",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    dependencies=WRITER,
)
async def create_items(
    project_id: uuid.UUID,
    name: NameParam,
    data: schemas.ItemsCreate,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.ItemsCreated:
    """Add 1 to 1000 items; the dataset gets one new version."""
    return await service.add_items(session, settings, principal, project_id, name, data)


@router.post(
    "/{name}/items/from-run",
    operation_id="dataset-items-from-run",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    dependencies=WRITER,
)
async def create_item_from_run(
    project_id: uuid.UUID,
    name: NameParam,
    data: schemas.ItemFromRun,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.DatasetItem:
    """Add a completed playground run as an item: its variables as input, its output as expected."""
    return await service.add_item_from_run(session, settings, principal, project_id, name, data)


@router.patch(ITEM, operation_id="dataset-items-update", responses=WRITE_ERRORS, dependencies=WRITER)
async def update_item(
    project_id: uuid.UUID,
    name: NameParam,
    item_id: ItemIdParam,
    data: schemas.ItemUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.DatasetItem:
    """Change an item (a new version); `?version=` of earlier versions still shows it as it was."""
    return await service.update_item(session, settings, principal, project_id, name, item_id, data)


@router.delete(
    ITEM,
    operation_id="dataset-items-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def delete_item(
    project_id: uuid.UUID, name: NameParam, item_id: ItemIdParam, principal: PrincipalDep, session: SessionDep
) -> None:
    """Remove an item (a new version); earlier versions still show it."""
    await service.delete_item(session, principal, project_id, name, item_id)
