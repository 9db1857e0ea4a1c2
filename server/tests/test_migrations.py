"""Alembic: one linear history that upgrades from empty, downgrades to nothing and upgrades again,
on every engine we run on, and that matches the ORM models exactly.

Synchronous tests on purpose: the Alembic environment runs its own event loop.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from conftest import BACKEND, PG_ADMIN_DSN
from promptforge.cli import alembic_config
from promptforge.core.db import create_engine
from promptforge.models import Base

ENGINES = ["sqlite"] if BACKEND == "embedded" else ["sqlite", "postgresql"]


def config_for(url: str) -> Config:
    config = cast(Config, alembic_config(url))
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(params=ENGINES)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a brand-new, empty database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"pf_migrations_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def inspect_database(url: str) -> tuple[set[str], list[Any], str | None]:
    """(tables, differences between the models and the database, current revision)."""

    def run(connection: Connection) -> tuple[set[str], list[Any], str | None]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": Base.metadata}
        )
        tables = set(inspect(connection).get_table_names())
        return tables, compare_metadata(context, Base.metadata), context.get_current_revision()

    async def main() -> tuple[set[str], list[Any], str | None]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(run)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_single_linear_history() -> None:
    script = ScriptDirectory.from_config(config_for("sqlite://"))
    assert len(script.get_heads()) == 1, "more than one head: merge or re-parent the new migration"
    assert len(script.get_bases()) == 1
    for revision in script.walk_revisions():
        assert not revision.is_merge_point, f"{revision.revision} is a merge; the history must stay linear"
        assert Path(revision.path).name[:10].replace("_", "").isdigit(), "file names start with the date"


def test_upgrade_from_empty_downgrade_and_upgrade_again(empty_database: str) -> None:
    config = config_for(empty_database)
    head = ScriptDirectory.from_config(config).get_current_head()
    model_tables = set(Base.metadata.tables)

    command.upgrade(config, "head")
    tables, diffs, revision = inspect_database(empty_database)
    assert tables == model_tables | {"alembic_version"}
    assert diffs == [], f"models and migrations differ: {diffs}"
    assert revision == head

    command.downgrade(config, "base")
    tables, _, revision = inspect_database(empty_database)
    assert tables <= {"alembic_version"}, f"left behind by downgrade: {tables}"
    assert revision is None

    command.upgrade(config, "head")
    tables, diffs, revision = inspect_database(empty_database)
    assert tables == model_tables | {"alembic_version"}
    assert diffs == []
    assert revision == head
