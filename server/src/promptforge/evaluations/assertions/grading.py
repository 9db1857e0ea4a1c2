"""Grading one output: render each assertion's value, run its family, score like promptfoo.

Scoring (docs/evaluations.md, "Scoring"): each assertion gives pass and a score in [0, 1]; the
grade's score is the weighted mean; it passes when no assertion failed, unless a threshold is set,
which then decides alone (score ≥ threshold). Weight 0 is informational: it never fails, errors
or moves the score. assert-set is the same rule one level down, with its own threshold. An
assertion that cannot be evaluated is an error, and any error makes the grade an error.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from promptforge.core.errors import AppError, NotFound
from promptforge.evaluations.assertions import distance, metrics, structured, text
from promptforge.evaluations.assertions.model_graded import ModelGrader, check_llm_rubric, check_similar
from promptforge.evaluations.assertions.outcome import PASSED, Outcome
from promptforge.evaluations.assertions.spec import (
    ASSERT_SET,
    DEFAULT_LEVENSHTEIN_THRESHOLD,
    DEFAULT_ROUGE_THRESHOLD,
    DEFAULT_SIMILAR_THRESHOLD,
    DISTANCE_TYPES,
    STRUCTURED_TYPES,
    TEXT_TYPES,
    AssertionSpec,
    has_template,
)
from promptforge.prompts.rendering.renderer import Renderer, TemplateSource

__all__ = ["AssertionResult", "Case", "Grade", "ModelGrader", "grade_case"]

# Checks on more text than this (output + value) run in a worker thread: levenshtein, rouge,
# JSON parsing and schema validation of a 1 MB output take tens to hundreds of milliseconds.
INLINE_CHARS = 20_000
ALL_PASSED = "All assertions passed"


@dataclass
class Case:
    """What is graded: the output (as the model wrote it) and the item it answers."""

    output: str
    variables: dict[str, Any]
    expected: Any
    latency_ms: int | None
    cost_usd: float | None


@dataclass
class AssertionResult:
    type: str
    passed: bool
    score: float
    reason: str
    metric: str | None
    weight: float
    error: bool
    children: list[AssertionResult] = field(default_factory=list)  # an assert-set's own results

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "passed": self.passed,
            "score": self.score,
            "reason": self.reason,
            "metric": self.metric,
            "weight": self.weight,
            "error": self.error,
        }
        if self.children:
            data["children"] = [child.as_json() for child in self.children]
        return data


@dataclass
class Grade:
    status: Literal["passed", "failed", "error"]
    score: float
    assertions: list[AssertionResult]
    grading_cost_usd: float | None  # judge and embedding calls; None when a price is unknown
    reason: str  # the first error's (or failure's) reason; "" when passed


@dataclass
class _Costs:
    total: float = 0.0
    unknown: bool = False

    def add(self, outcome: Outcome) -> None:
        if outcome.model_calls:
            if outcome.cost_usd is None:
                self.unknown = True
            else:
                self.total += outcome.cost_usd


async def _no_includes(name: str, label: str | None, version: int | None) -> TemplateSource:
    raise NotFound("prompt(...) includes are not available in assertion values.")


async def _render_text(renderer: Renderer, value: str, variables: dict[str, Any]) -> str:
    if not has_template(value):
        return value
    source = TemplateSource(name="(assertion)", version=0, kind="text", template=value, variables=None)
    return (await renderer.render(source, variables, _no_includes)).text or ""


async def _rendered(renderer: Renderer, value: Any, variables: dict[str, Any]) -> Any:
    """A value with its templates rendered: a string, or the strings of a list (promptfoo's rule)."""
    if isinstance(value, str):
        return await _render_text(renderer, value, variables)
    if isinstance(value, list):
        return [await _render_text(renderer, v, variables) if isinstance(v, str) else v for v in value]
    return value


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(len(v) if isinstance(v, str) else 16 for v in value)
    return 0


def _deterministic(spec: AssertionSpec, output: str, value: Any) -> Outcome:
    base, negate = spec.base, spec.negate
    if base in TEXT_TYPES:
        return text.check_text(base, output, value, negate)
    if base == "is-json":
        return structured.check_is_json(output, value, negate)
    if base == "contains-json":
        return structured.check_contains_json(output, value, negate)
    if base == "levenshtein":
        threshold = DEFAULT_LEVENSHTEIN_THRESHOLD if spec.threshold is None else spec.threshold
        return distance.check_levenshtein(output, text.as_text(value), threshold, negate)
    threshold = DEFAULT_ROUGE_THRESHOLD if spec.threshold is None else spec.threshold
    return distance.check_rouge(output, text.as_text(value), threshold, negate)


async def _outcome(
    spec: AssertionSpec, case: Case, grader: ModelGrader, renderer: Renderer, variables: dict[str, Any]
) -> Outcome:
    base = spec.base
    if base == "latency":
        assert spec.threshold is not None  # required by parse_assertions
        return metrics.check_latency(case.latency_ms, spec.threshold, spec.negate)
    if base == "cost":
        assert spec.threshold is not None
        return metrics.check_cost(case.cost_usd, spec.threshold, spec.negate)
    try:
        value = await _rendered(renderer, spec.value, variables)
    except AppError as exc:
        return Outcome.failed_to_evaluate(f"The assertion's value could not be rendered: {exc.detail}")
    if base == "llm-rubric":
        assert spec.provider is not None
        return await check_llm_rubric(
            grader, spec.provider, case.output, text.as_text(value), spec.threshold, spec.negate
        )
    if base == "similar":
        assert spec.provider is not None
        values = [text.as_text(v) for v in value] if isinstance(value, list) else [text.as_text(value)]
        threshold = DEFAULT_SIMILAR_THRESHOLD if spec.threshold is None else spec.threshold
        return await check_similar(grader, spec.provider, case.output, values, threshold, spec.negate)
    if base not in TEXT_TYPES | STRUCTURED_TYPES | DISTANCE_TYPES:
        return Outcome.failed_to_evaluate(f"Unknown assertion type '{spec.type}'.")
    if len(case.output) + _size(value) > INLINE_CHARS:
        return await asyncio.to_thread(_deterministic, spec, case.output, value)
    return _deterministic(spec, case.output, value)


def _bounded(score: float) -> float:
    return min(1.0, max(0.0, score)) if math.isfinite(score) else 0.0


@dataclass
class _Tally:
    status: Literal["passed", "failed", "error"]
    score: float
    reason: str


def _tally(results: list[AssertionResult], threshold: float | None) -> _Tally:
    """promptfoo's AssertionsResult, with weight 0 left out and errors apart from failures."""
    counted = [r for r in results if r.weight > 0]
    total_weight = sum(r.weight for r in counted)
    # nothing counted (no assertions, or only weight 0): promptfoo's "No assertions" scores 1
    score = sum(r.score * r.weight for r in counted) / total_weight if total_weight > 0 else 1.0
    errors = [r for r in counted if r.error]
    if errors:
        return _Tally("error", score, errors[0].reason)
    if threshold is not None:
        if score >= threshold:
            return _Tally("passed", score, "")
        return _Tally("failed", score, f"Aggregate score {score:.2f} < {threshold:g} threshold")
    failures = [r for r in counted if not r.passed]
    return _Tally("failed", score, failures[0].reason) if failures else _Tally("passed", score, "")


async def _evaluate(
    spec: AssertionSpec,
    case: Case,
    grader: ModelGrader,
    renderer: Renderer,
    variables: dict[str, Any],
    costs: _Costs,
) -> AssertionResult:
    if spec.base == ASSERT_SET:
        children = await _evaluate_all(list(spec.children), case, grader, renderer, variables, costs)
        tally = _tally(children, spec.threshold)
        passed = tally.status == "passed" or spec.weight == 0
        return AssertionResult(
            spec.type,
            passed,
            tally.score,
            ALL_PASSED if tally.status == "passed" else tally.reason,
            spec.metric,
            spec.weight,
            tally.status == "error",
            children,
        )
    outcome = await _outcome(spec, case, grader, renderer, variables)
    costs.add(outcome)
    passed = (outcome.passed and not outcome.error) or spec.weight == 0  # weight 0 never fails
    reason = outcome.reason if not outcome.passed or outcome.error else (outcome.reason or PASSED)
    return AssertionResult(
        spec.type, passed, _bounded(outcome.score), reason, spec.metric, spec.weight, outcome.error
    )


async def _evaluate_all(
    specs: list[AssertionSpec],
    case: Case,
    grader: ModelGrader,
    renderer: Renderer,
    variables: dict[str, Any],
    costs: _Costs,
) -> list[AssertionResult]:
    # concurrently: a case with two model-graded assertions waits for the slower call, not both
    return list(
        await asyncio.gather(*(_evaluate(s, case, grader, renderer, variables, costs) for s in specs))
    )


async def grade_case(
    specs: list[AssertionSpec], case: Case, threshold: float | None, grader: ModelGrader, renderer: Renderer
) -> Grade:
    """Grade one output against the assertions; `threshold` is the item's (promptfoo's test threshold)."""
    variables = dict(case.variables)
    if case.expected is not None:
        variables["expected"] = case.expected
    costs = _Costs()
    results = await _evaluate_all(specs, case, grader, renderer, variables, costs)
    tally = _tally(results, threshold)
    return Grade(
        status=tally.status,
        score=tally.score,
        assertions=results,
        grading_cost_usd=None if costs.unknown else round(costs.total, 10),
        reason=tally.reason,
    )
