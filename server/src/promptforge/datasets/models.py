"""Datasets and the immutable revisions of their items (history by dataset version)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin, utcnow


class Dataset(IdMixin, TimestampMixin, Base):
    __tablename__ = "dataset"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    # Bumped once per request that changes items; 0 is the empty dataset as created.
    version: Mapped[int] = mapped_column(default=0)
    item_count: Mapped[int] = mapped_column(default=0)  # items visible at `version`
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# An item is visible at dataset version N when valid_from <= N and (valid_to is NULL or > N).
CURRENT = "valid_to IS NULL AND valid_from IS NOT NULL"


class DatasetItem(IdMixin, TimestampMixin, Base):
    """One revision of an item, never changed once published: an edit closes it and adds the next.

    `id` is the revision, `item_id` the item's stable identity (and its place in the list). A row
    with `valid_from` NULL is staged by a running import (`import_id`): invisible until published.
    `created_at` is when this revision was written, i.e. the item's `updated_at`.
    """

    __tablename__ = "dataset_item"
    __table_args__ = (
        Index("ix_dataset_item_dataset_id_item_id", "dataset_id", "item_id"),
        # At most one current revision per item: a lost race cannot leave two.
        Index(
            "uq_dataset_item_current",
            "item_id",
            unique=True,
            postgresql_where=text(CURRENT),
            sqlite_where=text(CURRENT),
        ),
    )

    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    item_id: Mapped[uuid.UUID]
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    expected: Mapped[Any | None] = mapped_column(JSON)
    item_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    valid_from: Mapped[int | None]
    valid_to: Mapped[int | None]
    import_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    source_run_id: Mapped[uuid.UUID | None]
    item_created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatasetImport(IdMixin, TimestampMixin, Base):
    """A file import: the uploaded object, the job's progress and its outcome (datasets/imports.py)."""

    __tablename__ = "dataset_import"
    __table_args__ = (Index("ix_dataset_import_dataset_id_id", "dataset_id", "id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|completed|failed
    format: Mapped[str] = mapped_column(String(8))
    strict: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str] = mapped_column(String(255), default="")
    object_key: Mapped[str] = mapped_column(String(1024))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    items_created: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # the first 100
    message: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None]  # the dataset version the import published
    # Changed by every attempt that starts: a batch of an older attempt still running (a worker that
    # was presumed dead) finds another token and is rolled back, so items are written once.
    attempt_token: Mapped[uuid.UUID | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class DatasetExport(IdMixin, TimestampMixin, Base):
    """A file export of one dataset version, written by a job into object storage (datasets/exports.py)."""

    __tablename__ = "dataset_export"
    __table_args__ = (Index("ix_dataset_export_dataset_id_id", "dataset_id", "id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    dataset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    format: Mapped[str] = mapped_column(String(8))
    version: Mapped[int]  # pinned when requested: later changes are not in the file
    object_key: Mapped[str] = mapped_column(String(1024))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    item_count: Mapped[int | None]
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
