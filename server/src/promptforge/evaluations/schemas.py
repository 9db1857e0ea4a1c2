"""Request and response bodies of evaluations and their results.

Assertions arrive as raw dicts and are validated by evaluations/assertions/spec.py (promptfoo's
shapes are too varied for one pydantic model: `value` is a string, a list, a JSON Schema or a
rubric), so a bad one is a 422 naming `assertions[i].field` all the same.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from promptforge.core.schemas import Schema
from promptforge.prompts.names import PROMPT_NAME
from promptforge.runs.schemas import PromptRef, RunParams

MAX_VARIANTS = 8
MAX_CONCURRENCY = 50
MAX_ASSERTIONS = 50

EvaluationStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
ResultStatus = Literal["passed", "failed", "error"]
VariantName = Annotated[str, Field(min_length=1, max_length=100)]


class DatasetRef(Schema):
    name: str = Field(pattern=PROMPT_NAME)
    version: int | None = Field(default=None, ge=0, description="Default: the dataset's current version")


class ModelRef(Schema):
    """A provider connection of the project and a model on it (judges, embeddings)."""

    provider_id: uuid.UUID
    model: str = Field(min_length=1, max_length=200)


class VariantCreate(Schema):
    name: VariantName = Field(description="Unique in the evaluation; results name their variant by it")
    prompt: PromptRef = Field(description="A label (resolved to a version at creation) or a version")
    provider_id: uuid.UUID
    model: str | None = Field(
        default=None, max_length=200, description="Default: the version's model_config, then the provider's"
    )
    params: RunParams = Field(default_factory=RunParams)

    @model_validator(mode="after")
    def _label_or_version(self) -> VariantCreate:
        if self.prompt.label is not None and self.prompt.version is not None:
            raise ValueError("give either prompt.label or prompt.version, not both")
        return self


class EvaluationCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    dataset: DatasetRef
    variants: list[VariantCreate] = Field(min_length=1, max_length=MAX_VARIANTS)
    assertions: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=MAX_ASSERTIONS,
        description="promptfoo assertions: {type, value, threshold, weight, metric, provider}; "
        "may be empty when the items carry their own",
    )
    grader: ModelRef | None = Field(
        default=None,
        description="Grades items whose `expected` is a model-graded shorthand (`llm-rubric: …`, "
        "`similar: …`); default: the first variant's provider and model",
    )
    concurrency: int = Field(default=10, ge=1, le=MAX_CONCURRENCY, description="Provider calls in flight")
    pass_threshold: float = Field(
        default=1.0, ge=0, le=1, description="The evaluation passes when every variant's pass rate reaches it"
    )

    @model_validator(mode="after")
    def _unique_variant_names(self) -> EvaluationCreate:
        names = [v.name for v in self.variants]
        if len(set(names)) != len(names):
            raise ValueError("variant names must be unique")
        return self


class Progress(Schema):
    done: int
    total: int
    passed: int
    failed: int
    errors: int


class DatasetPin(Schema):
    id: uuid.UUID | None = Field(description="None once the dataset was deleted")
    name: str
    version: int


class ResolvedPrompt(Schema):
    name: str
    version: int = Field(description="The version run (a label is resolved at creation)")
    label: str | None = Field(description="The label asked for, if any")


class Variant(Schema):
    name: str
    prompt: ResolvedPrompt
    provider_id: uuid.UUID | None
    provider_name: str
    model: str
    params: dict[str, Any]
    summary: dict[str, Any] | None = Field(description="Written when the run ends (see docs/evaluations.md)")


class Evaluation(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    status: EvaluationStatus
    dataset: DatasetPin
    variants: list[Variant]
    assertions: list[dict[str, Any]]
    grader: ModelRef | None
    concurrency: int
    pass_threshold: float
    progress: Progress
    passed: bool | None = Field(
        description="Every variant's pass rate >= pass_threshold; null until completed"
    )
    summary: dict[str, Any] | None
    message: str | None = Field(description="Why the evaluation failed")
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ResultAssertion(Schema):
    type: str
    passed: bool
    score: float
    reason: str
    metric: str | None = None
    weight: float = 1.0
    error: bool = False


class ResultTokens(Schema):
    input: int | None
    output: int | None


class Result(Schema):
    item_id: uuid.UUID
    variant: str
    input: dict[str, Any]
    expected: Any | None
    output: str | None
    status: ResultStatus
    passed: bool
    score: float | None
    assertions: list[ResultAssertion]
    latency_ms: int | None
    tokens: ResultTokens
    cost_usd: float | None
    grading_cost_usd: float | None
    error: dict[str, Any] | None


# --- compare (GET .../evaluations/{id}/compare?against=) ------------------------------------------


class CompareCounts(Schema):
    regressions: int = Field(description="Cells that passed in `against` and do not pass now")
    fixes: int = Field(description="Cells that did not pass in `against` and pass now")
    unchanged: int = Field(description="Matched cells whose passing did not change")
    unmatched: int = Field(description="Cells of either evaluation without a counterpart (item id + variant)")


class CompareSide(Schema):
    status: ResultStatus
    score: float | None
    output: str | None


class FailedAssertion(Schema):
    type: str
    reason: str


class CompareChange(Schema):
    item_id: uuid.UUID
    variant: str
    input: dict[str, Any]
    before: CompareSide = Field(description="The cell in `against`")
    after: CompareSide = Field(description="The cell in this evaluation")
    failed_assertions: list[FailedAssertion] = Field(description="What did not pass now")


class FigureChange(Schema):
    before: float | None
    after: float | None
    delta: float | None = Field(description="after - before; null when either is unknown")


class VariantChanges(Schema):
    variant: str
    changes: dict[str, FigureChange] = Field(
        description="Every summary figure: pass_rate, mean_score, results, passed, failed, errors, "
        "latency_p50_ms, latency_p95_ms, latency_mean_ms, input_tokens, output_tokens, cost_usd, "
        "grading_cost_usd"
    )


class Comparison(Schema):
    evaluation_id: uuid.UUID
    against_id: uuid.UUID
    counts: CompareCounts
    regressions: list[CompareChange] = Field(description="The first 200, in matrix order")
    fixes: list[CompareChange] = Field(description="The first 200, in matrix order")
    variants: list[VariantChanges]


# --- estimate (POST .../evaluations/estimate) -----------------------------------------------------


class VariantEstimate(Schema):
    name: str
    model: str = Field(description="The model the variant would run (resolved like at creation)")
    calls: int = Field(description="Provider calls of this variant: one per item")
    input_tokens_per_call: int | None = Field(
        description="Mean prompt tokens over the sampled items (about 4 characters a token); "
        "null when none of them renders"
    )
    output_tokens_per_call: int = Field(description="The variant's max_tokens, else a default of 256")
    price_known: bool = Field(description="The model has a price (the connection's or the shipped table's)")
    estimated_cost_usd: float | None = Field(description="null when the price or the tokens are unknown")


class EvaluationEstimate(Schema):
    items: int = Field(description="Items at the pinned dataset version")
    dataset_version: int
    calls: int = Field(description="Every provider call: items x variants, plus the judges' and embeddings'")
    grading_calls: int = Field(
        description="Of `calls`, those of llm-rubric and similar assertions (not priced)"
    )
    sampled_items: int = Field(description="Items rendered to estimate the prompt tokens (at most 20)")
    variants: list[VariantEstimate]
    estimated_cost_usd: float | None = Field(
        description="Sum of the variants' estimates; null when one of them is unknown"
    )
