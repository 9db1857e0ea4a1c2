"""Evaluations through the API: create (pin everything, queue the job), list, get, cancel and
retry-errors. The run itself is evaluations/job.py; reading results is evaluations/results.py.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.db import after_commit, serialize_writers, utcnow, uuid7
from promptforge.core.errors import Conflict
from promptforge.core.events import publish_event
from promptforge.core.pagination import PageParams, paginate
from promptforge.core.queue import QueueUnavailable
from promptforge.core.resources import Resources
from promptforge.evaluations import schemas
from promptforge.evaluations.assertions.spec import parse_assertions
from promptforge.evaluations.creation import (
    check_assertion_providers,
    pin_dataset,
    provider_of,
    resolve_variant,
)
from promptforge.evaluations.events import CANCELLED, finished_data
from promptforge.evaluations.models import FINISHED, Evaluation, EvaluationResult, EvaluationVariant
from promptforge.evaluations.queries import evaluation_out, load_evaluation, load_variants
from promptforge.evaluations.summary import write_summary
from promptforge.workspaces.audit import actor_label, record_audit
from promptforge.workspaces.permissions import Action, ProjectAccess, authorize_project

EVALUATION_JOB = "evaluation-run"


async def _audit(
    session: AsyncSession, access: ProjectAccess, action: str, row: Evaluation, **data: Any
) -> None:
    await record_audit(
        session,
        access.principal,
        workspace_id=access.project.workspace_id,
        project_id=access.project.id,
        action=action,
        target_type="evaluation",
        target_id=row.id,
        data={"name": row.name, **data},
    )


async def _enqueue(session: AsyncSession, resources: Resources, row: Evaluation, key: str) -> None:
    """Queue the run once its row is committed; an unreachable queue leaves it failed, not queued."""
    try:
        await resources.queue.enqueue(EVALUATION_JOB, key=key, evaluation_id=str(row.id))
    except QueueUnavailable:
        row.status, row.finished_at = "failed", utcnow()
        row.message = "The job queue was unreachable; create the evaluation again."
        await session.commit()
        raise


async def create_evaluation(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    data: schemas.EvaluationCreate,
) -> schemas.Evaluation:
    """Validate and pin everything the run needs, store the evaluation as queued and queue its job."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    settings = resources.settings
    pinned = await pin_dataset(
        session, project_id, data.dataset, len(data.variants), settings.eval_max_results
    )
    variants = [await resolve_variant(session, project_id, i, v) for i, v in enumerate(data.variants)]
    # Templated values are compiled to find syntax errors: milliseconds, off the event loop anyway.
    specs = await asyncio.to_thread(parse_assertions, data.assertions, ["body", "assertions"])
    await check_assertion_providers(session, project_id, specs)
    if data.grader is not None:
        await provider_of(session, project_id, data.grader.provider_id, ["body", "grader", "provider_id"])
        grader = {"provider_id": str(data.grader.provider_id), "model": data.grader.model}
    else:  # recorded, so a later change of the first variant's connection changes nothing here
        grader = {"provider_id": str(variants[0].provider_id), "model": variants[0].model}
    row = Evaluation(
        id=uuid7(),
        project_id=project_id,
        name=data.name,
        dataset_id=pinned.dataset.id,
        dataset_name=pinned.dataset.name,
        dataset_version=pinned.version,
        status="queued",
        assertions=[spec.as_json() for spec in specs],
        grader=grader,
        concurrency=data.concurrency,
        pass_threshold=data.pass_threshold,
        total=pinned.items * len(variants),
        created_by_user_id=principal.user_id,
        created_by_api_key_id=principal.api_key_id,
        created_by=await actor_label(session, principal),
    )
    session.add(row)
    await session.flush()
    for variant in variants:
        variant.evaluation_id = row.id
    session.add_all(variants)
    await session.flush()
    await _audit(
        session,
        access,
        "evaluation.created",
        row,
        dataset=row.dataset_name,
        dataset_version=row.dataset_version,
        variants=[f"{v.name}: {v.prompt_name}@{v.prompt_version} on {v.model}" for v in variants],
        total=row.total,
    )
    await session.commit()  # before the job exists: a worker never looks for a row not there yet
    await _enqueue(session, resources, row, str(row.id))
    return evaluation_out(row, variants)


async def list_evaluations(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    page: PageParams,
    *,
    prompt: str | None = None,
    status: str | None = None,
) -> tuple[list[schemas.Evaluation], str | None]:
    """Newest first; `prompt`: evaluations any of whose variants runs that prompt."""
    await authorize_project(session, principal, project_id, Action.READ)
    stmt = select(Evaluation).where(Evaluation.project_id == project_id)
    if prompt is not None:
        runs_prompt = (
            select(EvaluationVariant.id)
            .where(
                EvaluationVariant.project_id == project_id,
                EvaluationVariant.prompt_name == prompt,
                EvaluationVariant.evaluation_id == Evaluation.id,
            )
            .correlate(Evaluation)
        )
        stmt = stmt.where(exists(runs_prompt))
    if status is not None:
        stmt = stmt.where(Evaluation.status == status)
    rows, cursor = await paginate(session, stmt, Evaluation.id, page)
    variants: dict[uuid.UUID, list[EvaluationVariant]] = {row.id: [] for row in rows}
    if rows:
        found = await session.scalars(
            select(EvaluationVariant)
            .where(EvaluationVariant.evaluation_id.in_(list(variants)))
            .order_by(EvaluationVariant.position)
        )
        for variant in found:
            variants[variant.evaluation_id].append(variant)
    return [evaluation_out(row, variants[row.id]) for row in rows], cursor


async def get_evaluation(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, evaluation_id: uuid.UUID
) -> schemas.Evaluation:
    await authorize_project(session, principal, project_id, Action.READ)
    row = await load_evaluation(session, project_id, evaluation_id)
    return evaluation_out(row, await load_variants(session, row.id))


def _finished_conflict(row: Evaluation, action: str) -> Conflict:
    return Conflict(
        f"The evaluation is already {row.status}; only a queued or running one can be {action}.",
        code="evaluation_finished",
    )


async def cancel_evaluation(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
) -> schemas.Evaluation:
    """Mark it cancelled now; a running job notices within half a second, keeps what it finished and
    writes the summary. A queued one never starts: its summary (of nothing, or of earlier results
    kept by retry-errors) is written here."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    await serialize_writers(session)
    row = await load_evaluation(session, project_id, evaluation_id, for_update=True)
    if row.status in FINISHED:
        raise _finished_conflict(row, "cancelled")
    was = row.status
    row.status, row.finished_at = "cancelled", utcnow()
    if was == "queued":
        row.attempt_token, row.shards = None, None
        await write_summary(session, row)
        event = finished_data(row)
        after_commit(session, lambda: publish_event(resources.kv, project_id, CANCELLED, event))
    await _audit(session, access, "evaluation.cancelled", row, was=was, done=row.done)
    await session.flush()
    return evaluation_out(row, await load_variants(session, row.id))


async def retry_errors(
    session: AsyncSession,
    resources: Resources,
    principal: Principal,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
) -> schemas.Evaluation:
    """Delete the error results of a finished evaluation and queue it again: the job runs exactly the
    cells without a result (the errors, and those a cancel or failure left unrun)."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    await serialize_writers(session)
    row = await load_evaluation(session, project_id, evaluation_id, for_update=True)
    if row.status not in FINISHED:
        raise Conflict(
            f"The evaluation is {row.status}; retry-errors needs a finished one.",
            code="evaluation_not_finished",
        )
    if row.error_count == 0 and row.done >= row.total:
        raise Conflict(
            "The evaluation has no error results and no cells left to run.", code="nothing_to_retry"
        )
    await session.execute(
        delete(EvaluationResult)
        .where(EvaluationResult.evaluation_id == row.id, EvaluationResult.status == "error")
        .execution_options(synchronize_session=False)
    )
    retried = row.error_count
    row.done -= row.error_count
    row.error_count = 0
    row.status, row.passed, row.summary, row.message = "queued", None, None, None
    # A new run (generation) starts from here: any shard attempt still running is fenced off.
    row.finished_at, row.attempt_token, row.shards = None, None, None
    variants = await load_variants(session, row.id)
    for variant in variants:
        variant.summary = None
    await _audit(
        session, access, "evaluation.retry_errors", row, errors=retried, remaining=row.total - row.done
    )
    await session.commit()
    # SAQ keeps a key only while its job is pending: a fresh key per retry, never swallowed by an
    # earlier run's key. Two attempts at once are safe (job.py: the newest token wins).
    await _enqueue(session, resources, row, f"{row.id}:retry:{uuid7().hex[-12:]}")
    return evaluation_out(row, variants)
