"""Making rendered and provider text storable: NUL and lone surrogates become U+FFFD.

A template can render `{{ '\\x00' }}` and a provider can answer anything; PostgreSQL text cannot
hold NUL, UTF-8 cannot encode a lone surrogate, and the response schemas refuse both. Such text
is repaired (not refused: the run happened) before it is stored, streamed or sent on, and again
when a run is read, so rows stored before this repair still read.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from promptforge.core.schemas import find_unstorable

T = TypeVar("T")

REPLACEMENT = "\ufffd"
_UNSTORABLE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def storable(value: T) -> T:
    """`value` (text, or JSON of dicts and lists) with NUL and lone surrogates replaced by U+FFFD."""
    if find_unstorable(value) is None:  # the common case: nothing to repair, nothing copied
        return value
    return _repaired(value)  # type: ignore[no-any-return]


def _repaired(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSTORABLE_CHARACTER.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_repaired(key): _repaired(child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_repaired(child) for child in value]
    return value
