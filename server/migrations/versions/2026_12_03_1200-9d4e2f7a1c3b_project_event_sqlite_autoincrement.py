"""project_event ids never reused on SQLite (AUTOINCREMENT): change-stream positions stay valid after pruning

Revision ID: 9d4e2f7a1c3b
Revises: 9d4e2a7c1f30
Create Date: 2026-12-03 09:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d4e2f7a1c3b"
down_revision: str | None = "9d4e2a7c1f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostgreSQL's sequence never goes back; SQLite's rowid does once the largest rows are deleted.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "project_event", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "project_event", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
