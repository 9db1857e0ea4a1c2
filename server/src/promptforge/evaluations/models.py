"""Evaluations: a pinned dataset version x prompt variants, graded by assertions, one result per
(item, variant).

What an evaluation ran is copied onto its rows (dataset name and version, each variant's resolved
prompt version, provider name, model, each result's input and expected), so an evaluation stays
readable and comparable after its dataset, prompt or provider connection changes or is deleted.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin

STATUSES = ("queued", "running", "completed", "failed", "cancelled")
FINISHED = ("completed", "failed", "cancelled")
RESULT_STATUSES = ("passed", "failed", "error")


class Evaluation(IdMixin, TimestampMixin, Base):
    __tablename__ = "evaluation"
    __table_args__ = (Index("ix_evaluation_project_id_id", "project_id", "id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("dataset.id", ondelete="SET NULL"), index=True
    )
    dataset_name: Mapped[str] = mapped_column(String(128))
    dataset_version: Mapped[int]  # pinned at creation
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # The evaluation-level assertions as validated (normalized raw dicts; templates unrendered).
    assertions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The model that grades model-graded `__expected` shorthands ({provider_id, model}) or None.
    grader: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    concurrency: Mapped[int] = mapped_column(default=10)
    pass_threshold: Mapped[float] = mapped_column(Float, default=1.0)
    # progress: results written so far (total = items x variants, fixed at creation)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    passed_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    # every variant's pass rate >= pass_threshold; None until completed
    passed: Mapped[bool | None]
    # Aggregates written when the run ends (evaluations/summary.py); None before.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)  # why it failed
    # Changed by every attempt of the job that starts: writes of an older attempt still running
    # (a worker presumed dead) find another token and are dropped.
    # With sharding it is the run's *generation*: set when a run (or retry-errors) starts, cleared
    # when it wraps up; each shard has its own token in `shards` (evaluations/shards.py).
    attempt_token: Mapped[uuid.UUID | None]
    # {count, tokens: {shard: token hex | null}, finished: [shard, ...]} of the running generation.
    shards: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_key.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(320))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class EvaluationVariant(IdMixin, Base):
    """One column of the matrix: a resolved prompt version on a provider connection and model."""

    __tablename__ = "evaluation_variant"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "position"),
        UniqueConstraint("evaluation_id", "name"),
        Index("ix_evaluation_variant_project_id_prompt_name", "project_id", "prompt_name"),
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    position: Mapped[int]  # 0..7, the order given at creation
    name: Mapped[str] = mapped_column(String(100))
    prompt_name: Mapped[str] = mapped_column(String(128))
    prompt_version: Mapped[int]  # resolved at creation
    prompt_label: Mapped[str | None] = mapped_column(String(64))  # the label asked for, if any
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider_connection.id", ondelete="SET NULL")
    )
    provider_name: Mapped[str] = mapped_column(String(64))
    provider_kind: Mapped[str] = mapped_column(String(24))
    model: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # written when the run ends


class EvaluationResult(IdMixin, TimestampMixin, Base):
    """One cell: a dataset item run on a variant and graded. Written once (unique per cell)."""

    __tablename__ = "evaluation_result"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "item_id", "variant_position"),
        Index("ix_evaluation_result_page", "evaluation_id", "item_position", "variant_position"),
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"))
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluation_variant.id", ondelete="CASCADE"))
    variant_position: Mapped[int]
    item_id: Mapped[uuid.UUID]  # the dataset item's stable identity
    item_position: Mapped[int]  # the item's place in the pinned dataset version (matrix row order)
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    expected: Mapped[Any | None] = mapped_column(JSON)
    output: Mapped[str | None] = mapped_column(Text)  # never trimmed
    status: Mapped[str] = mapped_column(String(8))  # passed|failed|error
    score: Mapped[float | None] = mapped_column(Float)
    # per assertion: {type, passed, score, reason, metric, weight, error}
    assertions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    latency_ms: Mapped[int | None]
    input_tokens: Mapped[int | None]
    output_tokens: Mapped[int | None]
    cost_usd: Mapped[float | None] = mapped_column(Float)  # the variant's call
    grading_cost_usd: Mapped[float | None] = mapped_column(Float)  # judges and embeddings
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {code, message} when status is error
