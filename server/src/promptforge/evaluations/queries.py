"""Loading evaluations and their variants, and turning them into API schemas (shared by the
create/run side and the read side)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.errors import NotFound
from promptforge.evaluations import schemas
from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant


async def load_evaluation(
    session: AsyncSession, project_id: uuid.UUID, evaluation_id: uuid.UUID, *, for_update: bool = False
) -> Evaluation:
    """The project's evaluation (404 if absent or in another project); `for_update` locks its row."""
    stmt = select(Evaluation).where(Evaluation.id == evaluation_id, Evaluation.project_id == project_id)
    if for_update:
        # PostgreSQL locks the row; SQLite ignores FOR UPDATE (its writers are serialized anyway).
        stmt = stmt.with_for_update()
    evaluation = (await session.scalars(stmt)).first()
    if evaluation is None:
        raise NotFound("Evaluation not found.")
    return evaluation


async def load_variants(session: AsyncSession, evaluation_id: uuid.UUID) -> list[EvaluationVariant]:
    """The evaluation's variants in the order given at creation."""
    stmt = (
        select(EvaluationVariant)
        .where(EvaluationVariant.evaluation_id == evaluation_id)
        .order_by(EvaluationVariant.position)
    )
    return list((await session.scalars(stmt)).all())


def variant_out(variant: EvaluationVariant) -> schemas.Variant:
    return schemas.Variant(
        name=variant.name,
        prompt=schemas.ResolvedPrompt(
            name=variant.prompt_name, version=variant.prompt_version, label=variant.prompt_label
        ),
        provider_id=variant.provider_id,
        provider_name=variant.provider_name,
        model=variant.model,
        params=variant.params,
        summary=variant.summary,
    )


def evaluation_out(evaluation: Evaluation, variants: list[EvaluationVariant]) -> schemas.Evaluation:
    """The API shape of an evaluation with its variants (given in position order)."""
    return schemas.Evaluation(
        id=evaluation.id,
        project_id=evaluation.project_id,
        name=evaluation.name,
        status=evaluation.status,  # one of models.STATUSES (pydantic checks it)
        dataset=schemas.DatasetPin(
            id=evaluation.dataset_id, name=evaluation.dataset_name, version=evaluation.dataset_version
        ),
        variants=[variant_out(v) for v in variants],
        assertions=evaluation.assertions,
        grader=schemas.ModelRef.model_validate(evaluation.grader) if evaluation.grader else None,
        concurrency=evaluation.concurrency,
        pass_threshold=evaluation.pass_threshold,
        progress=schemas.Progress(
            done=evaluation.done,
            total=evaluation.total,
            passed=evaluation.passed_count,
            failed=evaluation.failed_count,
            errors=evaluation.error_count,
        ),
        passed=evaluation.passed,
        summary=evaluation.summary,
        message=evaluation.message,
        created_by=evaluation.created_by,
        created_at=evaluation.created_at,
        started_at=evaluation.started_at,
        finished_at=evaluation.finished_at,
    )


# Rows read per query when walking every result of an evaluation (summaries, CSV, JUnit): memory
# stays bounded whatever the evaluation's size.
RESULT_BATCH = 500


async def iter_result_batches(
    session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    variant_position: int | None = None,
    status: str | None = None,
    by_variant: bool = False,
    batch_size: int = RESULT_BATCH,
) -> AsyncIterator[list[EvaluationResult]]:
    """The evaluation's results in matrix order (item, then variant; `by_variant`: the other way
    round), in batches.

    Keyset pagination: each batch is one short query, so no server-side cursor or long transaction
    is held while a caller streams a response.
    """
    after: tuple[int, int] | None = None
    while True:
        stmt = results_query(
            evaluation_id,
            variant_position=variant_position,
            status=status,
            after=after,
            by_variant=by_variant,
        )
        rows = list((await session.scalars(stmt.limit(batch_size))).all())
        if not rows:
            return
        yield rows
        if len(rows) < batch_size:
            return
        last = rows[-1]
        after = (
            (last.variant_position, last.item_position)
            if by_variant
            else (last.item_position, last.variant_position)
        )


def results_query(
    evaluation_id: uuid.UUID,
    *,
    variant_position: int | None = None,
    status: str | None = None,
    after: tuple[int, int] | None = None,
    by_variant: bool = False,
) -> Select[EvaluationResult]:
    """Results of an evaluation ordered by (item, variant) position (`by_variant`: (variant, item)),
    filtered, starting after the cell `after` given in that same order."""
    stmt = select(EvaluationResult).where(EvaluationResult.evaluation_id == evaluation_id)
    if variant_position is not None:
        stmt = stmt.where(EvaluationResult.variant_position == variant_position)
    if status is not None:
        stmt = stmt.where(EvaluationResult.status == status)
    first, second = EvaluationResult.item_position, EvaluationResult.variant_position
    if by_variant:
        first, second = second, first
    if after is not None:
        stmt = stmt.where(or_(first > after[0], and_(first == after[0], second > after[1])))
    return stmt.order_by(first, second)
