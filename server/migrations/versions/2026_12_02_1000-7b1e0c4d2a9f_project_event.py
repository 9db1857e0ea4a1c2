"""project_event: the transactional outbox of project events (webhooks, change streams)

Revision ID: 7b1e0c4d2a9f
Revises: 3f6a9c2e1b7d
Create Date: 2026-12-02 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import promptforge.core.db

revision: str = "7b1e0c4d2a9f"
down_revision: str | None = "3f6a9c2e1b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_event",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", promptforge.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_event_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_event")),
        sa.UniqueConstraint("uid", name=op.f("uq_project_event_uid")),
    )
    op.create_index(op.f("ix_project_event_created_at"), "project_event", ["created_at"], unique=False)
    op.create_index("ix_project_event_project_id_id", "project_event", ["project_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_project_event_project_id_id", table_name="project_event")
    op.drop_index(op.f("ix_project_event_created_at"), table_name="project_event")
    op.drop_table("project_event")
