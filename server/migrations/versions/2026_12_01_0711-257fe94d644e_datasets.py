"""datasets and item revisions

Revision ID: 257fe94d644e
Revises: 44684507d592
Create Date: 2026-12-01 07:11:07.705756+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import promptforge.core.db

revision: str = "257fe94d644e"
down_revision: str | None = "44684507d592"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("valid_to IS NULL AND valid_from IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", promptforge.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", promptforge.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_dataset_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_dataset_project_id_name")),
    )
    op.create_table(
        "dataset_item",
        sa.Column("dataset_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("input", sa.JSON(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Integer(), nullable=True),
        sa.Column("valid_to", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("source_run_id", sa.Uuid(), nullable=True),
        sa.Column("item_created_at", promptforge.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", promptforge.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_dataset_item_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_item")),
    )
    op.create_index("ix_dataset_item_dataset_id_item_id", "dataset_item", ["dataset_id", "item_id"])
    op.create_index(op.f("ix_dataset_item_import_id"), "dataset_item", ["import_id"])
    op.create_index(
        "uq_dataset_item_current",
        "dataset_item",
        ["item_id"],
        unique=True,
        postgresql_where=CURRENT,
        sqlite_where=CURRENT,
    )


def downgrade() -> None:
    op.drop_index("uq_dataset_item_current", table_name="dataset_item")
    op.drop_index(op.f("ix_dataset_item_import_id"), table_name="dataset_item")
    op.drop_index("ix_dataset_item_dataset_id_item_id", table_name="dataset_item")
    op.drop_table("dataset_item")
    op.drop_table("dataset")
