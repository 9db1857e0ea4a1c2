"""A project's deploy policy (gates per label) and the deployments (gated label moves) it produced."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin

STATUSES = ("pending", "approved", "rejected", "deployed", "superseded")


class DeployPolicy(Base):
    """One row per project that has a policy: `labels` maps a label name to its gate (LabelGate JSON)."""

    __tablename__ = "deploy_policy"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(320))
    updated_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Deployment(IdMixin, TimestampMixin, Base):
    """A gated label move: deployed at once, or pending until another admin approves or rejects it.

    `created_at` is when it was requested. Names are copied so the record outlives the prompt's rows.
    """

    __tablename__ = "deployment"
    __table_args__ = (
        Index("ix_deployment_project_id_id", "project_id", "id"),
        Index("ix_deployment_prompt_id_label_status", "prompt_id", "label", "status"),
    )

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    prompt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    prompt_name: Mapped[str] = mapped_column(String(128))
    label: Mapped[str] = mapped_column(String(64))
    from_version: Mapped[int | None]
    to_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    rollback: Mapped[bool] = mapped_column(default=False)
    evaluation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("evaluation.id", ondelete="SET NULL"))
    requested_by: Mapped[str] = mapped_column(String(320))
    requested_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_by_api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_key.id", ondelete="SET NULL")
    )
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
