"""Cursor pagination over time-ordered UUID primary keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")
MAX_LIMIT = 100


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: uuid.UUID | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (max 100).")] = 50,
    # Typed as a UUID so the OpenAPI says what a cursor is (`format: uuid`): clients and fuzzers
    # then know that anything else is refused (422 naming `query.cursor`).
    cursor: Annotated[uuid.UUID | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    id_column: InstrumentedAttribute[uuid.UUID],
    params: PageParams,
    *,
    newest_first: bool = True,
) -> tuple[Sequence[Any], str | None]:
    """Run `stmt` for one page ordered by id; return the rows and the cursor of the next page."""
    if params.cursor is not None:
        stmt = stmt.where(id_column < params.cursor if newest_first else id_column > params.cursor)
    stmt = stmt.order_by(id_column.desc() if newest_first else id_column.asc()).limit(params.limit + 1)
    rows = (await session.scalars(stmt)).all()
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_cursor = str(getattr(rows[-1], id_column.key))
    return rows, next_cursor
