"""Variant summaries (evaluations/summary.py) and the shared loaders (evaluations/queries.py), on
results written straight into the database."""

from __future__ import annotations

import uuid

import pytest
from evaluation_rows import Cell, assertion, insert_evaluation
from fastapi import FastAPI

from conftest import Factory
from promptforge.core.errors import NotFound
from promptforge.evaluations.models import Evaluation
from promptforge.evaluations.queries import (
    evaluation_out,
    iter_result_batches,
    load_evaluation,
    load_variants,
)
from promptforge.evaluations.summary import percentile, write_summary


def mixed_cells() -> list[Cell]:
    """Variant 0: 2 passed, 1 failed, 1 error. Variant 1: all passed, costs unknown."""
    return [
        Cell(0, 0, latency_ms=100, score=1.0, assertions=[assertion("icontains", True, metric="tone")]),
        Cell(
            1,
            0,
            latency_ms=200,
            score=0.5,
            input_tokens=20,
            output_tokens=7,
            assertions=[assertion("icontains", True, metric="tone"), assertion("not-regex", True, score=1.0)],
        ),
        Cell(
            2,
            0,
            status="failed",
            latency_ms=300,
            score=0.0,
            grading_cost_usd=0.01,
            assertions=[assertion("icontains", False, metric="tone"), assertion("not-regex", True)],
        ),
        Cell(
            3,
            0,
            status="error",
            latency_ms=None,
            score=None,
            output=None,
            cost_usd=None,
            input_tokens=None,
            output_tokens=None,
            error={"code": "provider_error", "message": "boom"},
            assertions=[assertion("llm-rubric", False, error=True, reason="judge unreachable")],
        ),
        *[
            Cell(i, 1, latency_ms=50 * (i + 1), cost_usd=None, assertions=[assertion("icontains", True)])
            for i in range(4)
        ],
    ]


async def test_summary_figures_per_variant(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(app, owner.project_id, mixed_cells(), pass_threshold=0.6)
    async with app.state.sessionmaker() as session:
        evaluation = await load_evaluation(session, uuid.UUID(owner.project_id), evaluation_id)
        await write_summary(session, evaluation)
        await session.commit()
    async with app.state.sessionmaker() as session:
        evaluation = await load_evaluation(session, uuid.UUID(owner.project_id), evaluation_id)
        variants = await load_variants(session, evaluation_id)
    first, second = evaluation.summary["variants"]  # type: ignore[index]
    assert variants[0].summary == first and variants[1].summary == second
    assert first == {
        "variant": "a",
        "results": 4,
        "passed": 2,
        "failed": 1,
        "errors": 1,
        "pass_rate": 0.5,
        "mean_score": 0.5,  # (1 + 0.5 + 0) / 3: the error result has no score
        "assertions": [
            {"type": "icontains", "passed": 2, "total": 3, "pass_rate": pytest.approx(2 / 3)},
            {"type": "not-regex", "passed": 2, "total": 2, "pass_rate": 1.0},
            {"type": "llm-rubric", "passed": 0, "total": 1, "pass_rate": 0.0},
        ],
        "metrics": {
            "tone": {
                "passed": 2,
                "total": 3,
                "pass_rate": pytest.approx(2 / 3),
                "mean_score": pytest.approx(2 / 3),
            }
        },
        "latency_ms": {"p50": 200.0, "p95": 290.0, "mean": 200.0},
        "tokens": {"input": 40, "output": 17},
        "cost_usd": pytest.approx(0.003),
        "grading_cost_usd": 0.01,
    }
    assert second["pass_rate"] == 1.0 and second["errors"] == 0
    assert second["cost_usd"] is None and second["grading_cost_usd"] is None  # none known
    assert second["latency_ms"] == {"p50": 125.0, "p95": 192.5, "mean": 125.0}
    # Variant a's 0.5 is below the 0.6 threshold.
    assert evaluation.passed is False


@pytest.mark.parametrize(
    ("status", "threshold", "passed"),
    [
        ("completed", 0.5, True),
        ("completed", 0.51, False),
        ("cancelled", 0.0, None),
        ("failed", 0.0, None),
    ],
)
async def test_passed_only_decided_when_completed(
    app: FastAPI, factory: Factory, status: str, threshold: float, passed: bool | None
) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(
        app, owner.project_id, mixed_cells(), status=status, pass_threshold=threshold, summary=True
    )
    async with app.state.sessionmaker() as session:
        evaluation = await session.get(Evaluation, evaluation_id)
    assert evaluation is not None and evaluation.passed is passed


async def test_variant_without_results(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(
        app, owner.project_id, [Cell(0, 0)], variants=("a", "empty"), status="cancelled", summary=True
    )
    async with app.state.sessionmaker() as session:
        evaluation = await session.get(Evaluation, evaluation_id)
    assert evaluation is not None and evaluation.summary is not None
    empty = evaluation.summary["variants"][1]
    assert empty["variant"] == "empty" and empty["results"] == 0 and empty["pass_rate"] == 0.0
    assert empty["mean_score"] is None and empty["latency_ms"] == {"p50": None, "p95": None, "mean": None}
    assert empty["assertions"] == [] and empty["metrics"] == {} and empty["cost_usd"] is None


def test_percentile_interpolates_like_percentile_cont() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.95) == 7.0
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)


async def test_loaders(app: FastAPI, factory: Factory) -> None:
    owner, stranger = await factory.account(), await factory.account()
    cells = [Cell(i, v) for i in range(7) for v in range(2)]
    evaluation_id = await insert_evaluation(app, owner.project_id, cells, summary=True)
    async with app.state.sessionmaker() as session:
        with pytest.raises(NotFound):
            await load_evaluation(session, uuid.UUID(stranger.project_id), evaluation_id)
        with pytest.raises(NotFound):
            await load_evaluation(session, uuid.UUID(owner.project_id), uuid.uuid4())
        evaluation = await load_evaluation(
            session, uuid.UUID(owner.project_id), evaluation_id, for_update=True
        )
        variants = await load_variants(session, evaluation_id)
        out = evaluation_out(evaluation, variants)
        assert [v.name for v in out.variants] == ["a", "b"]
        assert out.progress.model_dump() == {"done": 14, "total": 14, "passed": 14, "failed": 0, "errors": 0}
        assert out.passed is True and out.variants[0].summary is not None
        # Batches walk the matrix in (item, variant) order whatever the batch size.
        cells_seen = [
            (r.item_position, r.variant_position)
            async for batch in iter_result_batches(session, evaluation_id, batch_size=3)
            for r in batch
        ]
        assert cells_seen == [(c.item, c.variant) for c in cells]
        only_b = [
            r.item_position
            async for batch in iter_result_batches(session, evaluation_id, variant_position=1, batch_size=2)
            for r in batch
        ]
        assert only_b == list(range(7))
