"""equals, contains, icontains, contains-any/-all, icontains-any/-all, starts-with and regex.

promptfoo's semantics: the output is compared as it is (never trimmed); `i...` types compare
lower-cased; a list type's string value is a comma-separated list (double quotes keep commas);
regex runs on RE2 (core/user_regex.py), so matching is linear in the output's length.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from promptforge.core.user_regex import InvalidRegex, compile_regex
from promptforge.evaluations.assertions.outcome import Outcome, negation


def as_text(value: Any) -> str:
    """A value as JavaScript's String() would write it (numbers without a trailing .0)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value)


def comma_separated(value: Any) -> list[str]:
    """promptfoo's parseCommaSeparatedValues: a string is split on commas, quotes keep them."""
    if isinstance(value, list):
        return [as_text(v) for v in value]
    row = next(csv.reader([str(value)], skipinitialspace=True), [])
    return [item.strip() for item in row]


def _equals(output: str, value: Any, negate: bool) -> Outcome:
    if isinstance(value, dict | list):
        # an object value is compared with the output parsed as JSON (deep equality)
        try:
            equal = json.loads(output) == value
        except (ValueError, RecursionError):
            equal = False
        shown = json.dumps(value)
    else:
        shown = as_text(value)
        equal = output == shown
    return Outcome.of(equal != negate, f'Expected output "{output}" to {negation(negate)}equal "{shown}"')


def _contains(output: str, value: Any, negate: bool, *, fold: bool) -> Outcome:
    needle = as_text(value)
    found = needle.lower() in output.lower() if fold else needle in output
    return Outcome.of(found != negate, f'Expected output to {negation(negate)}contain "{needle}"')


def _contains_any(output: str, value: Any, negate: bool, *, fold: bool) -> Outcome:
    needles = comma_separated(value)
    haystack = output.lower() if fold else output
    found = any((n.lower() if fold else n) in haystack for n in needles)
    return Outcome.of(
        found != negate, f'Expected output to {negation(negate)}contain one of "{", ".join(needles)}"'
    )


def _contains_all(output: str, value: Any, negate: bool, *, fold: bool) -> Outcome:
    needles = comma_separated(value)
    haystack = output.lower() if fold else output
    missing = [n for n in needles if (n.lower() if fold else n) not in haystack]
    return Outcome.of(
        (not missing) != negate,
        f"Expected output to {negation(negate)}contain all of [{', '.join(needles)}]. "
        f"Missing: [{', '.join(missing)}]",
    )


def _starts_with(output: str, value: Any, negate: bool) -> Outcome:
    prefix = as_text(value)
    return Outcome.of(
        output.startswith(prefix) != negate, f'Expected output to {negation(negate)}start with "{prefix}"'
    )


def _regex(output: str, value: Any, negate: bool) -> Outcome:
    pattern = as_text(value)
    try:
        regex = compile_regex(pattern)
    except InvalidRegex as exc:  # a templated pattern can only be compiled once it is rendered
        return Outcome.failed_to_evaluate(str(exc))
    return Outcome.of(
        regex.search(output) != negate, f'Expected output to {negation(negate)}match regex "{pattern}"'
    )


def check_text(base: str, output: str, value: Any, negate: bool) -> Outcome:
    """Evaluate one text assertion (value already rendered)."""
    if base == "equals":
        return _equals(output, value, negate)
    if base in ("contains", "icontains"):
        return _contains(output, value, negate, fold=base == "icontains")
    if base in ("contains-any", "icontains-any"):
        return _contains_any(output, value, negate, fold=base == "icontains-any")
    if base in ("contains-all", "icontains-all"):
        return _contains_all(output, value, negate, fold=base == "icontains-all")
    if base == "starts-with":
        return _starts_with(output, value, negate)
    if base == "regex":
        return _regex(output, value, negate)
    raise ValueError(f"not a text assertion: {base}")
