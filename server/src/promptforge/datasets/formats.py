"""Dataset files: pick a format, parse it incrementally, and write items back out as a stream.

The import job feeds `make_parser(fmt)` chunks read from object storage (off the event loop: it is
synchronous and CPU-bound); the export job streams `write_rows(...)` into object storage.
Conventions and round-trip guarantees: docs/datasets-formats.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

from promptforge.core.config import Settings
from promptforge.datasets.format_items import (
    DESCRIPTION,
    EXPECTED,
    METADATA_PREFIX,
    METRIC,
    PREFIX,
    SUFFIX,
    THRESHOLD,
    VARIABLE_NAME,
    ExportFormat,
    ExportItem,
    FileFormat,
    FileFormatError,
    FormatLimits,
    Item,
    ParsedItem,
    ParsedRow,
    RowError,
    item_problem,
)
from promptforge.datasets.format_readers import CsvParser, JsonArrayParser, JsonlParser

__all__ = [
    "VARIABLE_NAME",
    "DatasetFileParser",
    "ExportFormat",
    "ExportItem",
    "FileFormat",
    "FileFormatError",
    "FormatLimits",
    "Item",
    "ParsedItem",
    "ParsedRow",
    "RowError",
    "csv_columns",
    "format_for",
    "item_problem",
    "limits_from_settings",
    "make_parser",
    "write_rows",
]

DatasetFileParser = CsvParser | JsonlParser | JsonArrayParser
FORMATS: tuple[FileFormat, ...] = ("csv", "jsonl", "json")
_EXTENSIONS: dict[str, FileFormat] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
# Writers hand out chunks of about this size: large enough for S3 parts to be assembled cheaply,
# small enough that an export's memory does not depend on the dataset.
CHUNK_BYTES = 64 * 1024


def limits_from_settings(settings: Settings) -> FormatLimits:
    """The parsers' bounds from PF_DATASET_* settings (docs/configuration.md)."""
    return FormatLimits(
        max_record_bytes=settings.dataset_file_max_record_bytes,
        max_columns=settings.dataset_file_max_columns,
        max_item_bytes=settings.dataset_item_max_bytes,
    )


def format_for(filename: str | None, explicit: str | None = None) -> FileFormat:
    """The file's format: the explicit `?format=` if given, else by the name's extension."""
    if explicit:
        name = explicit.strip().lower()
        name = "jsonl" if name == "ndjson" else name
        for fmt in FORMATS:
            if name == fmt:
                return fmt
        raise FileFormatError(f"Unknown format {explicit[:40]!r}: use csv, jsonl or json.")
    lowered = (filename or "").lower()
    for extension, fmt in _EXTENSIONS.items():
        if lowered.endswith(extension):
            return fmt
    raise FileFormatError(
        "Cannot tell the file's format from its name: use a .csv, .jsonl, .ndjson or .json file, "
        "or pass format=csv|jsonl|json."
    )


def make_parser(fmt: FileFormat, limits: FormatLimits | None = None) -> DatasetFileParser:
    """A fresh incremental parser: `feed(chunk) -> rows`, then `close() -> rows` at the end of the file."""
    limits = limits or FormatLimits()
    if fmt == "csv":
        return CsvParser(limits)
    if fmt == "jsonl":
        return JsonlParser(limits)
    if fmt == "json":
        return JsonArrayParser(limits)
    raise FileFormatError(f"Unknown format {fmt!r}: use csv, jsonl or json.")


# --- writing ----------------------------------------------------------------------------------------


def _metadata_column(key: str, value: Any) -> str:
    """The CSV column a metadata entry goes to: promptfoo's own column when the value fits it."""
    if isinstance(value, str):
        special = {"description": DESCRIPTION, "metric": METRIC, "prefix": PREFIX, "suffix": SUFFIX}
        if key in special:
            return special[key]
    elif key == "threshold" and isinstance(value, int | float) and not isinstance(value, bool):
        return THRESHOLD
    return METADATA_PREFIX + key


def _expected_list(value: Any) -> list[str] | None:
    """An expected value written as `__expected1..N`: a non-empty list of strings (assertion shorthands)."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


_SPECIAL_ORDER = (DESCRIPTION, THRESHOLD, METRIC, PREFIX, SUFFIX)


async def csv_columns(items: AsyncIterable[ExportItem], limits: FormatLimits | None = None) -> list[str]:
    """The CSV header an export of these items needs (one pass over them; pass the same items to write_rows).

    Raises FileFormatError when the items need more columns than an import accepts: such a dataset
    is exported as JSONL instead.
    """
    limits = limits or FormatLimits()
    variables: dict[str, None] = {}
    metadata: dict[str, None] = {}
    single, numbered = False, 0
    async for item in items:
        for key in item.input:
            variables[key] = None
        listed = _expected_list(item.expected)
        if listed is not None:
            numbered = max(numbered, len(listed))
        elif item.expected is not None:
            single = True
        for key, value in item.metadata.items():
            metadata[_metadata_column(key, value)] = None
        if len(variables) + len(metadata) + numbered + single > limits.max_columns:
            raise FileFormatError(
                f"These items need more than {limits.max_columns} CSV columns; export them as JSONL."
            )
    columns = list(variables)
    columns += [EXPECTED] if single else []
    columns += [f"{EXPECTED}{n}" for n in range(1, numbered + 1)]
    columns += [c for c in _SPECIAL_ORDER if c in metadata]
    columns += [c for c in metadata if c not in _SPECIAL_ORDER]
    # A file needs a header row even for no items (an empty dataset exports and imports as empty).
    return columns or [EXPECTED]


def _cell(value: Any) -> str:
    # CSV holds text: other JSON values are written as JSON text (and read back as that text).
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _csv_cells(item: ExportItem, index: Mapping[str, int], width: int) -> list[str]:
    cells = [""] * width

    def put(column: str, value: Any) -> None:
        at = index.get(column)
        if at is None:
            name = column[:140]
            raise FileFormatError(f"An item needs the CSV column {name!r}, which is not in the header.")
        cells[at] = _cell(value)

    for key, value in item.input.items():
        put(key, value)
    listed = _expected_list(item.expected)
    if listed is not None:
        for n, value in enumerate(listed, start=1):
            put(f"{EXPECTED}{n}", value)
    elif item.expected is not None:
        put(EXPECTED, item.expected)
    for key, value in item.metadata.items():
        put(_metadata_column(key, value), value)
    return cells


async def _write_csv(items: AsyncIterable[ExportItem], columns: list[str]) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    # No leading-character escaping against spreadsheet formulas: it would change the values that
    # promptfoo and a re-import read (see docs/datasets-formats.md, "Spreadsheets").
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    index = {name: at for at, name in enumerate(columns)}
    async for item in items:
        writer.writerow(_csv_cells(item, index, len(columns)))
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


async def _write_jsonl(items: AsyncIterable[ExportItem]) -> AsyncIterator[bytes]:
    parts: list[bytes] = []
    size = 0
    async for item in items:
        document = {"input": dict(item.input), "expected": item.expected, "metadata": dict(item.metadata)}
        line = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        parts.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


def write_rows(
    fmt: ExportFormat, items: AsyncIterable[ExportItem], columns: list[str] | None = None
) -> AsyncIterator[bytes]:
    """Stream items as a file in chunks. CSV needs `columns` from csv_columns(); JSONL ignores them."""
    if fmt == "jsonl":
        return _write_jsonl(items)
    if fmt == "csv":
        if columns is None:
            raise ValueError("a CSV export needs its columns: compute them with csv_columns()")
        return _write_csv(items, columns)
    raise FileFormatError(f"Cannot export as {fmt!r}: use csv or jsonl.")
