"""Database engine, the declarative base and the one-session-per-request dependency."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from prometheus_client import Counter
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from promptforge.core.errors import DatabaseUnavailable

log = structlog.get_logger("promptforge.db")
AFTER_COMMIT = "after_commit"
AFTER_COMMIT_FAILURES = Counter(
    "promptforge_after_commit_failures_total",
    "After-commit hooks (cache invalidation, events) that failed; the committed change stands",
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 v7), so ids sort by creation and serve as pagination cursors."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 66 & 0xFFF) << 64 | 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on both engines (SQLite drops the zone, so it is restored on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def create_engine(url: str, *, connect_timeout: float = 2.0, pool_timeout: float = 5.0) -> AsyncEngine:
    """An engine for PostgreSQL (asyncpg) or SQLite (aiosqlite, with foreign keys and WAL).

    On PostgreSQL a failed connect raises DatabaseUnavailable (503) within `connect_timeout`, and a
    request waits at most `pool_timeout` for a pooled connection: during an outage requests fail fast
    instead of piling up behind asyncpg's 60 s default.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    engine = create_async_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_timeout=pool_timeout,
        connect_args={"timeout": connect_timeout},
    )

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect_or_unavailable(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        # Refused, timed out, "the database system is starting up": all mean "not now" to a client.
        try:
            return dialect.connect(*cargs, **cparams)
        except (OSError, TimeoutError, dialect.loaded_dbapi.Error) as exc:
            log.warning("database_connect_failed", error_type=type(exc).__name__, error=str(exc))
            raise DatabaseUnavailable from exc

    return engine


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed once when the handler succeeds, rolled back otherwise."""
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        # Outside the error handling on purpose: the change is committed, so whatever a hook does,
        # the client must hear that it succeeded.
        await run_after_commit_hooks(session)


def after_commit(session: AsyncSession, callback: Callable[[], Awaitable[Any]]) -> None:
    """Run `callback` once the request's transaction has committed (e.g. cache invalidation)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


async def run_after_commit_hooks(session: AsyncSession) -> None:
    """Run the hooks registered on a committed session; a failing hook is logged and counted only."""
    for callback in session.info.pop(AFTER_COMMIT, []):
        try:
            await callback()
        except Exception:
            # Caches heal by their TTLs (docs/performance.md); an error answer would make the
            # client retry a write that already happened.
            AFTER_COMMIT_FAILURES.inc()
            log.exception("after_commit_hook_failed", hook=getattr(callback, "__qualname__", repr(callback)))


async def serialize_writers(session: AsyncSession) -> None:
    """On SQLite, take the database write lock now, before reading what this transaction will change.

    SQLite has no row locks and ignores FOR UPDATE, so two requests could both read "latest is 3" and
    both insert version 4. BEGIN IMMEDIATE makes the second wait (busy_timeout) until the first has
    committed, then read fresh data. A no-op on PostgreSQL: lock the rows with SELECT ... FOR UPDATE.
    """
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = await connection.get_raw_connection()
    # The driver opens a transaction only before its first write; once one is open, this
    # connection already holds the write lock.
    if not raw.driver_connection.in_transaction:  # type: ignore[union-attr]
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


# scope="function": commit before the response is sent, so a 2xx means the write is durable.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
