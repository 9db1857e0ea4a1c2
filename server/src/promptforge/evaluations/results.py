"""Reading an evaluation's results: pages in matrix order, and the whole set as CSV or JUnit XML.

Authorization (viewers read; another tenant's evaluation is a 404) and every check of the query
happen before a file starts streaming, so a bad request is a 4xx, never a broken download.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.auth.principal import Principal
from promptforge.core.errors import Unprocessable
from promptforge.core.pagination import PageParams
from promptforge.evaluations import schemas
from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant
from promptforge.evaluations.queries import iter_result_batches, load_evaluation, load_variants, results_query
from promptforge.evaluations.result_files import SuiteCounts, csv_chunks, junit_chunks
from promptforge.workspaces.permissions import Action, authorize_project

ResultFormat = Literal["json", "csv", "junit"]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "junit": "application/xml; charset=utf-8"}
EXTENSIONS = {"csv": "csv", "junit": "xml"}

# A results cursor is a UUID like every cursor of the API (core/pagination), carrying the last cell
# of the page: item position in bits 16-47, variant position in bits 0-15, every other bit zero.
_POSITION_BITS = 16
_CURSOR_BITS = 48


def make_cursor(result: EvaluationResult) -> str:
    return str(uuid.UUID(int=(result.item_position << _POSITION_BITS) | result.variant_position))


def parse_cursor(cursor: uuid.UUID) -> tuple[int, int]:
    """The cell a page starts after; a UUID this list did not make is a 422 naming the cursor."""
    if cursor.int >> _CURSOR_BITS:
        raise Unprocessable.field(["query", "cursor"], "Not a cursor of this list: pass `next_cursor` as is.")
    return cursor.int >> _POSITION_BITS, cursor.int & ((1 << _POSITION_BITS) - 1)


def result_out(result: EvaluationResult, variant_name: str) -> schemas.Result:
    return schemas.Result(
        item_id=result.item_id,
        variant=variant_name,
        input=result.input,
        expected=result.expected,
        output=result.output,
        status=result.status,  # one of models.RESULT_STATUSES (pydantic checks it)
        passed=result.status == "passed",
        score=result.score,
        assertions=[schemas.ResultAssertion.model_validate(a) for a in result.assertions or []],
        latency_ms=result.latency_ms,
        tokens=schemas.ResultTokens(input=result.input_tokens, output=result.output_tokens),
        cost_usd=result.cost_usd,
        grading_cost_usd=result.grading_cost_usd,
        error=result.error,
    )


@dataclass(frozen=True)
class ResultFilter:
    """What the client asked for, checked: a variant by name (None: all) and a status (None: all)."""

    variant: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class _Scope:
    evaluation: Evaluation
    names: dict[int, str]  # variant position -> name, the variants asked for
    variant_position: int | None


async def _scope(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    wanted: ResultFilter,
) -> _Scope:
    await authorize_project(session, principal, project_id, Action.READ)
    evaluation = await load_evaluation(session, project_id, evaluation_id)
    variants: list[EvaluationVariant] = await load_variants(session, evaluation_id)
    names = {v.position: v.name for v in variants}
    if wanted.variant is None:
        return _Scope(evaluation, names, None)
    position = next((p for p, name in names.items() if name == wanted.variant), None)
    if position is None:
        known = ", ".join(repr(n) for n in names.values())
        raise Unprocessable.field(
            ["query", "variant"], f"The evaluation has no variant named {wanted.variant!r} (it has {known})."
        )
    return _Scope(evaluation, {position: wanted.variant}, position)


async def list_results(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    wanted: ResultFilter,
    page: PageParams,
) -> tuple[list[schemas.Result], str | None]:
    """One page of results ordered by item (dataset order), then variant (creation order)."""
    scope = await _scope(session, principal, project_id, evaluation_id, wanted)
    after = parse_cursor(page.cursor) if page.cursor is not None else None
    stmt = results_query(
        evaluation_id, variant_position=scope.variant_position, status=wanted.status, after=after
    )
    rows = list((await session.scalars(stmt.limit(page.limit + 1))).all())
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        next_cursor = make_cursor(rows[-1])
    return [result_out(r, scope.names.get(r.variant_position, "?")) for r in rows], next_cursor


@dataclass(frozen=True)
class ResultFile:
    filename: str
    media_type: str
    chunks: AsyncIterator[bytes]


async def _suite_counts(session: AsyncSession, scope: _Scope, status: str | None) -> list[SuiteCounts]:
    """Per variant asked for: results by status and total latency (a JUnit suite's attributes)."""
    stmt = (
        select(
            EvaluationResult.variant_position,
            EvaluationResult.status,
            func.count(),
            func.coalesce(func.sum(EvaluationResult.latency_ms), 0),
        )
        .where(EvaluationResult.evaluation_id == scope.evaluation.id)
        .group_by(EvaluationResult.variant_position, EvaluationResult.status)
    )
    if scope.variant_position is not None:
        stmt = stmt.where(EvaluationResult.variant_position == scope.variant_position)
    if status is not None:
        stmt = stmt.where(EvaluationResult.status == status)
    suites = {position: SuiteCounts(position, name) for position, name in scope.names.items()}
    for position, result_status, count, latency in (await session.execute(stmt)).all():
        suite = suites.get(position)
        if suite is not None:
            suite.add(result_status, int(count), int(latency or 0))
    return [suites[p] for p in sorted(suites)]


async def export_results(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    project_id: uuid.UUID,
    evaluation_id: uuid.UUID,
    wanted: ResultFilter,
    fmt: Literal["csv", "junit"],
) -> ResultFile:
    """Every result matching the filters as a CSV or JUnit XML file, streamed in batches.

    The rows are read through a session of their own, opened when the response starts streaming:
    the request's session has been committed and closed by then.
    """
    scope = await _scope(session, principal, project_id, evaluation_id, wanted)
    suites = await _suite_counts(session, scope, wanted.status) if fmt == "junit" else []

    async def results() -> AsyncIterator[EvaluationResult]:
        async with sessionmaker() as reader:
            async for batch in iter_result_batches(
                reader,
                evaluation_id,
                variant_position=scope.variant_position,
                status=wanted.status,
                by_variant=fmt == "junit",  # JUnit writes one suite after the other
            ):
                for result in batch:
                    yield result

    if fmt == "csv":
        chunks = csv_chunks(results(), scope.names)
    else:
        chunks = junit_chunks(results(), scope.evaluation.name, suites)
    filename = f"{_safe_name(scope.evaluation.name)}-results.{EXTENSIONS[fmt]}"
    return ResultFile(filename, MEDIA_TYPES[fmt], chunks)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "evaluation"
