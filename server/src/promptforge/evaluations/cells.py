"""One cell of an evaluation: render a variant's prompt version with an item's input, call the
model, grade the answer. Everything that can go wrong with one cell (the template, the provider,
the item's own assertions) becomes that cell's `error` result; the evaluation goes on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select

from promptforge.core.db import utcnow, uuid7
from promptforge.core.errors import AppError
from promptforge.core.resources import Resources
from promptforge.datasets.schemas import DatasetItem
from promptforge.evaluations.assertions.grading import Case, grade_case
from promptforge.evaluations.assertions.spec import AssertionSpec, ProviderRef
from promptforge.evaluations.model_calls import EvalModelCalls
from promptforge.evaluations.models import EvaluationVariant
from promptforge.prompts.models import Prompt, PromptVersion
from promptforge.prompts.rendering.renderer import TemplateSource
from promptforge.prompts.resolve import Selector, build_payload
from promptforge.providers.adapters import as_messages
from promptforge.runs.storable import storable

log = structlog.get_logger("promptforge.evaluations")
IncludeKey = tuple[str, str | None, int | None]


@dataclass(frozen=True)
class VariantPlan:
    """A variant as the job runs it; `source` None: its prompt version was deleted since."""

    id: uuid.UUID
    position: int
    name: str
    source: TemplateSource | None
    ref: ProviderRef | None  # None: its provider connection was deleted since
    params: dict[str, Any]


@dataclass(frozen=True)
class ItemPlan:
    """A dataset item with its own assertions parsed once for all variants (or why they are invalid)."""

    item: DatasetItem
    position: int
    specs: list[AssertionSpec]
    threshold: float | None
    problem: str | None = None


@dataclass(frozen=True)
class Cell:
    item: ItemPlan
    variant: VariantPlan


async def load_variant_plans(
    resources: Resources, project_id: uuid.UUID, variants: list[EvaluationVariant]
) -> list[VariantPlan]:
    """The pinned prompt versions (archived prompts included: the evaluation pinned them)."""
    plans = []
    async with resources.sessionmaker() as session:
        for variant in variants:
            found = (
                await session.execute(
                    select(Prompt.kind, PromptVersion.template, PromptVersion.variables)
                    .join(PromptVersion, PromptVersion.prompt_id == Prompt.id)
                    .where(
                        Prompt.project_id == project_id,
                        Prompt.name == variant.prompt_name,
                        PromptVersion.number == variant.prompt_version,
                    )
                )
            ).first()
            source = None
            if found is not None:
                kind, template, variables = found
                source = TemplateSource(
                    variant.prompt_name, variant.prompt_version, kind, template, variables
                )
            ref = ProviderRef(variant.provider_id, variant.model) if variant.provider_id else None
            plans.append(VariantPlan(variant.id, variant.position, variant.name, source, ref, variant.params))
    return plans


class CellRunner:
    """Runs cells of one evaluation attempt: shared model calls (and their limiter), include cache."""

    def __init__(
        self,
        resources: Resources,
        evaluation_id: uuid.UUID,
        project_id: uuid.UUID,
        calls: EvalModelCalls,
        specs: list[AssertionSpec],
    ) -> None:
        self.resources = resources
        self.evaluation_id = evaluation_id
        self.project_id = project_id
        self.calls = calls
        self.specs = specs
        # Includes are resolved once per attempt, so every cell of it renders the same text.
        self._includes: dict[IncludeKey, TemplateSource] = {}

    async def _load_include(self, name: str, label: str | None, version: int | None) -> TemplateSource:
        key = (name, label, version)
        if key not in self._includes:
            async with self.resources.sessionmaker() as session:
                payload = await build_payload(
                    session, self.project_id, name, Selector.parse(label, version, "latest")
                )
            self._includes[key] = payload.source()
        return self._includes[key]

    def _row(self, cell: Cell, **values: Any) -> dict[str, Any]:
        item = cell.item.item
        row = {
            "id": uuid7(),
            "evaluation_id": self.evaluation_id,
            "variant_id": cell.variant.id,
            "variant_position": cell.variant.position,
            "item_id": item.id,
            "item_position": cell.item.position,
            "input": item.input,
            "expected": item.expected,
            "output": None,
            "status": "error",
            "score": None,
            "assertions": [],
            "latency_ms": None,
            "input_tokens": None,
            "output_tokens": None,
            "cost_usd": None,
            "grading_cost_usd": None,
            "error": None,
            "created_at": utcnow(),
        }
        row.update(values)
        return row

    def error_row(self, cell: Cell, code: str, message: str, **values: Any) -> dict[str, Any]:
        return self._row(
            cell, status="error", error={"code": code, "message": storable(message)[:2000]}, **values
        )

    async def run(self, cell: Cell) -> dict[str, Any]:
        """The cell's result row (never raises for what one item or one call can get wrong)."""
        variant, item = cell.variant, cell.item
        if item.problem is not None:
            return self.error_row(cell, "invalid_item_assertions", item.problem)
        if variant.source is None:
            return self.error_row(
                cell, "prompt_version_gone", "The prompt version this variant pinned was deleted."
            )
        if variant.ref is None:
            return self.error_row(cell, "provider_gone", "The variant's provider connection was deleted.")
        try:
            rendered = await self.resources.renderer.render(
                variant.source, item.item.input, self._load_include
            )
        except AppError as exc:
            return self.error_row(cell, "render_failed", exc.detail)
        messages = as_messages(variant.source.kind, storable(rendered.text), storable(rendered.messages))
        try:
            answer = await self.calls.complete(variant.ref, messages, variant.params)
        except AppError as exc:
            return self.error_row(cell, exc.code, exc.detail)
        output = storable(answer.text)
        call = {
            "output": output,
            "latency_ms": answer.latency_ms,
            "input_tokens": answer.input_tokens,
            "output_tokens": answer.output_tokens,
            "cost_usd": answer.cost_usd,
        }
        case = Case(
            output=output,
            variables=item.item.input,
            expected=item.item.expected,
            latency_ms=answer.latency_ms,
            cost_usd=answer.cost_usd,
        )
        grade = await grade_case(
            [*self.specs, *item.specs], case, item.threshold, self.calls, self.resources.renderer
        )
        error = None
        if grade.status == "error":  # an assertion could not be evaluated (e.g. its judge failed)
            error = {"code": "assertion_error", "message": storable(grade.reason)[:2000]}
        return self._row(
            cell,
            status=grade.status,
            score=grade.score,
            assertions=[a.as_json() for a in grade.assertions],
            grading_cost_usd=grade.grading_cost_usd,
            error=error,
            **call,
        )
