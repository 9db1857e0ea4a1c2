"""api_key.public_key: a public id per API key for HTTP Basic auth (the Langfuse-compatible API)

Existing keys get a fresh random public id (their secrets are unchanged).

Revision ID: 3f6a9c2e1b7d
Revises: 3f9a6c1e2b7d
Create Date: 2026-12-02 09:00:00+00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f6a9c2e1b7d"
down_revision: str | None = "3f9a6c1e2b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
    api_key = sa.table("api_key", sa.column("id", sa.Uuid()), sa.column("public_key", sa.String()))
    conn = op.get_bind()
    for (key_id,) in conn.execute(sa.select(api_key.c.id)).all():
        # Same shape as promptforge.api_keys.service.new_public_key (not imported: migrations stay frozen).
        conn.execute(
            api_key.update().where(api_key.c.id == key_id).values(public_key="pk-pf-" + secrets.token_hex(16))
        )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.alter_column("public_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_api_key_public_key"), ["public_key"])


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_api_key_public_key"), type_="unique")
        batch_op.drop_column("public_key")
