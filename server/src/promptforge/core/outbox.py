"""The project event log: a transactional outbox that webhooks deliver from and change streams replay.

An event is written by `record_event` in the same transaction as the change that caused it, so a
committed change always has its event and a rolled-back one never does; a crash right after the commit
loses nothing, because deliverers read this table rather than an in-memory queue (docs/webhooks.md).

Ids are a sequence. Within one project they are also in commit order: `record_event` takes a
transaction-scoped per-project lock before it inserts, so a reader that has seen id N of a project never
later finds a smaller id of that project committed after it (what `Last-Event-ID` resumption needs).
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from promptforge.core.db import Base, UTCDateTime, after_commit, utcnow, uuid7
from promptforge.core.kv import KeyValueStore, StoreUnavailable

# Every event type the outbox carries: what webhooks can subscribe to (issue 14). Live-only events
# (progress, exports) are not written here.
PROMPT_VERSION_CREATED: Final = "prompt.version.created"
LABEL_MOVED: Final = "label.moved"
LABEL_REMOVED: Final = "label.removed"
PROMPT_ARCHIVED: Final = "prompt.archived"
DEPLOYMENT_PENDING: Final = "deployment.pending"
DEPLOYMENT_APPROVED: Final = "deployment.approved"
DEPLOYMENT_REJECTED: Final = "deployment.rejected"
EVALUATION_COMPLETED: Final = "evaluation.completed"
DATASET_IMPORT_COMPLETED: Final = "dataset.import.completed"
EVENT_TYPES: Final = (
    PROMPT_VERSION_CREATED,
    LABEL_MOVED,
    LABEL_REMOVED,
    PROMPT_ARCHIVED,
    DEPLOYMENT_PENDING,
    DEPLOYMENT_APPROVED,
    DEPLOYMENT_REJECTED,
    EVALUATION_COMPLETED,
    DATASET_IMPORT_COMPLETED,
)

# Published (after commit) when an event was recorded: wakes deliverers at once instead of at their
# next poll. Losing it only delays delivery until that poll.
OUTBOX_CHANNEL: Final = "outbox:recorded"

# SQLite only auto-increments an INTEGER PRIMARY KEY.
EventId = BigInteger().with_variant(Integer(), "sqlite")


class ProjectEvent(Base):
    __tablename__ = "project_event"
    # AUTOINCREMENT on SQLite: without it a table emptied by pruning hands out small ids again, and
    # readers positioned after the old ones (change streams, Last-Event-ID) would skip the new events.
    __table_args__ = (
        Index("ix_project_event_project_id_id", "project_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    uid: Mapped[uuid.UUID] = mapped_column(default=uuid7, unique=True)
    """The public id (webhook `id`, receivers deduplicate on it)."""
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _project_lock_key(project_id: uuid.UUID) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit key.
    return int.from_bytes(project_id.bytes[:8], "big", signed=True)


async def record_event(
    session: AsyncSession,
    kv: KeyValueStore,
    project_id: uuid.UUID,
    event_type: str,
    data: dict[str, Any],
) -> ProjectEvent:
    """Write an event in the caller's transaction; once committed, nudge deliverers.

    Call it last in a transaction when possible: the per-project lock it takes is held until commit.
    Callers that commit outside a request must run `run_after_commit_hooks` for the nudge (without it the
    event still goes out, at the deliverers' next poll).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown outbox event type {event_type!r}")
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _project_lock_key(project_id)})
    row = ProjectEvent(uid=uuid7(), project_id=project_id, type=event_type, data=data, created_at=utcnow())
    session.add(row)
    await session.flush()
    after_commit(session, lambda: _nudge(kv, project_id))
    return row


async def _nudge(kv: KeyValueStore, project_id: uuid.UUID) -> None:
    # Deliverers poll too: without the nudge the event goes out a little later.
    with contextlib.suppress(StoreUnavailable):
        await kv.publish(OUTBOX_CHANNEL, str(project_id).encode())


async def events_after(
    session: AsyncSession,
    project_id: uuid.UUID,
    after_id: int,
    *,
    types: tuple[str, ...] = EVENT_TYPES,
    limit: int = 100,
) -> list[ProjectEvent]:
    """A project's events with id > `after_id`, oldest first."""
    stmt = (
        select(ProjectEvent)
        .where(ProjectEvent.project_id == project_id, ProjectEvent.id > after_id)
        .where(ProjectEvent.type.in_(types))
        .order_by(ProjectEvent.id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def prune_events(
    session: AsyncSession, retention: timedelta, *, keep: ColumnElement[bool] | None = None
) -> int:
    """Delete events older than the retention window (the change stream's resume horizon).

    `keep` spares events still needed elsewhere (webhooks pass "a delivery of it is still open").
    """
    stmt = delete(ProjectEvent).where(ProjectEvent.created_at < utcnow() - retention)
    if keep is not None:
        stmt = stmt.where(~keep)
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
