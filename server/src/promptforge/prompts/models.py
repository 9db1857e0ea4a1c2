"""Prompts, their immutable versions, labels (deployments) and the history of label moves."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin, utcnow


class Prompt(IdMixin, TimestampMixin, Base):
    __tablename__ = "prompt"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    latest_version: Mapped[int] = mapped_column(default=0)
    archived_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromptTag(Base):
    """One row per tag of a prompt, so `?tag=` filters with an index on both engines."""

    __tablename__ = "prompt_tag"

    prompt_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("prompt.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class PromptVersion(IdMixin, TimestampMixin, Base):
    """Immutable once written."""

    __tablename__ = "prompt_version"
    __table_args__ = (UniqueConstraint("prompt_id", "number"),)

    prompt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    number: Mapped[int]
    template: Mapped[Any] = mapped_column(JSON)
    variables: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_settings: Mapped[dict[str, Any]] = mapped_column("model_config", JSON)
    commit_message: Mapped[str] = mapped_column(Text, default="")
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_api_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(320))
    content_hash: Mapped[str] = mapped_column(String(64))


class Label(IdMixin, TimestampMixin, Base):
    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("prompt_id", "name"),)

    prompt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelEvent(IdMixin, TimestampMixin, Base):
    """One move of a label: from which version to which (None when created or removed), by whom."""

    __tablename__ = "label_event"

    prompt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    from_version: Mapped[int | None]
    to_version: Mapped[int | None]
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_api_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(320))
