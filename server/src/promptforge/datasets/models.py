"""Datasets and the immutable revisions of their items (history by dataset version)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
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
