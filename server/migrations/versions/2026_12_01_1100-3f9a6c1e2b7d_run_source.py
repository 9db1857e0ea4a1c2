"""run source: playground or gateway

Revision ID: 3f9a6c1e2b7d
Revises: d757b542694f
Create Date: 2026-12-01 11:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f9a6c1e2b7d"
down_revision: str | None = "d757b542694f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every run stored so far came from the playground (or the runs API): the default says so.
    with op.batch_alter_table("run") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=16), server_default="playground", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.drop_column("source")
