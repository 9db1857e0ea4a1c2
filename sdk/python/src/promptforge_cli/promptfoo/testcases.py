"""promptfoo `tests` and `defaultTest`: inline tests, CSV / JSON / JSONL / YAML test files, assertions."""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assertions import (
    ASSERT_SET,
    ASSERTION_FIELDS,
    SET_FIELDS,
    ShorthandProblem,
    parse_expected_shorthand,
    unsupported_type_reason,
)
from .files import ConfigFiles

VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
TEST_KEYS = frozenset({"vars", "assert", "description", "threshold", "metadata", "metric", "options"})


@dataclass
class TestCase:
    """One promptfoo test (after `vars` arrays were expanded), `defaultTest` not yet applied."""

    description: str | None
    vars: dict[str, Any]
    expected: str | None = None
    asserts: list[dict[str, Any]] = field(default_factory=list)
    threshold: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def check_assertion(reader: ConfigFiles, raw: Any, where: str) -> dict[str, Any] | None:
    """One promptfoo assertion, `file://` values loaded; a problem for what the server cannot run."""
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        reader.problem(where, "an assertion is a mapping with a `type`")
        return None
    kind: str = raw["type"]
    reason = unsupported_type_reason(kind)
    if reason is not None:
        reader.problem(where, reason)
        return None
    allowed = SET_FIELDS if kind == ASSERT_SET else ASSERTION_FIELDS
    extra = sorted(set(raw) - allowed)
    if extra:
        reader.problem(
            where, f"{kind}: field(s) {', '.join(extra)} not supported (no code runs on the server)"
        )
        return None
    out = dict(raw)
    if kind == ASSERT_SET:
        children = raw.get("assert") or []
        if not isinstance(children, list):
            reader.problem(f"{where}.assert", "must be a list")
            return None
        checked = [check_assertion(reader, c, f"{where}.assert[{j}]") for j, c in enumerate(children)]
        out["assert"] = [c for c in checked if c is not None]
    elif "value" in raw:
        out["value"] = reader.value(raw["value"], f"{where}.value")
    return out


def _expected_columns(
    reader: ConfigFiles, row: dict[str, str], where: str
) -> tuple[str | None, list[dict[str, Any]]]:
    """`__expected` and `__expectedN`: the first stays the item's `expected` (the server reads the
    shorthand), the others become assertions; code and unsupported types are problems."""
    columns = sorted(
        (c for c in row if c == "__expected" or re.fullmatch(r"__expected\d+", c)),
        key=lambda c: -1 if c == "__expected" else int(c[len("__expected") :]),
    )
    expected: str | None = None
    asserts: list[dict[str, Any]] = []
    for column in columns:
        cell = row[column] or ""
        try:
            parsed = parse_expected_shorthand(cell)
        except ShorthandProblem as exc:
            reader.problem(f"{where} {column}", str(exc))
            continue
        if parsed is None:
            continue
        if expected is None:
            expected = cell
        else:
            asserts.append(parsed)
    return expected, asserts


def _csv_tests(reader: ConfigFiles, path: Path, where: str) -> list[TestCase]:
    text = reader.text(path, where)
    if text is None:
        return []
    cases: list[TestCase] = []
    for n, row in enumerate(csv.DictReader(text.lstrip("\ufeff").splitlines(keepends=True)), start=1):
        at = f"{where} {path.name} row {n}"
        if not any((v or "").strip() for v in row.values()):
            continue
        expected, asserts = _expected_columns(reader, row, at)
        metadata: dict[str, Any] = {}
        test_vars: dict[str, Any] = {}
        threshold: float | None = None
        description = None
        for column, cell in row.items():
            cell = cell or ""
            if column is None:
                reader.problem(at, "more cells than the header has columns")
            elif column == "__expected" or re.fullmatch(r"__expected\d+", column):
                continue
            elif column == "__description":
                description = cell or None
            elif column == "__threshold":
                if cell.strip():
                    try:
                        threshold = float(cell)
                    except ValueError:
                        reader.problem(at, f"__threshold must be a number, not {cell!r}")
            elif column == "__metric":
                if cell:
                    metadata["metric"] = cell
            elif column.startswith("__metadata:"):
                key = column[len("__metadata:") :]
                if cell and key.endswith("[]"):
                    metadata[key[:-2]] = [p.strip().replace("\\,", ",") for p in re.split(r"(?<!\\),", cell)]
                elif cell:
                    metadata[key] = cell
            elif column.startswith("__"):
                if cell:
                    reader.problem(at, f"column {column} is not supported")
            else:
                test_vars[column] = cell
        cases.append(TestCase(description, test_vars, expected, asserts, threshold, metadata))
    return cases


def read_test(
    reader: ConfigFiles, raw: Any, where: str, *, allow_options: tuple[str, ...] = ()
) -> TestCase | None:
    if not isinstance(raw, dict):
        reader.problem(where, "a test is a mapping")
        return None
    extra = sorted(set(raw) - TEST_KEYS)
    if extra:
        reader.problem(where, f"test field(s) {', '.join(extra)} not supported")
    options = raw.get("options") or {}
    if not isinstance(options, dict) or set(options) - set(allow_options):
        names = sorted(set(options) - set(allow_options)) if isinstance(options, dict) else ["options"]
        reader.problem(f"{where}.options", f"{', '.join(names)} not supported")
    test_vars = raw.get("vars") or {}
    test_vars = reader.value(test_vars, f"{where}.vars") or {}
    if not isinstance(test_vars, dict):
        reader.problem(f"{where}.vars", "must be a mapping")
        test_vars = {}
    loaded = {name: reader.value(value, f"{where}.vars.{name}") for name, value in test_vars.items()}
    asserts_raw = raw.get("assert") or []
    if not isinstance(asserts_raw, list):
        reader.problem(f"{where}.assert", "must be a list")
        asserts_raw = []
    asserts = [check_assertion(reader, a, f"{where}.assert[{j}]") for j, a in enumerate(asserts_raw)]
    threshold = raw.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)):
        reader.problem(f"{where}.threshold", "must be a number")
        threshold = None
    metadata = dict(raw.get("metadata") or {}) if isinstance(raw.get("metadata") or {}, dict) else {}
    if isinstance(raw.get("metric"), str):
        metadata["metric"] = raw["metric"]
    description = raw.get("description")
    return TestCase(
        description if isinstance(description, str) else None,
        loaded,
        None,
        [a for a in asserts if a is not None],
        float(threshold) if threshold is not None else None,
        metadata,
    )


def expand_vars(case: TestCase) -> list[TestCase]:
    """promptfoo runs every combination of the values of list-valued vars."""
    names = [n for n, v in case.vars.items() if isinstance(v, list)]
    if not names:
        return [case]
    out = []
    for combo in itertools.product(*(case.vars[n] for n in names)):
        expanded = {**case.vars, **dict(zip(names, combo, strict=True))}
        out.append(
            TestCase(case.description, expanded, case.expected, case.asserts, case.threshold, case.metadata)
        )
    return out


def _test_file(reader: ConfigFiles, ref: str, where: str) -> list[TestCase]:
    cases: list[TestCase] = []
    for path in reader.paths(ref, where):
        suffix = path.suffix.lower()
        if suffix == ".csv":
            cases.extend(_csv_tests(reader, path, where))
        elif suffix in (".json", ".jsonl", ".yaml", ".yml"):
            content = reader.structured(path, where)
            entries = content if isinstance(content, list) else [content] if isinstance(content, dict) else []
            for n, entry in enumerate(entries):
                case = read_test(reader, entry, f"{where} {path.name}[{n}]")
                if case is not None:
                    cases.append(case)
        else:
            reader.problem(where, f"{path.name}: tests are read from .csv, .json, .jsonl, .yaml files")
    return cases


def read_tests(reader: ConfigFiles, raw: Any) -> list[TestCase]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        reader.problem("tests", "must be a file reference or a list")
        return []
    cases: list[TestCase] = []
    for i, entry in enumerate(raw):
        where = f"tests[{i}]"
        if isinstance(entry, str):
            if entry.startswith("file://"):
                cases.extend(_test_file(reader, entry, where))
            else:
                reader.problem(where, f"{entry!r}: tests are read from file:// references only")
        else:
            case = read_test(reader, entry, where)
            if case is not None:
                cases.append(case)
    expanded = [c for case in cases for c in expand_vars(case)]
    for n, case in enumerate(expanded):
        for name in case.vars:
            if not VARIABLE_NAME.match(name):
                reader.problem(f"test {n + 1}", f"variable name {name!r} is not a template variable name")
    return expanded
