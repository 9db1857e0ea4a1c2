"""Request and response bodies of deploy policies and deployments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from promptforge.core.schemas import INT32_MAX, Schema
from promptforge.prompts.names import LABEL_NAME

MAX_GATED_LABELS = 20
DeploymentStatus = Literal["pending", "approved", "rejected", "deployed", "superseded"]
GateFailure = Literal["no_evaluation", "pass_rate_too_low", "evaluation_too_old"]


class EvaluationRule(Schema):
    """A completed evaluation of the target version on this dataset, at least this good, this recent."""

    dataset: str = Field(min_length=1, max_length=128, description="Dataset name in the project")
    dataset_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="Pinned dataset version (null: its current version)"
    )
    min_pass_rate: float = Field(ge=0, le=1, description="Least pass rate of the variant (0..1)")
    max_age_hours: int | None = Field(
        default=None, ge=1, le=8760, description="The evaluation finished at most this long ago"
    )


class LabelGate(Schema):
    """What moving one label needs."""

    require_evaluation: EvaluationRule | None = None
    require_approval: bool = Field(default=False, description="A second admin or owner approves the move")
    allow_rollback: bool = Field(
        default=True, description="Moving back to a version this label had before skips the evaluation"
    )


GatedLabel = Annotated[str, Field(pattern=LABEL_NAME)]


class DeployPolicyUpdate(Schema):
    labels: dict[GatedLabel, LabelGate] = Field(
        default_factory=dict, max_length=MAX_GATED_LABELS, description="Gate per label (at most 20)"
    )

    @field_validator("labels")
    @classmethod
    def _no_latest(cls, value: dict[str, LabelGate]) -> dict[str, LabelGate]:
        if "latest" in value:
            raise ValueError("'latest' is implicit and cannot be gated")
        return value


class DeployPolicy(Schema):
    labels: dict[str, LabelGate]
    updated_at: datetime | None
    updated_by: str | None


class Deployment(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    prompt: str
    label: str
    from_version: int | None
    to_version: int
    status: DeploymentStatus
    rollback: bool
    evaluation_id: uuid.UUID | None
    requested_by: str = Field(description="The user's email or `api_key:<name>`")
    requested_by_user_id: uuid.UUID | None
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None


class DeploymentDecision(Schema):
    comment: str | None = Field(default=None, max_length=1000)


class BestEvaluation(Schema):
    id: uuid.UUID
    pass_rate: float
    dataset_version: int
    finished_at: datetime | None
    url: str = Field(description="The evaluation's API path (its results are under it).")
