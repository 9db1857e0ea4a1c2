"""The gate on a label move: the project's policy for the label, the rollback rule and the evaluation
rule (a completed evaluation of the target version on the policy's dataset, good and recent enough).

Imported by prompts.service and prompts.portability, so it imports nothing of theirs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.db import utcnow
from promptforge.core.errors import Conflict
from promptforge.datasets.models import Dataset
from promptforge.deployments import schemas
from promptforge.deployments.models import DeployPolicy
from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant
from promptforge.prompts.models import LabelEvent

# The candidate evaluations looked at per check (newest first): enough for any real history.
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class GateDecision:
    """A gated move that may go ahead: whether it is a rollback, the evaluation that let it pass,
    and whether it still needs a second person's approval."""

    gate: schemas.LabelGate
    rollback: bool
    evaluation_id: uuid.UUID | None

    @property
    def require_approval(self) -> bool:
        return self.gate.require_approval


@dataclass(frozen=True)
class _Candidate:
    evaluation_id: uuid.UUID
    dataset_version: int
    finished_at: datetime | None
    pass_rate: float


async def load_policy(session: AsyncSession, project_id: uuid.UUID) -> dict[str, schemas.LabelGate]:
    """The project's gates by label (empty when it has no policy)."""
    policy = await session.get(DeployPolicy, project_id)
    if policy is None:
        return {}
    return {label: schemas.LabelGate.model_validate(gate) for label, gate in policy.labels.items()}


async def _was_deployed_before(
    session: AsyncSession, prompt_id: uuid.UUID | None, label: str, version: int
) -> bool:
    """Whether `label` pointed at `version` at some time (its history of moves)."""
    if prompt_id is None:
        return False
    found = await session.scalar(
        select(LabelEvent.id)
        .where(
            LabelEvent.prompt_id == prompt_id,
            LabelEvent.label == label,
            or_(LabelEvent.to_version == version, LabelEvent.from_version == version),
        )
        .limit(1)
    )
    return found is not None


async def _candidates(
    session: AsyncSession, project_id: uuid.UUID, dataset_id: uuid.UUID, prompt: str, version: int
) -> list[_Candidate]:
    """Each completed evaluation's variant that ran `prompt` version `version` on the dataset."""
    passed = func.coalesce(func.sum(case((EvaluationResult.status == "passed", 1), else_=0)), 0)
    rows = await session.execute(
        select(
            Evaluation.id,
            Evaluation.dataset_version,
            Evaluation.finished_at,
            func.count(EvaluationResult.id),
            passed,
        )
        .join(EvaluationVariant, EvaluationVariant.evaluation_id == Evaluation.id)
        .outerjoin(EvaluationResult, EvaluationResult.variant_id == EvaluationVariant.id)
        .where(
            Evaluation.project_id == project_id,
            Evaluation.dataset_id == dataset_id,
            Evaluation.status == "completed",
            EvaluationVariant.project_id == project_id,
            EvaluationVariant.prompt_name == prompt,
            EvaluationVariant.prompt_version == version,
        )
        .group_by(EvaluationVariant.id, Evaluation.id, Evaluation.dataset_version, Evaluation.finished_at)
        .order_by(Evaluation.finished_at.desc(), Evaluation.id.desc())
        .limit(MAX_CANDIDATES)
    )
    return [
        # errors count as not passed: passed / every cell of the variant
        _Candidate(eid, dv, finished, (int(ok) / total) if total else 0.0)
        for eid, dv, finished, total, ok in rows
    ]


def _best(project_id: uuid.UUID, candidates: list[_Candidate]) -> dict[str, Any] | None:
    """The best candidate as the 409 shows it, with the API link of its evaluation."""
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.pass_rate, c.finished_at.timestamp() if c.finished_at else 0.0))
    return schemas.BestEvaluation(
        id=best.evaluation_id,
        pass_rate=round(best.pass_rate, 4),
        dataset_version=best.dataset_version,
        finished_at=best.finished_at,
        url=f"/api/v1/projects/{project_id}/evaluations/{best.evaluation_id}",
    ).model_dump(mode="json")


def _gate_failed(
    detail: str, reason: str, best: dict[str, Any] | None, rule: schemas.EvaluationRule
) -> Conflict:
    return Conflict(
        detail,
        code="deploy_gate_failed",
        extensions={
            "reason": reason,
            "best_evaluation": best,
            "requirement": rule.model_dump(mode="json"),
        },
    )


def _age_hours(finished_at: datetime | None, now: datetime) -> float:
    return (now - finished_at).total_seconds() / 3600 if finished_at else float("inf")


async def check_evaluation(
    session: AsyncSession,
    project_id: uuid.UUID,
    prompt: str,
    label: str,
    version: int,
    rule: schemas.EvaluationRule,
) -> uuid.UUID:
    """The id of the newest evaluation meeting `rule` for `prompt` version `version`, or a 409
    `deploy_gate_failed` saying what is missing."""
    what = f"Moving label '{label}' of '{prompt}' to version {version} needs"
    dataset = (
        await session.scalars(
            select(Dataset).where(Dataset.project_id == project_id, Dataset.name == rule.dataset)
        )
    ).first()
    if dataset is None:
        raise _gate_failed(
            f"{what} an evaluation on dataset '{rule.dataset}', which no longer exists in this project.",
            "no_evaluation",
            None,
            rule,
        )
    wanted = rule.dataset_version if rule.dataset_version is not None else dataset.version
    found = await _candidates(session, project_id, dataset.id, prompt, version)
    on_version = [c for c in found if c.dataset_version == wanted]
    need = f"{what} a completed evaluation of that version on dataset '{rule.dataset}' version {wanted}"
    if not on_version:
        if found:
            ran = ", ".join(str(v) for v in sorted({c.dataset_version for c in found}))
            detail = f"{need}; its evaluations ran on dataset version {ran} (the dataset version differs)."
        elif wanted == 0:  # a dataset without items has version 0, and nothing can be evaluated on it
            detail = f"{what} an evaluation on dataset '{rule.dataset}', which has no items yet: add some."
        else:
            detail = f"{need}; there is no evaluation of it."
        raise _gate_failed(detail, "no_evaluation", _best(project_id, found), rule)
    now = utcnow()

    def fresh(c: _Candidate) -> bool:
        return rule.max_age_hours is None or _age_hours(c.finished_at, now) <= rule.max_age_hours

    good = [c for c in on_version if c.pass_rate >= rule.min_pass_rate]
    passing = [c for c in good if fresh(c)]
    if passing:
        return passing[0].evaluation_id  # the newest
    if good:  # good enough but too old
        newest = good[0]
        detail = (
            f"{need}, finished within {rule.max_age_hours} h; the newest passing one finished "
            f"{_age_hours(newest.finished_at, now):.0f} h ago (older than {rule.max_age_hours} h)."
        )
        raise _gate_failed(detail, "evaluation_too_old", _best(project_id, good), rule)
    recent = [c for c in on_version if fresh(c)] or on_version
    best = max(recent, key=lambda c: c.pass_rate)
    detail = (
        f"{need} with a pass rate of at least {rule.min_pass_rate:g}; the best has "
        f"pass rate {best.pass_rate:.2f} < {rule.min_pass_rate:g} (evaluation {best.evaluation_id})."
    )
    raise _gate_failed(detail, "pass_rate_too_low", _best(project_id, recent), rule)


async def check_move(
    session: AsyncSession,
    project_id: uuid.UUID,
    prompt_id: uuid.UUID | None,
    prompt: str,
    label: str,
    version: int,
    gates: dict[str, schemas.LabelGate] | None = None,
) -> GateDecision | None:
    """Apply the policy to moving `label` of `prompt` to `version`: None when the label is not gated,
    else the decision (409 `deploy_gate_failed` when the evaluation rule is not met)."""
    if gates is None:
        gates = await load_policy(session, project_id)
    gate = gates.get(label)
    if gate is None:
        return None
    # A move back to a version this label had is a rollback (recorded as one either way); the
    # policy decides whether a rollback skips the evaluation rule.
    rollback = await _was_deployed_before(session, prompt_id, label, version)
    evaluation_id = None
    if gate.require_evaluation is not None and not (rollback and gate.allow_rollback):
        evaluation_id = await check_evaluation(
            session, project_id, prompt, label, version, gate.require_evaluation
        )
    return GateDecision(gate, rollback, evaluation_id)
