"""Runs (playground and gateway): what was sent to which model, what came back, and what it cost."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin


class Run(IdMixin, TimestampMixin, Base):
    __tablename__ = "run"
    __table_args__ = (Index("ix_run_project_id_prompt_name", "project_id", "prompt_name"),)

    # the (project_id, prompt_name) index also serves the plain per-project listing
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    # None for an unsaved draft template
    prompt_name: Mapped[str | None] = mapped_column(String(128))
    prompt_version: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(8))
    template: Mapped[Any | None] = mapped_column(JSON)  # the draft's template (None for saved prompts)
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider_connection.id", ondelete="SET NULL"), index=True
    )
    provider_name: Mapped[str] = mapped_column(String(64))
    provider_kind: Mapped[str] = mapped_column(String(24))
    model: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    variables: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    input: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"text": ...} or {"messages": [...]}
    output: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    # who started it: the playground / runs API, or the OpenAI-compatible gateway
    source: Mapped[str] = mapped_column(String(16), default="playground", server_default="playground")
    stream: Mapped[bool] = mapped_column(default=False)
    input_tokens: Mapped[int | None]
    output_tokens: Mapped[int | None]
    cost_usd: Mapped[float | None] = mapped_column(Float)
    latency_ms: Mapped[int | None]
    time_to_first_token_ms: Mapped[int | None]
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_key.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(320))
    finished_at: Mapped[datetime | None]
