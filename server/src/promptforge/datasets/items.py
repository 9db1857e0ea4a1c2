"""Item revisions: visibility by dataset version, ordering, size checks, and staged (import) items.

These functions take no principal: the API service (service.py) authorizes first, and the import
and export jobs act for a request that was authorized when it was accepted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.db import serialize_writers, utcnow, uuid7
from promptforge.core.errors import NotFound, Unprocessable
from promptforge.datasets import schemas
from promptforge.datasets.models import Dataset, DatasetItem

_last_item_id = 0


def ordered_ids(count: int) -> list[uuid.UUID]:
    """`count` new item ids, ascending and above every id this process issued before.

    Items list by id, so a batch (and an import, chunk after chunk) keeps the order it was given
    in; plain uuid7s made within one millisecond would sort at random.
    """
    global _last_item_id
    start = max(uuid7().int, _last_item_id + 1)
    _last_item_id = start + count - 1
    return [uuid.UUID(int=start + i) for i in range(count)]


ITEM_COLUMNS = (
    DatasetItem.item_id,
    DatasetItem.input,
    DatasetItem.expected,
    DatasetItem.item_metadata,
    DatasetItem.valid_from,
    DatasetItem.source_run_id,
    DatasetItem.item_created_at,
    DatasetItem.created_at,
)


def visible_at(version: int) -> ColumnElement[bool]:
    """Revisions that make up the dataset as it was at `version` (staged rows never)."""
    return and_(
        DatasetItem.valid_from.is_not(None),
        DatasetItem.valid_from <= version,
        or_(DatasetItem.valid_to.is_(None), DatasetItem.valid_to > version),
    )


def item_out(row: DatasetItem | Row[Any]) -> schemas.DatasetItem:
    # Built without validation: stored items were validated on the way in, and exports stream
    # millions of them.
    return schemas.DatasetItem.model_construct(
        id=row.item_id,
        input=row.input,
        expected=row.expected,
        metadata=row.item_metadata,
        version=row.valid_from or 0,
        source_run_id=row.source_run_id,
        created_at=row.item_created_at,
        updated_at=row.created_at,
    )


def item_size_problem(item: schemas.ItemCreate, max_bytes: int) -> str | None:
    """Why an item is too large to store (PF_DATASET_ITEM_MAX_BYTES of JSON), or None."""
    size = len(json.dumps(item.model_dump(), ensure_ascii=False, separators=(",", ":")).encode())
    if size > max_bytes:
        return f"the item is {size} bytes of JSON; at most {max_bytes} are allowed"
    return None


def check_item_sizes(items: Sequence[schemas.ItemCreate], max_bytes: int, loc: list[str | int]) -> None:
    """422 naming the first item over the size limit (`loc` + its index)."""
    for index, item in enumerate(items):
        problem = item_size_problem(item, max_bytes)
        if problem is not None:
            raise Unprocessable.field([*loc, index], problem, code="item_too_large")


def check_capacity(dataset: Dataset, adding: int, max_items: int) -> None:
    if dataset.item_count + adding > max_items:
        raise Unprocessable.field(
            ["body", "items"],
            f"Dataset '{dataset.name}' holds {dataset.item_count} items; adding {adding} would pass "
            f"the limit of {max_items}.",
            code="dataset_full",
        )


def bump_version(dataset: Dataset) -> int:
    """The one place a dataset's version moves: once per change (caller holds the dataset's lock)."""
    dataset.version += 1
    dataset.updated_at = utcnow()
    return dataset.version


def insert_items(
    session: AsyncSession,
    dataset_id: uuid.UUID,
    items: Sequence[schemas.ItemCreate],
    *,
    version: int | None,
    import_id: uuid.UUID | None = None,
    source_run_id: uuid.UUID | None = None,
) -> list[DatasetItem]:
    """New items as revisions valid from `version` (None: staged, invisible until published)."""
    now = utcnow()
    rows = [
        DatasetItem(
            dataset_id=dataset_id,
            item_id=item_id,
            input=item.input,
            expected=item.expected,
            item_metadata=item.metadata,
            valid_from=version,
            import_id=import_id,
            source_run_id=source_run_id,
            item_created_at=now,
            created_at=now,
        )
        for item_id, item in zip(ordered_ids(len(items)), items, strict=True)
    ]
    session.add_all(rows)
    return rows


async def lock_dataset(session: AsyncSession, dataset_id: uuid.UUID) -> Dataset:
    """The dataset, locked: writers of one dataset go one at a time, so no version bump is lost."""
    await serialize_writers(session)
    stmt = select(Dataset).where(Dataset.id == dataset_id).with_for_update()
    dataset = (await session.scalars(stmt.execution_options(populate_existing=True))).first()
    if dataset is None:
        raise NotFound("Dataset not found.")
    return dataset


async def current_revision(session: AsyncSession, dataset: Dataset, item_id: uuid.UUID) -> DatasetItem:
    row = (
        await session.scalars(
            select(DatasetItem).where(
                DatasetItem.dataset_id == dataset.id,
                DatasetItem.item_id == item_id,
                DatasetItem.valid_from.is_not(None),
                DatasetItem.valid_to.is_(None),
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"Dataset '{dataset.name}' has no item {item_id}.")
    return row


# --- staged items: what the import jobs build on ------------------------------------------------


async def add_items_staged(
    session: AsyncSession,
    dataset_id: uuid.UUID,
    import_id: uuid.UUID,
    items: Sequence[schemas.ItemCreate],
) -> int:
    """Stage items of a running import: stored, invisible, without locking the dataset.

    The caller validates each item first (ItemCreate, then `item_size_problem`). Returns how many.
    """
    insert_items(session, dataset_id, items, version=None, import_id=import_id)
    await session.flush()
    return len(items)


StagedRow = tuple[dict[str, Any], Any, dict[str, Any]]  # (input, expected, metadata), already checked
_COPY_COLUMNS = [
    "id",
    "dataset_id",
    "item_id",
    "input",
    "expected",
    "metadata",
    "import_id",
    "item_created_at",
    "created_at",
]


async def stage_rows(
    session: AsyncSession, dataset_id: uuid.UUID, import_id: uuid.UUID, rows: Sequence[StagedRow]
) -> int:
    """Stage a batch of parsed file rows (checked by `item_problem`), as fast as the database allows.

    PostgreSQL: one COPY on the session's own connection, so the batch is part of the caller's
    transaction; an ORM insert costs several times more per row and the import must keep up with
    the file (docs/performance.md). SQLite: one executemany.
    """
    if not rows:
        return 0
    now = utcnow()
    ids = ordered_ids(len(rows))
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        records = [
            (uuid7(), dataset_id, item_id, dumps(i), dumps(e), dumps(m), import_id, now, now)
            for item_id, (i, e, m) in zip(ids, rows, strict=True)
        ]
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table("dataset_item", records=records, columns=_COPY_COLUMNS)
        return len(rows)
    values = [
        {
            "id": uuid7(),
            "dataset_id": dataset_id,
            "item_id": item_id,
            "input": i,
            "expected": e,
            "item_metadata": m,
            "valid_from": None,
            "valid_to": None,
            "import_id": import_id,
            "source_run_id": None,
            "item_created_at": now,
            "created_at": now,
        }
        for item_id, (i, e, m) in zip(ids, rows, strict=True)
    ]
    await session.execute(insert(DatasetItem), values)
    return len(rows)


async def publish_staged(
    session: AsyncSession, dataset: Dataset, import_id: uuid.UUID, *, max_items: int
) -> tuple[int, int]:
    """Make every item staged by `import_id` visible at once, as one new version.

    Returns (items published, the dataset's version). Nothing staged: no new version. Over
    `max_items` current items: 422 `dataset_full`, and the staged rows stay for `discard_staged`.
    """
    dataset = await lock_dataset(session, dataset.id)
    staged = DatasetItem.import_id == import_id, DatasetItem.valid_from.is_(None)
    count = await session.scalar(select(func.count()).select_from(DatasetItem).where(*staged)) or 0
    if count == 0:
        return 0, dataset.version
    check_capacity(dataset, count, max_items)
    version = bump_version(dataset)
    await session.execute(
        update(DatasetItem)
        .where(DatasetItem.dataset_id == dataset.id, *staged)
        .values(valid_from=version)
        .execution_options(synchronize_session=False)
    )
    dataset.item_count += count
    await session.flush()
    return count, version


async def discard_staged(session: AsyncSession, import_id: uuid.UUID) -> int:
    """Delete what a failed or abandoned import staged; published items stay. Returns how many."""
    result = await session.execute(
        delete(DatasetItem)
        .where(DatasetItem.import_id == import_id, DatasetItem.valid_from.is_(None))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def iter_items(
    session: AsyncSession, dataset_id: uuid.UUID, version: int, *, page_size: int = 500
) -> AsyncIterator[schemas.DatasetItem]:
    """Every item of the dataset as it was at `version`, in list order, fetched page by page."""
    after: uuid.UUID | None = None
    while True:
        # Plain rows, not ORM objects: nothing accumulates in the session however large the dataset.
        stmt = select(*ITEM_COLUMNS).where(DatasetItem.dataset_id == dataset_id, visible_at(version))
        if after is not None:
            stmt = stmt.where(DatasetItem.item_id > after)
        rows = (await session.execute(stmt.order_by(DatasetItem.item_id).limit(page_size))).all()
        for row in rows:
            yield item_out(row)
        if len(rows) < page_size:
            return
        after = rows[-1].item_id


def item_content(row: DatasetItem) -> dict[str, Any]:
    return {"input": row.input, "expected": row.expected, "metadata": row.item_metadata}
