"""Comparing two evaluations of a project: cells matched by item id and variant name, regressions
and fixes, and the change of every summary figure per variant.

The evaluation in the path is "after" (now); `against` is "before" (the baseline). A regression is
a cell that passed before and does not pass now (failed or error); a fix is the reverse.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from promptforge.auth.principal import Principal
from promptforge.evaluations import schemas
from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant
from promptforge.evaluations.queries import load_evaluation, load_variants
from promptforge.evaluations.result_files import failed_assertions
from promptforge.evaluations.summary import compute_summaries
from promptforge.workspaces.permissions import Action, authorize_project

MAX_LISTED = 200
_Select = TypeVar("_Select", bound=Select[*tuple[Any, ...]])

_After = aliased(EvaluationResult, name="after_result")
_Before = aliased(EvaluationResult, name="before_result")
_AfterVariant = aliased(EvaluationVariant, name="after_variant")
_BeforeVariant = aliased(EvaluationVariant, name="before_variant")


def _matched(stmt: _Select, evaluation_id: uuid.UUID, against_id: uuid.UUID) -> _Select:
    """`stmt` over the cells of both evaluations with the same item id and variant name."""
    return (
        stmt.select_from(_After)
        .join(_AfterVariant, _AfterVariant.id == _After.variant_id)
        .join(
            _BeforeVariant,
            and_(_BeforeVariant.evaluation_id == against_id, _BeforeVariant.name == _AfterVariant.name),
        )
        .join(
            _Before,
            and_(
                _Before.evaluation_id == against_id,
                _Before.item_id == _After.item_id,
                _Before.variant_position == _BeforeVariant.position,  # the unique (evaluation, item, variant)
            ),
        )
        .where(_After.evaluation_id == evaluation_id)
    )


_REGRESSION = and_(_Before.status == "passed", _After.status != "passed")
_FIX = and_(_Before.status != "passed", _After.status == "passed")


async def _counts(
    session: AsyncSession, evaluation_id: uuid.UUID, against_id: uuid.UUID
) -> schemas.CompareCounts:
    matched_stmt = _matched(
        select(
            func.count(),
            func.coalesce(func.sum(case((_REGRESSION, 1), else_=0)), 0),
            func.coalesce(func.sum(case((_FIX, 1), else_=0)), 0),
        ),
        evaluation_id,
        against_id,
    )
    matched, regressions, fixes = (await session.execute(matched_stmt)).one()
    totals = dict(
        (
            await session.execute(
                select(EvaluationResult.evaluation_id, func.count())
                .where(EvaluationResult.evaluation_id.in_([evaluation_id, against_id]))
                .group_by(EvaluationResult.evaluation_id)
            )
        ).all()
    )
    total = totals.get(evaluation_id, 0) + (totals.get(against_id, 0) if against_id != evaluation_id else 0)
    unmatched = total - (matched if against_id == evaluation_id else 2 * matched)
    return schemas.CompareCounts(
        regressions=int(regressions),
        fixes=int(fixes),
        unchanged=int(matched) - int(regressions) - int(fixes),
        unmatched=int(unmatched),
    )


async def _changes(
    session: AsyncSession, evaluation_id: uuid.UUID, against_id: uuid.UUID, *, regressions: bool
) -> list[schemas.CompareChange]:
    stmt = _matched(
        select(_After, _AfterVariant.name, _Before.status, _Before.score, _Before.output),
        evaluation_id,
        against_id,
    )
    stmt = stmt.where(_REGRESSION if regressions else _FIX)
    stmt = stmt.order_by(_After.item_position, _After.variant_position).limit(MAX_LISTED)
    changes = []
    for after, variant, status, score, output in (await session.execute(stmt)).all():
        changes.append(
            schemas.CompareChange(
                item_id=after.item_id,
                variant=variant,
                input=after.input,
                before=schemas.CompareSide(status=status, score=score, output=output),
                after=schemas.CompareSide(status=after.status, score=after.score, output=after.output),
                failed_assertions=[
                    schemas.FailedAssertion(type=str(a.get("type", "?")), reason=str(a.get("reason", "")))
                    for a in failed_assertions(after)
                ],
            )
        )
    return changes


def _figures(summary: dict[str, Any] | None) -> dict[str, float | None]:
    """The numbers of a variant summary, flat (None when the variant is absent or unknown)."""
    s = summary or {}
    latency, tokens = s.get("latency_ms") or {}, s.get("tokens") or {}
    return {
        "pass_rate": s.get("pass_rate"),
        "mean_score": s.get("mean_score"),
        "results": s.get("results"),
        "passed": s.get("passed"),
        "failed": s.get("failed"),
        "errors": s.get("errors"),
        "latency_p50_ms": latency.get("p50"),
        "latency_p95_ms": latency.get("p95"),
        "latency_mean_ms": latency.get("mean"),
        "input_tokens": tokens.get("input"),
        "output_tokens": tokens.get("output"),
        "cost_usd": s.get("cost_usd"),
        "grading_cost_usd": s.get("grading_cost_usd"),
    }


def _change(before: float | None, after: float | None) -> schemas.FigureChange:
    delta = None if before is None or after is None else round(after - before, 10)
    return schemas.FigureChange(before=before, after=after, delta=delta)


async def _summaries(session: AsyncSession, evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    """Variant name -> summary: the stored one, or computed now for a run not finished yet."""
    variants = await load_variants(session, evaluation.id)
    if all(v.summary is not None for v in variants):
        summaries = [v.summary or {} for v in variants]
    else:
        summaries = await compute_summaries(session, evaluation, variants)
    return {v.name: s for v, s in zip(variants, summaries, strict=True)}


async def compare_evaluations(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    against_id: uuid.UUID,
) -> schemas.Comparison:
    """What changed from `against` (before) to this evaluation (after); both in the project, else 404."""
    await authorize_project(session, principal, project_id, Action.READ)
    after = await load_evaluation(session, project_id, evaluation_id)
    before = await load_evaluation(session, project_id, against_id)
    after_summaries, before_summaries = await _summaries(session, after), await _summaries(session, before)
    names = [*after_summaries, *(n for n in before_summaries if n not in after_summaries)]
    variants = []
    for name in names:
        old, new = _figures(before_summaries.get(name)), _figures(after_summaries.get(name))
        changes = {figure: _change(old[figure], new[figure]) for figure in new}
        variants.append(schemas.VariantChanges(variant=name, changes=changes))
    return schemas.Comparison(
        evaluation_id=evaluation_id,
        against_id=against_id,
        counts=await _counts(session, evaluation_id, against_id),
        regressions=await _changes(session, evaluation_id, against_id, regressions=True),
        fixes=await _changes(session, evaluation_id, against_id, regressions=False),
        variants=variants,
    )
