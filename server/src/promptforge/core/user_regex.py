"""Regular expressions written by users, run on RE2: linear time, so no pattern can stall a request.

Python's `re` backtracks: `^(a+)+$` against thirty `a`s and a `!` takes minutes in one C call
that no timeout can interrupt.  RE2 (google-re2) matches in time linear in the input and refuses
what it cannot do that way: backreferences and lookaround are compile errors, reported to the
user as such.  Every user-supplied pattern (JSON Schema `pattern` / `patternProperties`, regex
assertions) goes through this module.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import re2

MAX_PATTERN_LENGTH = 4096
# RE2 refuses patterns whose compiled program would need more memory than this
MAX_PROGRAM_BYTES = 8 << 20


class InvalidRegex(ValueError):
    """The pattern is too long or RE2 cannot compile it; the message says why."""


@dataclass(frozen=True, slots=True)
class UserRegex:
    """A compiled user pattern."""

    pattern: str
    _compiled: Any

    def search(self, text: str) -> bool:
        """True if the pattern matches anywhere in `text` (like JavaScript's RegExp.test)."""
        try:
            return self._compiled.search(text) is not None
        except UnicodeEncodeError:  # lone surrogates cannot be UTF-8: match on a repaired copy
            repaired = text.encode("utf-8", "replace").decode("utf-8")
            return self._compiled.search(repaired) is not None


def _options(ignore_case: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # errors come back as exceptions; RE2's own log would go to stderr
    options.max_mem = MAX_PROGRAM_BYTES
    options.case_sensitive = not ignore_case
    return options


@functools.lru_cache(maxsize=1024)
def compile_regex(pattern: str, *, ignore_case: bool = False) -> UserRegex:
    """Compile a user pattern (cached); raises InvalidRegex with a message fit for a 422."""
    if not isinstance(pattern, str):
        raise InvalidRegex("A regular expression must be a string.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidRegex(f"The regular expression is longer than {MAX_PATTERN_LENGTH} characters.")
    try:
        compiled = re2.compile(pattern, _options(ignore_case))
    except (re2.error, UnicodeEncodeError, TypeError, ValueError) as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise InvalidRegex(
            f"Invalid regular expression {pattern[:100]!r}: {reason} "
            "(RE2 syntax: no backreferences or lookaround)."
        ) from None
    return UserRegex(pattern, compiled)
