"""Dataset file formats: promptfoo's conventions, chunks, line-numbered errors, bounds, round trips."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptforge.datasets.formats import (
    FileFormat,
    FileFormatError,
    FormatLimits,
    Item,
    ParsedItem,
    ParsedRow,
    RowError,
    csv_columns,
    format_for,
    make_parser,
    write_rows,
)


def _load_bench_module() -> Any:
    """server/bench is scripts, not a package: load the generator the bench itself uses by its path."""
    path = Path(__file__).resolve().parents[2] / "bench" / "dataset_files.py"
    spec = importlib.util.spec_from_file_location("dataset_files", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


write_benchmark_csv = _load_bench_module().write_benchmark_csv


def parse(
    fmt: FileFormat, data: bytes, step: int | None = None, limits: FormatLimits | None = None
) -> list[ParsedRow]:
    parser = make_parser(fmt, limits)
    rows: list[ParsedRow] = []
    step = step or max(len(data), 1)
    for start in range(0, len(data), step):
        rows += parser.feed(data[start : start + step])
    return rows + parser.close()


def items(rows: list[ParsedRow]) -> list[tuple[int, dict[str, Any], Any, dict[str, Any]]]:
    assert all(isinstance(r, ParsedItem) for r in rows), rows
    return [(r.line, r.input, r.expected, r.metadata) for r in rows if isinstance(r, ParsedItem)]


def errors(rows: list[ParsedRow]) -> list[tuple[int, str]]:
    return [(r.line, r.message) for r in rows if isinstance(r, RowError)]


async def _aiter(values: Iterable[Item]) -> AsyncIterator[Item]:
    for value in values:
        yield value


def export(fmt: str, values: list[Item]) -> bytes:
    async def run() -> bytes:
        columns = await csv_columns(_aiter(values)) if fmt == "csv" else None
        chunks = [c async for c in write_rows(fmt, _aiter(values), columns)]  # type: ignore[arg-type]
        return b"".join(chunks)

    return asyncio.run(run())


# --- format_for ---------------------------------------------------------------------------------------


def test_format_by_extension_or_explicit() -> None:
    assert format_for("data.CSV") == "csv"
    assert format_for("a.jsonl") == "jsonl"
    assert format_for("a.ndjson") == "jsonl"
    assert format_for("a.json") == "json"
    assert format_for("a.txt", "JSONL") == "jsonl"
    assert format_for("a.csv", "json") == "json"  # the explicit ?format= wins
    with pytest.raises(FileFormatError, match="format"):
        format_for("a.txt")
    with pytest.raises(FileFormatError, match="Unknown format"):
        format_for("a.csv", "xml")
    with pytest.raises(FileFormatError):
        format_for(None)


# --- CSV ----------------------------------------------------------------------------------------------


PROMPTFOO_CSV = (
    b"question,context,__expected,__description,__threshold,__metric,__metadata:source,__metadata:tags[]\r\n"
    b'"What is 2+2?",math,equals: 4,sum,0.8,accuracy,book,"a, b\\,c"\r\n'
    b"Capital of France?,geo,Paris,,,,,\r\n"
)


def test_csv_promptfoo_columns() -> None:
    assert items(parse("csv", PROMPTFOO_CSV)) == [
        (
            2,
            {"question": "What is 2+2?", "context": "math"},
            "equals: 4",
            {
                "description": "sum",
                "threshold": 0.8,
                "metric": "accuracy",
                "source": "book",
                "tags": ["a", "b,c"],
            },
        ),
        # empty special cells are left out, like promptfoo does
        (3, {"question": "Capital of France?", "context": "geo"}, "Paris", {}),
    ]


def test_csv_several_expected_columns_become_a_list() -> None:
    data = b"q,__expected,__expected1,__expected2,__prefix,__suffix\nx,a,b,c,P,S\ny,,d,,,\nz,e,,,,\nw,,,,,\n"
    assert items(parse("csv", data)) == [
        (2, {"q": "x"}, ["a", "b", "c"], {"prefix": "P", "suffix": "S"}),
        (3, {"q": "y"}, ["d"], {}),  # a numbered column makes a list, even of one
        (4, {"q": "z"}, "e", {}),  # only the plain __expected: its value
        (5, {"q": "w"}, None, {}),
    ]
    numbered_only = b"q,__expected2,__expected1\nx,second,first\n"
    assert items(parse("csv", numbered_only)) == [(2, {"q": "x"}, ["first", "second"], {})]


def test_csv_threshold_is_a_number() -> None:
    data = b"q,__threshold\na,1\nb,0.25\nc,1e3\nd,high\ne,nan\n"
    rows = parse("csv", data)
    assert [(r.line, r.metadata["threshold"]) for r in rows if isinstance(r, ParsedItem)] == [
        (2, 1),
        (3, 0.25),
        (4, 1000.0),
    ]
    assert errors(rows) == [
        (5, "__threshold must be a number, not 'high'"),
        (6, "__threshold must be a number, not 'nan'"),
    ]


def test_csv_quoted_newlines_and_line_numbers() -> None:
    data = (
        b"\xef\xbb\xbfq,a\n"  # a UTF-8 byte-order mark is tolerated
        b'"multi\nline\r\nvalue","say ""hi"""\n'
        b"\n"  # blank lines are skipped but counted
        b"one,two,three\n"
        b'x,"y\n'
        b'z"\n'
        b",\n"  # a row of empty cells: a spreadsheet's spare row
        b"last,row"  # no final newline
    )
    rows = parse("csv", data)
    assert items([r for r in rows if isinstance(r, ParsedItem)]) == [
        (2, {"q": "multi\nline\r\nvalue", "a": 'say "hi"'}, None, {}),
        (7, {"q": "x", "a": "y\nz"}, None, {}),
        (10, {"q": "last", "a": "row"}, None, {}),
    ]
    assert errors(rows) == [(6, "the row has 3 cells but the header has 2 columns")]


def test_csv_byte_by_byte_equals_one_chunk() -> None:
    data = PROMPTFOO_CSV + 'é,"ü\nß"\n'.encode() * 3 + b"bad,row,extra\n" + b'"unclosed,x\n'
    whole = parse("csv", data)
    assert whole == parse("csv", data, step=1) == parse("csv", data, step=7)
    assert whole[-1] == RowError(11, "a quoted field is not closed before the end of the file")


def test_csv_malformed_rows_are_row_errors() -> None:
    data = b'q,a\n"x"y,1\nok,2\n1,2\n'
    rows = parse("csv", data)
    assert errors(rows) == [(2, "not valid CSV (a quote inside a field must be doubled)")]
    assert items([r for r in rows if isinstance(r, ParsedItem)]) == [
        (3, {"q": "ok", "a": "2"}, None, {}),
        (4, {"q": "1", "a": "2"}, None, {}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no header row"),
        (b"\n\n", "no header row"),
        (b"q,q\nx,y\n", "appears twice"),
        (b"q,,a\n", "has no name"),
        (b"my question,a\n", "variable name"),
        (b"__config:x,a\n", "variable name"),
        (b"q\n\xff\xfe\n", "Line 2 is not UTF-8"),
        ("q\nx\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not UTF-8"),
        (b'"q,a\n', "header is not closed"),
        (b",".join(b"c%d" % i for i in range(300)) + b"\n", "columns"),
    ],
)
def test_csv_whole_file_problems(data: bytes, message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        parse("csv", data)


def test_csv_item_bounds() -> None:
    limits = FormatLimits(max_item_bytes=100, max_variables=2)
    data = b"a,b\nshort,x\n" + b"long," + b"y" * 200 + b"\n" + b"nul,\x00\n"
    rows = parse("csv", data, limits=limits)
    assert [r.line for r in rows if isinstance(r, ParsedItem)] == [2]
    assert errors(rows)[0][0] == 3 and "at most 100" in errors(rows)[0][1]
    assert errors(rows)[1][0] == 4 and "NUL" in errors(rows)[1][1]
    with pytest.raises(FileFormatError, match="3 variable columns; at most 2"):
        parse("csv", b"a,b,c\n", limits=limits)


# --- JSONL --------------------------------------------------------------------------------------------


def test_jsonl_item_and_promptfoo_shapes() -> None:
    lines = [
        {"input": {"q": "hi", "n": 2}, "expected": {"any": ["json"]}, "metadata": {"k": 1}},
        {"input": {"q": "no expected"}},
        {
            "vars": {"q": "from promptfoo"},
            "assert": [{"type": "contains", "value": "x"}],
            "threshold": 0.5,
            "description": "d",
            "metric": "m",
            "metadata": {"threshold": 0.1, "team": "a"},
        },
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode() + b"\r\n\n   \n"
    assert items(parse("jsonl", data)) == [
        (1, {"q": "hi", "n": 2}, {"any": ["json"]}, {"k": 1}),
        (2, {"q": "no expected"}, None, {}),
        (
            3,
            {"q": "from promptfoo"},
            None,
            # the test's own threshold wins over the metadata key of the same name
            {
                "threshold": 0.5,
                "team": "a",
                "description": "d",
                "metric": "m",
                "assert": [{"type": "contains", "value": "x"}],
            },
        ),
    ]


def test_jsonl_row_errors_with_line_numbers() -> None:
    data = b"\n".join(
        [
            b'{"input": {"ok": 1}}',
            b'{"input": {"ok": 1}',  # 2: not JSON
            b"[1, 2]",  # 3: not an object
            b'{"input": "text"}',  # 4
            b'{"input": {"bad name": 1}}',  # 5
            b'{"input": {}, "vars": {}}',  # 6
            b'{"inputs": {}}',  # 7
            b'{"input": {}, "extra": 1}',  # 8
            b'{"vars": {}, "threshold": "high"}',  # 9
            b'{"input": {"x": NaN}}',  # 10
            b'{"input": {"x": "\\u0000"}}',  # 11
            b'{"input": {"x": "\\ud800"}}',  # 12
            b'{"input": {}, "metadata": []}',  # 13
            b"[" * 100_000 + b"]" * 100_000,  # 14: nested past the recursion limit
            b'{"input": {"x": 1}}',  # 15
        ]
    )
    rows = parse("jsonl", data)
    assert [r.line for r in rows if isinstance(r, ParsedItem)] == [1, 15]
    found = errors(rows)
    assert [line for line, _ in found] == list(range(2, 15))
    messages = dict(found)
    assert messages[2].startswith("not valid JSON")
    assert "must be a JSON object, not an array" in messages[3]
    assert "input must be an object" in messages[4]
    assert "'bad name' is not a variable name" in messages[5]
    assert "not both" in messages[6]
    assert "needs input" in messages[7]
    assert "unknown key(s) 'extra'" in messages[8]
    assert "threshold must be a number" in messages[9]
    assert "NaN" in messages[10]
    assert "NUL" in messages[11]
    assert "surrogate" in messages[12]
    assert "metadata must be an object" in messages[13]
    assert messages[14]
    assert parse("jsonl", data, step=3) == rows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"q,a\nx,y\n", "Line 1 is not JSON"),
        (b'[\n  {"input": {}}\n]\n', "belongs in a .json file"),
        (b'{"input": {}}\n\xc3\x28\n', "Line 2 is not UTF-8"),
    ],
)
def test_jsonl_whole_file_problems(data: bytes, message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        parse("jsonl", data)


def test_jsonl_empty_file_has_no_rows() -> None:
    assert parse("jsonl", b"") == []
    assert parse("jsonl", b"\n\n") == []


# --- JSON array ---------------------------------------------------------------------------------------


def test_json_array_elements_and_their_lines() -> None:
    data = (
        b"\xef\xbb\xbf[\n"
        b'  {"input": {"q": "a, [b] {c} \\"d\\" \\\\"}, "expected": [1, {"e": null}]},\n'
        b'  {"vars": {"q": "promptfoo"},\n'
        b'   "assert": [{"type": "equals", "value": "x"}]},\n'
        b'  42, {"input": {"q": "same line"}},\n'
        b"  {bad json},\n"
        b'  {"input": {"q": "last"}}\n'
        b"]\n\n"
    )
    rows = parse("json", data)
    assert [(type(r).__name__, r.line) for r in rows] == [
        ("ParsedItem", 2),
        ("ParsedItem", 3),
        ("RowError", 5),
        ("ParsedItem", 5),
        ("RowError", 6),
        ("ParsedItem", 7),
    ]
    first = rows[0]
    assert isinstance(first, ParsedItem)
    assert first.input == {"q": 'a, [b] {c} "d" \\'} and first.expected == [1, {"e": None}]
    assert rows[1] == ParsedItem(3, {"q": "promptfoo"}, None, {"assert": [{"type": "equals", "value": "x"}]})
    assert parse("json", data, step=1) == rows
    assert parse("json", b"[]") == []
    assert errors(parse("json", b'[{"input": {}},,{"input": {}},]')) == [
        (1, "an empty array element (two commas, or a comma before ']')"),
        (1, "an empty array element (two commas, or a comma before ']')"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'{"input": {}}', "must be an array"),
        (b"not json", "must be an array"),
        (b'[{"input": {}}', "not closed"),
        (b'[{"input": {"q": "cut', "not closed"),
        (b'[{"input": {}}] [', "Line 1: there is more text"),
        (b'[{"input": {"q": "\xff"}}]', "not UTF-8"),
        ('[{"input": {}}]'.encode("utf-32"), "UTF-16 or UTF-32"),
    ],
)
def test_json_whole_file_problems(data: bytes, message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        parse("json", data)


def test_json_depth_bound_is_a_row_error() -> None:
    deep = b"[" + b'{"input": {"x": ' + b"[" * 50 + b"]" * 50 + b"}}, " + b'{"input": {}}]'
    rows = parse("json", deep, limits=FormatLimits(max_depth=32))
    assert errors(rows) == [(1, "the item is nested deeper than 32 levels")]
    assert len(items([r for r in rows if isinstance(r, ParsedItem)])) == 1


# --- bounds: a huge record is a row error with flat memory -----------------------------------------


HUGE = 5 * 1024 * 1024
_FIRST, _AFTER = b'{"input": {"q": "first"}}', b'{"input": {"q": "after"}}'


def _feed_huge(fmt: FileFormat, head: bytes, filler: bytes, tail: bytes) -> tuple[list[ParsedRow], int]:
    """Feed head + 5 MiB of filler (64 KiB chunks, no newline) + tail; returns rows and tracemalloc peak."""
    piece = filler * (64 * 1024 // len(filler))
    tracemalloc.start()
    try:
        parser = make_parser(fmt)
        rows = parser.feed(head)
        for _ in range(HUGE // len(piece)):
            rows += parser.feed(piece)
        rows += parser.feed(tail)
        rows += parser.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return rows, peak


@pytest.mark.parametrize(
    ("fmt", "head", "filler", "tail", "line"),
    [
        ("csv", b"q\nfirst\n", b"x", b"\nafter\n", 3),
        ("csv", b'q\nfirst\n"', b"x\n", b'"\nafter\n', 3),  # a quoted field of many lines
        ("jsonl", _FIRST + b'\n{"input": {"q": "', b"x", b'"}}\n' + _AFTER + b"\n", 2),
        ("json", b"[" + _FIRST + b',\n{"input": {"q": "', b"x", b'"}},\n' + _AFTER + b"]", 2),
        ("json", b"[" + _FIRST + b',\n{"input": {"q": [', b"1,", b"1]}},\n" + _AFTER + b"]", 2),
    ],
)
def test_a_5_mib_record_is_a_row_error_with_flat_memory(
    fmt: FileFormat, head: bytes, filler: bytes, tail: bytes, line: int
) -> None:
    rows, peak = _feed_huge(fmt, head, filler, tail)
    found = errors(rows)
    assert len(found) == 1 and found[0][0] == line
    assert "larger than 1048576 bytes" in found[0][1] or "nested deeper" in found[0][1]
    assert [r.input["q"] for r in rows if isinstance(r, ParsedItem)] == ["first", "after"]
    assert peak < 3 * 1024 * 1024, peak  # one record bound plus a chunk, not the 5 MiB


def test_an_oversized_csv_header_is_a_file_error() -> None:
    with pytest.raises(FileFormatError, match="header is larger"):
        _feed_huge("csv", b"", b"x", b"\n")


# --- a large CSV: flat memory, and a throughput figure -----------------------------------------------


def test_100k_row_csv_parses_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    write_benchmark_csv(path, 100_000)

    def parse_file() -> int:
        parser = make_parser("csv")
        count = 0
        with path.open("rb") as file:
            while chunk := file.read(256 * 1024):
                count += sum(isinstance(r, ParsedItem) for r in parser.feed(chunk))
        return count + sum(isinstance(r, ParsedItem) for r in parser.close())

    started = time.perf_counter()
    assert parse_file() == 100_000
    rate = 100_000 / (time.perf_counter() - started)  # measured apart: tracemalloc slows Python down
    tracemalloc.start()
    try:
        assert parse_file() == 100_000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak
    print(f"\n100k-row CSV ({path.stat().st_size:,} bytes): {rate:,.0f} rows/s, peak {peak:,} bytes")


# --- writing and round trips --------------------------------------------------------------------------


def test_csv_export_uses_promptfoo_columns() -> None:
    values = [
        Item({"q": "a,b", "n": 3}, "x", {"description": "d", "threshold": 0.5, "metric": "m", "tags": ["t"]}),
        Item({"q": 'say "hi"'}, ["c1", "c2"], {"threshold": "high", "prefix": "P"}),
        Item({"q": "=1+1"}, {"type": "equals"}, {}),
    ]
    text = export("csv", values).decode()
    assert text.splitlines()[0] == (
        "q,n,__expected,__expected1,__expected2,__description,__threshold,__metric,__prefix,"
        "__metadata:tags,__metadata:threshold"
    )
    rows = items(parse("csv", text.encode()))
    assert rows == [
        # CSV holds text: non-string values come back as their JSON text
        (
            2,
            {"q": "a,b", "n": "3"},
            "x",
            {"description": "d", "threshold": 0.5, "metric": "m", "tags": '["t"]'},
        ),
        (3, {"q": 'say "hi"', "n": ""}, ["c1", "c2"], {"threshold": "high", "prefix": "P"}),
        # a leading = is kept as is: no formula escaping (docs/datasets-formats.md)
        (4, {"q": "=1+1", "n": ""}, '{"type": "equals"}', {}),
    ]


def test_csv_export_refuses_more_columns_than_an_import_takes() -> None:
    values = [Item({f"v{i}": "x"}) for i in range(300)]
    with pytest.raises(FileFormatError, match="export them as JSONL"):
        export("csv", values)


def test_writers_stream_in_chunks() -> None:
    values = [Item({"q": "x" * 1000}, "y", {}) for _ in range(500)]

    async def chunks(fmt: str) -> list[bytes]:
        columns = await csv_columns(_aiter(values)) if fmt == "csv" else None
        return [c async for c in write_rows(fmt, _aiter(values), columns)]  # type: ignore[arg-type]

    for fmt in ("csv", "jsonl"):
        parts = asyncio.run(chunks(fmt))
        assert len(parts) > 3 and all(len(p) < 80 * 1024 for p in parts)
    with pytest.raises(ValueError, match="columns"):
        write_rows("csv", _aiter(values), None)


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.builds(
            Item,
            st.dictionaries(_names, _json, max_size=4),
            _json,
            st.dictionaries(_text.filter(bool), _json, max_size=3),
        ),
        max_size=5,
    )
)
def test_jsonl_round_trip_is_exact(values: list[Item]) -> None:
    rows = parse("jsonl", export("jsonl", values), step=13)
    assert [(r.input, r.expected, r.metadata) for r in rows if isinstance(r, ParsedItem)] == [
        (v.input, v.expected, v.metadata) for v in values
    ]
    assert not errors(rows)


_cell_text = _text.filter(bool)  # an empty cell reads back as "absent" (documented)


@st.composite
def _string_items(draw: st.DrawFn) -> list[Item]:
    """String-valued items sharing their variables (a CSV row has every column)."""
    variables = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
    special = st.sampled_from(["description", "metric", "prefix", "suffix"])
    keys = st.one_of(special, _names.map(lambda n: f"k_{n}"))
    result = []
    for _ in range(draw(st.integers(0, 5))):
        expected = draw(st.none() | _cell_text | st.lists(_cell_text, min_size=1, max_size=3))
        result.append(
            Item(
                {name: draw(_text) for name in variables},
                expected,
                draw(st.dictionaries(keys, _cell_text, max_size=3)),
            )
        )
    return [i for i in result if any(i.input.values()) or i.expected is not None or i.metadata]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_string_items(), st.integers(1, 50))
def test_csv_round_trip_of_string_items(values: list[Item], step: int) -> None:
    rows = parse("csv", export("csv", values), step=step)
    assert not errors(rows)
    assert [(r.input, r.expected, r.metadata) for r in rows if isinstance(r, ParsedItem)] == [
        (v.input, v.expected, v.metadata) for v in values
    ]
