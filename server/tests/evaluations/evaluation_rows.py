"""Test data for the read side: evaluations, variants and results inserted straight into the
database (as the job would write them), so reading can be tested without running providers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from promptforge.core.db import utcnow
from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant

# Stable item ids shared by every evaluation of a test, so two evaluations can be compared.
ITEM_IDS = [uuid.UUID(int=i + 1) for i in range(1000)]


@dataclass
class Cell:
    """One result: item `item` (position) on variant `variant` (position)."""

    item: int
    variant: int
    status: str = "passed"
    score: float | None = 1.0
    output: str | None = "ok"
    assertions: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: int | None = 100
    input_tokens: int | None = 10
    output_tokens: int | None = 5
    cost_usd: float | None = 0.001
    grading_cost_usd: float | None = None
    error: dict[str, Any] | None = None
    input: dict[str, Any] | None = None
    expected: Any = None


def assertion(
    kind: str,
    passed: bool,
    *,
    score: float | None = None,
    reason: str = "",
    metric: str | None = None,
    error: bool = False,
) -> dict[str, Any]:
    return {
        "type": kind,
        "passed": passed,
        "score": (1.0 if passed else 0.0) if score is None else score,
        "reason": reason or ("Assertion passed" if passed else f"{kind} failed"),
        "metric": metric,
        "weight": 1.0,
        "error": error,
    }


async def insert_evaluation(
    app: FastAPI,
    project_id: str | uuid.UUID,
    cells: list[Cell],
    *,
    name: str = "nightly",
    variants: tuple[str, ...] = ("a", "b"),
    status: str = "completed",
    pass_threshold: float = 1.0,
    summary: bool = False,
) -> uuid.UUID:
    """An evaluation of `variants` with the given results; `summary` also writes its summary."""
    from promptforge.evaluations.summary import write_summary

    async with app.state.sessionmaker() as session:
        evaluation = Evaluation(
            project_id=uuid.UUID(str(project_id)),
            name=name,
            dataset_id=None,
            dataset_name="qa",
            dataset_version=1,
            status=status,
            assertions=[{"type": "icontains", "value": "ok"}],
            grader=None,
            concurrency=4,
            pass_threshold=pass_threshold,
            total=len(variants) * (max((c.item for c in cells), default=-1) + 1),
            done=len(cells),
            passed_count=sum(c.status == "passed" for c in cells),
            failed_count=sum(c.status == "failed" for c in cells),
            error_count=sum(c.status == "error" for c in cells),
            passed=None,
            summary=None,
            created_by="tester@example.com",
            started_at=utcnow(),
            finished_at=utcnow() if status in ("completed", "failed", "cancelled") else None,
        )
        session.add(evaluation)
        await session.flush()
        rows = []
        for position, variant_name in enumerate(variants):
            variant = EvaluationVariant(
                evaluation_id=evaluation.id,
                project_id=evaluation.project_id,
                position=position,
                name=variant_name,
                prompt_name="support-answer",
                prompt_version=position + 1,
                prompt_label=None,
                provider_id=None,
                provider_name="fake",
                provider_kind="openai",
                model="gpt-4o-mini",
                params={},
                summary=None,
            )
            session.add(variant)
            rows.append(variant)
        await session.flush()
        for cell in cells:
            session.add(
                EvaluationResult(
                    evaluation_id=evaluation.id,
                    variant_id=rows[cell.variant].id,
                    variant_position=cell.variant,
                    item_id=ITEM_IDS[cell.item],
                    item_position=cell.item,
                    input=cell.input if cell.input is not None else {"question": f"q{cell.item}"},
                    expected=cell.expected,
                    output=cell.output,
                    status=cell.status,
                    score=cell.score,
                    assertions=cell.assertions,
                    latency_ms=cell.latency_ms,
                    input_tokens=cell.input_tokens,
                    output_tokens=cell.output_tokens,
                    cost_usd=cell.cost_usd,
                    grading_cost_usd=cell.grading_cost_usd,
                    error=cell.error,
                )
            )
        await session.flush()
        if summary:
            await write_summary(session, evaluation)
        await session.commit()
        return evaluation.id
