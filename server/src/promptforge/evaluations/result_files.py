"""Evaluation results as files: CSV for spreadsheets and JUnit XML for CI, written while streaming.

The columns and the JUnit mapping are documented in docs/evaluations.md ("Reading results").
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from promptforge.evaluations.models import EvaluationResult

CHUNK_CHARS = 64 * 1024

CSV_COLUMNS = [
    "item_id",
    "item_position",
    "variant",
    "status",
    "passed",
    "score",
    "input",
    "expected",
    "output",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "grading_cost_usd",
    "failed_assertions",
    "assertions",
    "error",
]

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"). This
# file is a report, never re-imported, so such text cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 cannot carry at all (even escaped): most C0 controls, lone surrogates, U+FFFE/F.
_XML_FORBIDDEN = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _number(value: float | int | None) -> str:
    return "" if value is None else repr(value)


def failed_assertions(result: EvaluationResult) -> list[dict[str, Any]]:
    """The assertions that did not pass (failures and errors), as written by the grader."""
    return [a for a in result.assertions or [] if not a.get("passed") or a.get("error")]


def _failure_lines(result: EvaluationResult) -> list[str]:
    return [f"{a.get('type', '?')}: {a.get('reason', '')}" for a in failed_assertions(result)]


def _error_text(result: EvaluationResult) -> str:
    error = result.error or {}
    code, message = error.get("code"), error.get("message")
    return ": ".join(str(p) for p in (code, message) if p)


def _csv_row(result: EvaluationResult, variant: str) -> list[str]:
    return [
        str(result.item_id),
        str(result.item_position),
        _text_cell(variant),
        result.status,
        "true" if result.status == "passed" else "false",
        _number(result.score),
        _text_cell(json.dumps(result.input, ensure_ascii=False)),
        "" if result.expected is None else _text_cell(_json_text(result.expected)),
        _text_cell(result.output or ""),
        _number(result.latency_ms),
        _number(result.input_tokens),
        _number(result.output_tokens),
        _number(result.cost_usd),
        _number(result.grading_cost_usd),
        _text_cell("\n".join(_failure_lines(result))),
        _text_cell(json.dumps(result.assertions or [], ensure_ascii=False)),
        _text_cell(_error_text(result)),
    ]


async def csv_chunks(results: AsyncIterable[EvaluationResult], names: dict[int, str]) -> AsyncIterator[bytes]:
    """The results as CSV (header row first), in chunks of about 64 KiB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    async for result in results:
        writer.writerow(_csv_row(result, names.get(result.variant_position, "?")))
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue().encode("utf-8", "replace")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8", "replace")


@dataclass
class SuiteCounts:
    """A JUnit testsuite's attributes: one variant's results by status and their total latency."""

    position: int
    name: str
    tests: int = 0
    failures: int = 0
    errors: int = 0
    latency_ms: int = 0

    def add(self, status: str, count: int, latency_ms: int) -> None:
        self.tests += count
        self.latency_ms += latency_ms
        if status == "failed":
            self.failures += count
        elif status == "error":
            self.errors += count


def xml_text(value: str) -> str:
    """`value` escaped for XML element content, without the characters XML 1.0 forbids."""
    return escape(_XML_FORBIDDEN.sub("", value))


def xml_attr(value: str) -> str:
    """`value` as a quoted XML attribute (newlines kept as character references)."""
    return quoteattr(_XML_FORBIDDEN.sub("", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _seconds(latency_ms: int | None) -> str:
    return f"{(latency_ms or 0) / 1000:.3f}"


def _testcase(result: EvaluationResult, classname: str) -> str:
    name = f"item {result.item_position} ({result.item_id})"
    parts = [
        f"    <testcase name={xml_attr(name)} classname={xml_attr(classname)} "
        f"time={xml_attr(_seconds(result.latency_ms))}>"
    ]
    if result.status == "failed":
        lines = _failure_lines(result)
        message = "; ".join(lines) if lines else f"score {result.score} below the item's threshold"
        parts.append(
            f'      <failure message={xml_attr(message)} type="assertion">'
            f"{xml_text(chr(10).join(lines) or message)}</failure>"
        )
    elif result.status == "error":
        error = result.error or {}
        message = str(error.get("message") or "; ".join(_failure_lines(result)) or "error")
        kind = str(error.get("code") or "error")
        parts.append(
            f"      <error message={xml_attr(message)} type={xml_attr(kind)}>"
            f"{xml_text(chr(10).join([message, *_failure_lines(result)]))}</error>"
        )
    if result.output:
        parts.append(f"      <system-out>{xml_text(result.output)}</system-out>")
    parts.append("    </testcase>")
    return "\n".join(parts) + "\n"


def _suite_open(suite: SuiteCounts) -> str:
    return (
        f'  <testsuite name={xml_attr(suite.name)} tests="{suite.tests}" failures="{suite.failures}" '
        f'errors="{suite.errors}" skipped="0" time="{_seconds(suite.latency_ms)}">\n'
    )


async def junit_chunks(
    results: AsyncIterable[EvaluationResult], evaluation_name: str, suites: list[SuiteCounts]
) -> AsyncIterator[bytes]:
    """JUnit XML: one <testsuite> per variant (its results arrive grouped by variant, in order),
    one <testcase> per item. `suites` carries every suite's counts, written before its cases."""
    tests = sum(s.tests for s in suites)
    failures = sum(s.failures for s in suites)
    errors = sum(s.errors for s in suites)
    latency = sum(s.latency_ms for s in suites)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<testsuites name={xml_attr(evaluation_name)} tests="{tests}" failures="{failures}" '
        f'errors="{errors}" time="{_seconds(latency)}">\n',
    ]
    size = 0
    by_position = {s.position: s for s in suites}
    written: set[int] = set()
    current: int | None = None
    async for result in results:
        if result.variant_position != current:
            if current is not None:
                parts.append("  </testsuite>\n")
            current = result.variant_position
            written.add(current)
            suite = by_position.get(current) or SuiteCounts(current, "?")
            parts.append(_suite_open(suite))
        case = _testcase(result, evaluation_name)
        parts.append(case)
        size += len(case)
        if size >= CHUNK_CHARS:
            yield "".join(parts).encode()
            parts, size = [], 0
    if current is not None:
        parts.append("  </testsuite>\n")
    # Variants without a matching result still show, as empty suites (tests="0").
    for suite in suites:
        if suite.position not in written:
            parts.append(_suite_open(suite) + "  </testsuite>\n")
    parts.append("</testsuites>\n")
    yield "".join(parts).encode()
