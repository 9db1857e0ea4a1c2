"""Where the Alembic migrations are, and which revision the code expects the database to be at."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[4]


def alembic_config(database_url: str | None = None) -> Config:
    """The Alembic config of this checkout (alembic.ini at the repository root)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "server" / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


@lru_cache
def head_revision() -> str | None:
    """The newest migration: a database at another revision needs `promptforge migrate`."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
