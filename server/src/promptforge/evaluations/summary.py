"""Per-variant aggregates of an evaluation's results (pass rate, scores, per assertion type and
metric, latency percentiles, tokens, cost), stored on the variants and the evaluation.

One implementation for both backends: results are streamed in batches and counted in Python, so
PostgreSQL and SQLite give the same figures (percentiles interpolate like `percentile_cont`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant
from promptforge.evaluations.queries import iter_result_batches, load_variants

# Decimal places kept for rates, means and costs: floating-point dust (0.30000000000000004) would
# otherwise show in the SPA and in `pf` output.
PRECISION = 10


def percentile(sorted_values: list[int], fraction: float) -> float | None:
    """The `fraction` percentile with linear interpolation (PostgreSQL's percentile_cont)."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    low_value, high_value = sorted_values[low], sorted_values[high]
    return float(low_value + (high_value - low_value) * (position - low))


def _rate(passed: int, total: int) -> float:
    return round(passed / total, PRECISION) if total else 0.0


def _mean(total: float, count: int) -> float | None:
    return round(total / count, PRECISION) if count else None


@dataclass
class _Tally:
    """Passed/total counts and a score sum: one assertion type or one metric."""

    passed: int = 0
    total: int = 0
    score_sum: float = 0.0

    def add(self, passed: bool, score: float) -> None:
        self.total += 1
        self.passed += int(passed)
        self.score_sum += score


@dataclass
class VariantTally:
    """Everything a variant's summary needs, accumulated one result at a time."""

    name: str
    results: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    score_sum: float = 0.0
    scored: int = 0
    latencies: list[int] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    grading_cost: float | None = None
    by_type: dict[str, _Tally] = field(default_factory=dict)
    by_metric: dict[str, _Tally] = field(default_factory=dict)

    def add(self, result: EvaluationResult) -> None:
        self.results += 1
        if result.status == "passed":
            self.passed += 1
        elif result.status == "failed":
            self.failed += 1
        else:
            self.errors += 1
        if result.status != "error" and result.score is not None:
            self.score_sum += result.score
            self.scored += 1
        if result.latency_ms is not None:
            self.latencies.append(result.latency_ms)
        self.input_tokens += result.input_tokens or 0
        self.output_tokens += result.output_tokens or 0
        if result.cost_usd is not None:
            self.cost = (self.cost or 0.0) + result.cost_usd
        if result.grading_cost_usd is not None:
            self.grading_cost = (self.grading_cost or 0.0) + result.grading_cost_usd
        for assertion in result.assertions or []:
            self._add_assertion(assertion)

    def _add_assertion(self, assertion: dict[str, Any]) -> None:
        # An assertion that could not be evaluated (error) counts as not passed, like in promptfoo.
        passed = bool(assertion.get("passed")) and not assertion.get("error")
        score = float(assertion.get("score") or 0.0)
        kind = str(assertion.get("type", "unknown"))
        self.by_type.setdefault(kind, _Tally()).add(passed, score)
        metric = assertion.get("metric")
        if metric:
            self.by_metric.setdefault(str(metric), _Tally()).add(passed, score)

    def summary(self) -> dict[str, Any]:
        """The variant summary dict (keys documented in docs/evaluations.md, read by the SPA and `pf`)."""
        latencies = sorted(self.latencies)
        return {
            "variant": self.name,
            "results": self.results,
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "pass_rate": _rate(self.passed, self.results),
            "mean_score": _mean(self.score_sum, self.scored),
            "assertions": [
                {"type": kind, "passed": t.passed, "total": t.total, "pass_rate": _rate(t.passed, t.total)}
                for kind, t in self.by_type.items()
            ],
            "metrics": {
                name: {
                    "passed": t.passed,
                    "total": t.total,
                    "pass_rate": _rate(t.passed, t.total),
                    "mean_score": _mean(t.score_sum, t.total),
                }
                for name, t in self.by_metric.items()
            },
            "latency_ms": {
                "p50": percentile(latencies, 0.5),
                "p95": percentile(latencies, 0.95),
                "mean": _mean(float(sum(latencies)), len(latencies)),
            },
            "tokens": {"input": self.input_tokens, "output": self.output_tokens},
            "cost_usd": None if self.cost is None else round(self.cost, PRECISION),
            "grading_cost_usd": None if self.grading_cost is None else round(self.grading_cost, PRECISION),
        }


async def compute_summaries(
    session: AsyncSession, evaluation: Evaluation, variants: list[EvaluationVariant]
) -> list[dict[str, Any]]:
    """Every variant's summary (in position order) from the results written so far."""
    tallies = {v.position: VariantTally(v.name) for v in variants}
    async for batch in iter_result_batches(session, evaluation.id):
        for result in batch:
            tally = tallies.get(result.variant_position)
            if tally is not None:
                tally.add(result)
    return [tallies[v.position].summary() for v in variants]


async def write_summary(session: AsyncSession, evaluation: Evaluation) -> None:
    """Store every variant's summary and the evaluation's; decide `passed` once completed.

    `passed` is true when every variant's pass rate reaches `pass_threshold`; it stays None unless
    the evaluation completed (a cancelled or failed run proves nothing). Does not commit.
    """
    variants = await load_variants(session, evaluation.id)
    summaries = await compute_summaries(session, evaluation, variants)
    for variant, summary in zip(variants, summaries, strict=True):
        variant.summary = summary
    evaluation.summary = {"variants": summaries}
    if evaluation.status == "completed":
        evaluation.passed = all(s["pass_rate"] >= evaluation.pass_threshold for s in summaries)
    else:
        evaluation.passed = None
    await session.flush()
