"""The one entry point for user regexes: RE2 semantics, linear time, clear errors."""

from __future__ import annotations

import time

import pytest

from promptforge.core.user_regex import MAX_PATTERN_LENGTH, InvalidRegex, compile_regex


def test_catastrophic_patterns_run_in_linear_time() -> None:
    regex = compile_regex("^(a+)+$")
    start = time.monotonic()
    assert regex.search("a" * 100_000 + "!") is False
    assert time.monotonic() - start < 0.5
    assert regex.search("aaa") is True


def test_search_is_unanchored_and_can_ignore_case() -> None:
    assert compile_regex(r"\d{3}").search("call 555-1234") is True
    assert compile_regex("hello").search("HELLO there") is False
    assert compile_regex("hello", ignore_case=True).search("HELLO there") is True


@pytest.mark.parametrize(
    "pattern", ["(a)\\1", "(?<=a)b", "(?!a)", "[", "x{5000}", "a" * (MAX_PATTERN_LENGTH + 1)]
)
def test_patterns_re2_cannot_run_are_invalid_with_a_reason(pattern: str) -> None:
    with pytest.raises(InvalidRegex) as info:
        compile_regex(pattern)
    assert str(info.value)


def test_text_with_lone_surrogates_is_matched_not_crashed() -> None:
    assert compile_regex("a.b").search("a\ud800b") is True
