"""evaluation.shards: the shard jobs of the running generation (evaluations/shards.py)

Null for evaluations created before sharding and for queued ones; a running evaluation without it
is started as a new generation by its next launcher job.

Revision ID: 7c1e5a9b3d2f
Revises: 7b1e0c4d2a9f
Create Date: 2026-12-03 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e5a9b3d2f"
down_revision: str | None = "7b1e0c4d2a9f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shards", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_column("shards")
