"""Dataset file rows as items: the parsed shapes, their bounds, and promptfoo's conventions mapped to items.

Shared by the streaming readers (format_readers.py) and writers (format_writers.py); see
docs/datasets-formats.md for the conventions and the decisions taken where promptfoo is silent.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from promptforge.core.errors import AppError
from promptforge.core.json_shape import json_shape_problem

FileFormat = Literal["csv", "jsonl", "json"]
ExportFormat = Literal["csv", "jsonl"]

# An input variable is what a template names: {{ question }}. Keys a template cannot name would be
# imported and then never be usable, so they are refused at the door.
VARIABLE_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"
_VARIABLE_NAME = re.compile(VARIABLE_NAME)
METADATA_KEY_MAX_CHARS = 128
# \u0000 in JSON text written by json.dumps: an escape is preceded by an even run of backslashes.
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")

# promptfoo's CSV columns (https://www.promptfoo.dev/docs/configuration/test-cases).
EXPECTED = "__expected"
DESCRIPTION = "__description"
THRESHOLD = "__threshold"
METRIC = "__metric"
PREFIX = "__prefix"
SUFFIX = "__suffix"
METADATA_PREFIX = "__metadata:"
# Special columns kept on the item as metadata under these keys.
SPECIAL_METADATA = {DESCRIPTION: "description", THRESHOLD: "threshold", METRIC: "metric"}
PASSTHROUGH_METADATA = {PREFIX: "prefix", SUFFIX: "suffix"}
_NUMBERED_EXPECTED = re.compile(r"^__expected([0-9]{1,4})$")

# Keys of the two JSON item shapes; anything else is refused so that a typo is not silently dropped.
ITEM_KEYS = frozenset({"input", "expected", "metadata"})
PROMPTFOO_KEYS = frozenset({"vars", "assert", "threshold", "description", "metadata", "metric"})


class FileFormatError(AppError):
    """The file as a whole is unusable (not CSV/JSON, not UTF-8, no header, not an array, truncated)."""

    status, code = 422, "invalid_dataset_file"


@dataclass(frozen=True, slots=True)
class FormatLimits:
    """Bounds on one file's records and items; `limits_from_settings` builds them from PF_ settings."""

    max_record_bytes: int = 1024 * 1024
    max_columns: int = 256
    max_variables: int = 200
    max_item_bytes: int = 64 * 1024
    max_depth: int = 32
    max_nodes: int = 10_000


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One good row: `line` is the file's line where its record starts (1-based)."""

    line: int
    input: dict[str, Any]
    expected: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RowError:
    """One rejected row, located by the line where its record starts."""

    line: int
    message: str


ParsedRow = ParsedItem | RowError


class ExportItem(Protocol):
    """What the writers need of an item (a ParsedItem, an ORM row mapped by the job, a schema)."""

    @property
    def input(self) -> Mapping[str, Any]: ...

    @property
    def expected(self) -> Any: ...

    @property
    def metadata(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Item:
    """A plain ExportItem."""

    input: Mapping[str, Any]
    expected: Any = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


def item_problem(input: Any, expected: Any, metadata: Any, limits: FormatLimits) -> str | None:
    """Why this would not be a storable dataset item, or None: the same rule for every format."""
    if not isinstance(input, dict):
        return f"input must be an object of variables, not {_json_type(input)}"
    if len(input) > limits.max_variables:
        return f"input has {len(input)} variables; at most {limits.max_variables} are allowed"
    for key in input:
        if not isinstance(key, str) or not _VARIABLE_NAME.fullmatch(key):
            return f"input variable {str(key)[:140]!r} is not a variable name (it must match {VARIABLE_NAME})"
    if not isinstance(metadata, dict):
        return f"metadata must be an object, not {_json_type(metadata)}"
    for key in metadata:
        if not isinstance(key, str) or not 1 <= len(key) <= METADATA_KEY_MAX_CHARS:
            return f"metadata keys must be 1 to {METADATA_KEY_MAX_CHARS} characters"
    document = {"input": input, "expected": expected, "metadata": metadata}
    problem = json_shape_problem(document, max_depth=limits.max_depth, max_nodes=limits.max_nodes)
    if problem:
        return f"the item is too complex: {problem}"
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    try:
        size = len(text.encode())
    except UnicodeEncodeError:
        return "the item contains an unpaired UTF-16 surrogate (such as \\ud800), which is not text"
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        # PostgreSQL can store neither a NUL character in text nor \u0000 in jsonb.
        return "the item contains a NUL character (\\u0000), which cannot be stored"
    if size > limits.max_item_bytes:
        return f"the item is {size} bytes of JSON; at most {limits.max_item_bytes} are allowed"
    return None


def checked_item(line: int, input: Any, expected: Any, metadata: Any, limits: FormatLimits) -> ParsedRow:
    """A ParsedItem, or the RowError saying why the values are not an item."""
    problem = item_problem(input, expected, metadata, limits)
    if problem:
        return RowError(line, problem)
    return ParsedItem(line, input, expected, metadata)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# --- JSON objects (JSONL lines, JSON array elements) -------------------------------------------------


def item_from_json(line: int, value: Any, limits: FormatLimits) -> ParsedRow:
    """Our shape {input, expected?, metadata?} or promptfoo's {vars, assert?, threshold?, ...} as an item."""
    if not isinstance(value, dict):
        return RowError(line, f"an item must be a JSON object, not {_json_type(value)}")
    if "input" in value and "vars" in value:
        return RowError(line, "an item has either input (an item) or vars (a promptfoo test), not both")
    if "input" in value:
        unknown = sorted(set(value) - ITEM_KEYS)
        if unknown:
            return RowError(line, f"unknown key(s) {_names(unknown)}; an item has input, expected, metadata")
        return checked_item(line, value["input"], value.get("expected"), value.get("metadata", {}), limits)
    if "vars" in value:
        return _promptfoo_test(line, value, limits)
    return RowError(line, "an item needs input (or vars, in promptfoo's test shape)")


def _promptfoo_test(line: int, value: dict[str, Any], limits: FormatLimits) -> ParsedRow:
    unknown = sorted(set(value) - PROMPTFOO_KEYS)
    if unknown:
        allowed = _names(sorted(PROMPTFOO_KEYS))
        return RowError(line, f"unknown key(s) {_names(unknown)}; a test has {allowed}")
    metadata = value.get("metadata", {})
    if not isinstance(metadata, dict):
        return RowError(line, f"metadata must be an object, not {_json_type(metadata)}")
    metadata = dict(metadata)
    # The top-level fields are the test's own; they win over same-named metadata keys.
    if "threshold" in value:
        threshold = value["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            return RowError(line, "threshold must be a number")
        metadata["threshold"] = threshold
    for key in ("description", "metric"):
        if key in value:
            if not isinstance(value[key], str):
                return RowError(line, f"{key} must be a string")
            metadata[key] = value[key]
    if "assert" in value:
        metadata["assert"] = value["assert"]
    return checked_item(line, value["vars"], None, metadata, limits)


def _names(keys: list[str]) -> str:
    return ", ".join(repr(k[:60]) for k in keys[:10])


# --- CSV rows ---------------------------------------------------------------------------------------


# How a metadata cell is read: `__threshold` is a number, `__metadata:key[]` a list, the rest text.
CellKind = Literal["text", "number", "list"]


@dataclass(frozen=True, slots=True)
class CsvHeader:
    """What each column of a CSV file means, decided once from the header row."""

    variables: list[tuple[int, str]]
    expected: list[int]  # the `__expected` column first, if any, then numbered ones in file order
    single_expected: int | None  # the plain `__expected` column
    metadata: list[tuple[int, str, CellKind]]
    width: int
    json_overhead: int  # an upper bound of an item's JSON bytes beyond its values: keys, punctuation


def csv_header(names: list[str], limits: FormatLimits) -> CsvHeader:
    """Read the header row, or raise FileFormatError naming the column that cannot be used."""
    if len(names) > limits.max_columns:
        raise FileFormatError(f"The CSV header has {len(names)} columns; at most {limits.max_columns}.")
    names = [n.strip() for n in names]
    if not any(names):
        raise FileFormatError("The CSV file has no header row (its first line is empty).")
    seen: set[str] = set()
    variables: list[tuple[int, str]] = []
    expected: list[tuple[int, int]] = []
    single: int | None = None
    metadata: list[tuple[int, str, CellKind]] = []
    for index, name in enumerate(names):
        where = f"Column {index + 1} of the header"
        if not name:
            raise FileFormatError(f"{where} has no name.")
        if name in seen:
            raise FileFormatError(f"{where}, {name[:140]!r}, appears twice.")
        seen.add(name)
        numbered = _NUMBERED_EXPECTED.fullmatch(name)
        if name == EXPECTED:
            single = index
            expected.append((0, index))
        elif numbered:
            expected.append((int(numbered.group(1)) + 1, index))
        elif name in SPECIAL_METADATA:
            metadata.append((index, SPECIAL_METADATA[name], "number" if name == THRESHOLD else "text"))
        elif name in PASSTHROUGH_METADATA:
            metadata.append((index, PASSTHROUGH_METADATA[name], "text"))
        elif name.startswith(METADATA_PREFIX):
            key = name[len(METADATA_PREFIX) :]
            is_list = key.endswith("[]")
            key = key[:-2] if is_list else key
            if not 1 <= len(key) <= METADATA_KEY_MAX_CHARS:
                chars = METADATA_KEY_MAX_CHARS
                raise FileFormatError(f"{where} needs a metadata key of 1 to {chars} characters.")
            metadata.append((index, key, "list" if is_list else "text"))
        elif _VARIABLE_NAME.fullmatch(name):
            variables.append((index, name))
        else:
            raise FileFormatError(
                f"{where}, {name[:140]!r}, is neither one of promptfoo's __ columns nor a variable name "
                f"(letters, digits and _, not starting with a digit, at most 128 characters)."
            )
    if len(variables) > limits.max_variables:
        raise FileFormatError(
            f"The CSV file has {len(variables)} variable columns; at most {limits.max_variables}."
        )
    # The ordinal sort keeps `__expected` first and numbered columns in number order: that is what
    # the export writes, and the order of a list must survive a round trip.
    ordered = [index for _, index in sorted(expected)]
    overhead = 64 + sum(6 * len(name.encode()) + 8 for name in names)
    return CsvHeader(variables, ordered, single, metadata, len(names), overhead)


def item_from_csv(
    line: int, text: str, cells: list[str], header: CsvHeader, limits: FormatLimits
) -> ParsedRow | None:
    """One CSV record (its text and cells) as an item; None for a row of empty cells (a spare row)."""
    if len(cells) != header.width:
        if not any(cells):
            return None
        return RowError(line, f"the row has {len(cells)} cells but the header has {header.width} columns")
    if not any(cells):
        return None
    input = {name: cells[index] for index, name in header.variables}
    numbered = [cells[i] for i in header.expected if i != header.single_expected and cells[i]]
    expected: Any = None
    if numbered:
        expected = [cells[i] for i in header.expected if cells[i]]
    elif header.single_expected is not None and cells[header.single_expected]:
        expected = cells[header.single_expected]
    metadata: dict[str, Any] = {}
    for index, key, kind in header.metadata:
        cell = cells[index]
        if not cell:
            continue  # promptfoo ignores empty special cells; an absent key round-trips as absent
        if kind == "number":
            number = parse_number(cell)
            if number is None:
                return RowError(line, f"__threshold must be a number, not {cell[:40]!r}")
            metadata[key] = number
        elif kind == "list":
            metadata[key] = split_list_cell(cell)
        else:
            metadata[key] = cell
    # The names were checked with the header and every value is text, so the full check (which costs
    # more than the parsing) is needed only when the record could be near the size bound.
    nodes = 3 + len(input) + len(metadata) + sum(len(v) for v in metadata.values() if isinstance(v, list))
    nodes += len(expected) if isinstance(expected, list) else 1
    if nodes > limits.max_nodes:
        return RowError(line, f"the item is too complex: it has more than {limits.max_nodes} values")
    if "\x00" in text:
        return RowError(line, "the item contains a NUL character (\\u0000), which cannot be stored")
    if len(text) * _MAX_JSON_BYTES_PER_CHAR + header.json_overhead <= limits.max_item_bytes:
        return ParsedItem(line, input, expected, metadata)
    return checked_item(line, input, expected, metadata, limits)


# A character costs at most 6 bytes of JSON (\uXXXX), a separator inside a list cell included.
_MAX_JSON_BYTES_PER_CHAR = 6


def parse_number(text: str) -> int | float | None:
    """A finite JSON-like number from a cell, keeping integers integral."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def split_list_cell(cell: str) -> list[str]:
    r"""promptfoo's `__metadata:key[]`: comma-separated values, `\,` for a comma inside a value."""
    values = re.split(r"(?<!\\),", cell)
    return [v.replace("\\,", ",").strip() for v in values if v.strip()]
