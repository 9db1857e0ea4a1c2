"""Schema bases shared by every domain: the ORM-aware base model, pages and problem details.

Every schema refuses what cannot be stored or served as standard JSON, wherever it hides (free-form
dicts and lists included): NUL characters (PostgreSQL text cannot hold them), lone UTF-16 surrogates
(not Unicode text; UTF-8 cannot encode them) and NaN / Infinity (not JSON numbers).
"""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")

INT32_MAX = 2_147_483_647
"""The largest value of a PostgreSQL `integer` column (version numbers and other counters)."""

NO_NUL = r"^[^\x00]*$"
"""Pattern for free text (query parameters, request strings): the OpenAPI says NUL is refused."""


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "NUL characters (\\u0000) are not allowed"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "lone surrogates (\\ud800-\\udfff) are not valid Unicode text"
    return None


def find_unstorable(value: Any) -> tuple[str, str] | None:
    """The first NUL, lone surrogate or non-finite number inside `value`: (where, what), or None.

    Iterative, so a deeply nested value cannot exhaust the stack. Nested schemas are skipped: they
    checked their own fields when they were built.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        problem: str | None = None
        if isinstance(item, str):
            problem = _text_problem(item)
        elif isinstance(item, float):
            problem = None if math.isfinite(item) else "NaN and Infinity are not valid JSON numbers"
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and (key_problem := _text_problem(key)) is not None:
                    return where.lstrip("."), f"{key_problem} in keys"
                stack.append((f"{where}.{key}", child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}.{index}", child) for index, child in enumerate(item))
        if problem is not None:
            return where.lstrip("."), problem
    return None


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_unstorable(cls, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | BaseModel):
            return value  # the common cases, kept cheap
        found = find_unstorable(value)
        if found is not None:
            where, problem = found
            message = f"{problem} (at {where})" if where else problem
            raise PydanticCustomError("unstorable_value", message)
        return value


class Page(Schema, Generic[T]):
    """A page of a cursor-paginated list; pass `next_cursor` as `?cursor=` for the next one."""

    items: list[T]
    next_cursor: str | None


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None
