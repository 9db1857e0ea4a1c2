"""Incremental, synchronous dataset file parsers: bytes in by chunks, items and row errors out.

Each parser holds at most one record (bounded by FormatLimits.max_record_bytes) plus the chunk it
is given, so memory stays flat however large the file. A record over the bound is skipped while
its end is still tracked (quotes, brackets, strings), then reported as a RowError at its line.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from typing import Any

from promptforge.datasets.format_items import (
    CsvHeader,
    FileFormatError,
    FormatLimits,
    ParsedRow,
    RowError,
    csv_header,
    item_from_csv,
    item_from_json,
)

_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class _Parser:
    """Chunk plumbing shared by the formats: the byte-order mark, and feed/close after the end."""

    def __init__(self, limits: FormatLimits) -> None:
        self.limits = limits
        self._head: bytes | None = b""  # the first bytes until the byte-order mark is decided
        self._closed = False

    def feed(self, chunk: bytes) -> list[ParsedRow]:
        """Parse the next bytes of the file; returns the rows completed by them."""
        if self._closed:
            raise RuntimeError("feed() after close()")
        if self._head is not None:
            self._head += chunk
            if len(self._head) < 4:
                return []
            chunk, self._head = self._strip_bom(self._head), None
        out: list[ParsedRow] = []
        if chunk:
            self._consume(chunk, out)
        return out

    def close(self) -> list[ParsedRow]:
        """The end of the file: returns the last rows, or raises FileFormatError if it is cut short."""
        if self._closed:
            return []
        out: list[ParsedRow] = []
        if self._head is not None:
            head, self._head = self._strip_bom(self._head), None
            if head:
                self._consume(head, out)
        self._closed = True
        self._finish(out)
        return out

    @staticmethod
    def _strip_bom(head: bytes) -> bytes:
        if head.startswith(codecs.BOM_UTF8):
            return head[len(codecs.BOM_UTF8) :]
        if head.startswith(_OTHER_BOMS):
            raise FileFormatError("The file is UTF-16 or UTF-32 text; save it as UTF-8.")
        return head

    def _consume(self, chunk: bytes, out: list[ParsedRow]) -> None:
        raise NotImplementedError

    def _finish(self, out: list[ParsedRow]) -> None:
        raise NotImplementedError


def _text(raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(f"Line {line} is not UTF-8 text; save the file as UTF-8.") from None


def _too_large(limits: FormatLimits) -> str:
    return f"the record is larger than {limits.max_record_bytes} bytes"


class _LineParser(_Parser):
    """Splits on LF (CRLF is LF plus a CR the formats drop); a record may span lines (CSV quotes)."""

    def __init__(self, limits: FormatLimits) -> None:
        super().__init__(limits)
        self._pending = bytearray()
        self._overflow = False
        self._quotes = 0  # quote characters in the current record (CSV: odd = inside a quoted field)
        self._next_line = 1  # the line number the next physical line has
        self._record_line = 1
        self._count_quotes = False

    def _consume(self, chunk: bytes, out: list[ParsedRow]) -> None:
        pos, size, limit = 0, len(chunk), self.limits.max_record_bytes
        while pos < size:
            end = chunk.find(b"\n", pos)
            stop = size if end < 0 else end + 1
            if self._count_quotes:
                self._quotes += chunk.count(b'"', pos, stop)
            if not self._overflow:
                if not self._pending and end >= 0 and stop - pos <= limit and self._quotes % 2 == 0:
                    # The common case: a whole record inside this chunk, handled without copying twice.
                    self._next_line += 1
                    self._quotes = 0
                    line, self._record_line = self._record_line, self._next_line
                    self._record(chunk[pos:stop], line, out)
                    pos = stop
                    continue
                if len(self._pending) + (stop - pos) > limit:
                    self._overflow = True
                    self._pending = bytearray()
                else:
                    self._pending += chunk[pos:stop]
            pos = stop
            if end >= 0:
                self._next_line += 1
                if self._quotes % 2 == 0:
                    self._end_record(out)

    def _end_record(self, out: list[ParsedRow]) -> None:
        line, self._record_line = self._record_line, self._next_line
        raw, self._pending, overflow = bytes(self._pending), bytearray(), self._overflow
        self._overflow, self._quotes = False, 0
        if overflow:
            self._oversized(line, out)
        else:
            self._record(raw, line, out)

    def _finish(self, out: list[ParsedRow]) -> None:
        if self._pending or self._overflow:
            if self._quotes % 2:
                self._unterminated(self._record_line, out)
                self._pending, self._overflow = bytearray(), False
            else:
                self._end_record(out)
        self._at_end(out)

    def _record(self, raw: bytes, line: int, out: list[ParsedRow]) -> None:
        raise NotImplementedError

    def _oversized(self, line: int, out: list[ParsedRow]) -> None:
        out.append(RowError(line, _too_large(self.limits)))

    def _unterminated(self, line: int, out: list[ParsedRow]) -> None:
        raise NotImplementedError

    def _at_end(self, out: list[ParsedRow]) -> None:
        pass


class CsvParser(_LineParser):
    """RFC 4180 CSV with a header row and promptfoo's columns; quoted fields may hold newlines.

    Records are cut where a line ends with an even number of quote characters so far (a doubled
    quote toggles twice), then each record goes through the csv module in strict mode.
    """

    def __init__(self, limits: FormatLimits) -> None:
        super().__init__(limits)
        self._count_quotes = True
        self._header: CsvHeader | None = None

    def _record(self, raw: bytes, line: int, out: list[ParsedRow]) -> None:
        text = _text(raw, line)
        if not text.strip():
            return  # blank lines carry nothing (also before the header)
        if self._header is None:
            # A header of a million empty names would cost far more memory than its bytes.
            if raw.count(b",") >= self.limits.max_columns:
                raise FileFormatError(f"The CSV header has more than {self.limits.max_columns} columns.")
            names = self._cells(text)
            if names is None:
                raise FileFormatError(f"Line {line}: the header row is not valid CSV.")
            self._header = csv_header(names, self.limits)
            return
        cells = self._cells(text)
        if cells is None:
            out.append(RowError(line, "not valid CSV (a quote inside a field must be doubled)"))
            return
        row = item_from_csv(line, text, cells, self._header, self.limits)
        if row is not None:
            out.append(row)

    @staticmethod
    def _cells(text: str) -> list[str] | None:
        try:
            return next(csv.reader((text,), strict=True))
        except (csv.Error, StopIteration):
            return None

    def _oversized(self, line: int, out: list[ParsedRow]) -> None:
        if self._header is None:
            raise FileFormatError(f"The CSV header is larger than {self.limits.max_record_bytes} bytes.")
        super()._oversized(line, out)

    def _unterminated(self, line: int, out: list[ParsedRow]) -> None:
        if self._header is None:
            raise FileFormatError(f"Line {line}: a quoted field of the header is not closed.")
        out.append(RowError(line, "a quoted field is not closed before the end of the file"))

    def _at_end(self, out: list[ParsedRow]) -> None:
        if self._header is None:
            raise FileFormatError("The CSV file has no header row (it is empty).")


class JsonlParser(_LineParser):
    """JSON Lines: each non-blank line one item object (ours or promptfoo's test shape)."""

    def __init__(self, limits: FormatLimits) -> None:
        super().__init__(limits)
        self._seen_json = False

    def _record(self, raw: bytes, line: int, out: list[ParsedRow]) -> None:
        text = _text(raw, line)
        if not text.strip():
            return
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            if not self._seen_json:
                # The first line decides whether this is JSON Lines at all: a CSV or a pretty-printed
                # JSON array would otherwise become one error per line.
                hint = " (a JSON array belongs in a .json file)" if text.strip() in ("[", "[{") else ""
                message = f"Line {line} is not JSON, so this is not a JSON Lines file{hint}."
                raise FileFormatError(message) from None
            out.append(RowError(line, f"not valid JSON: {_json_message(exc)}"))
            return
        self._seen_json = True
        out.append(item_from_json(line, value, self.limits))

    def _oversized(self, line: int, out: list[ParsedRow]) -> None:
        self._seen_json = True  # an oversized first line is a row problem, not proof of another format
        super()._oversized(line, out)


def _json_message(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    return getattr(exc, "msg", None) or str(exc)[:200]


_OUTSIDE = re.compile(rb'["\[\]{},]')
_INSIDE = re.compile(rb'["\\]')
_SPACE = re.compile(rb"[ \t\r\n]*")
_BEFORE, _OPEN, _ELEMENT, _DONE = range(4)


class JsonArrayParser(_Parser):
    """A top-level JSON array, split into elements by a scanner that tracks strings and brackets.

    Each element (bounded by max_record_bytes and max_depth) is then parsed by the json module.
    An element's line is the line of its first character. ijson was not used: it reports no
    positions, and its lexer buffers a whole token (a 500 MB string) before it can be bounded.
    """

    def __init__(self, limits: FormatLimits) -> None:
        super().__init__(limits)
        self._state = _BEFORE
        self._after_comma = False
        self._buf = bytearray()
        self._problem: str | None = None  # why the current element is skipped (too large, too deep)
        self._depth = 0
        self._in_string = False
        self._escape = False
        self._line = 1  # the line number at self._line_pos of the current chunk
        self._line_pos = 0
        self._element_line = 1

    def _line_at(self, chunk: bytes, pos: int) -> int:
        self._line += chunk.count(b"\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def _keep(self, piece: bytes) -> None:
        if self._problem is None:
            if len(self._buf) + len(piece) > self.limits.max_record_bytes:
                self._problem, self._buf = _too_large(self.limits), bytearray()
            else:
                self._buf += piece

    def _consume(self, chunk: bytes, out: list[ParsedRow]) -> None:
        pos, size = 0, len(chunk)
        while pos < size:
            if self._state == _ELEMENT:
                pos = self._scan_element(chunk, pos, out)
                continue
            pos = _SPACE.match(chunk, pos).end()  # type: ignore[union-attr]  # `*` always matches
            if pos >= size:
                break
            byte = chunk[pos : pos + 1]
            line = self._line_at(chunk, pos)
            if self._state == _BEFORE:
                if byte != b"[":
                    start = chunk[pos : pos + 20].decode("utf-8", "replace")
                    raise FileFormatError(
                        "A JSON dataset file must be an array of items ([...]); "
                        f"this one starts with {start!r}."
                    )
                self._state, self._after_comma, pos = _OPEN, False, pos + 1
            elif self._state == _OPEN:
                if byte == b"]" and not self._after_comma:
                    self._state, pos = _DONE, pos + 1
                elif byte in (b",", b"]"):
                    out.append(RowError(line, "an empty array element (two commas, or a comma before ']')"))
                    self._state = _DONE if byte == b"]" else _OPEN
                    self._after_comma, pos = True, pos + 1
                else:
                    self._state, self._element_line = _ELEMENT, line
                    self._depth, self._in_string, self._escape = 0, False, False
            else:  # _DONE
                raise FileFormatError(f"Line {line}: there is more text after the end of the JSON array.")
        self._line_at(chunk, size)
        self._line_pos = 0

    def _scan_element(self, chunk: bytes, pos: int, out: list[ParsedRow]) -> int:
        """Scan the current element from `pos`; returns where scanning stopped."""
        size = len(chunk)
        if self._escape:  # the byte after a backslash that ended the previous chunk
            self._keep(chunk[pos : pos + 1])
            self._escape, pos = False, pos + 1
        while pos < size:
            if self._in_string:
                found = _INSIDE.search(chunk, pos)
                if found is None:
                    self._keep(chunk[pos:])
                    return size
                at = found.start()
                if chunk[at] == 0x5C:  # backslash: keep it and the escaped byte together
                    self._keep(chunk[pos : at + 2])
                    self._escape = at + 1 >= size
                    pos = at + 2
                else:
                    self._keep(chunk[pos : at + 1])
                    self._in_string, pos = False, at + 1
                continue
            found = _OUTSIDE.search(chunk, pos)
            if found is None:
                self._keep(chunk[pos:])
                return size
            at = found.start()
            byte = chunk[at]
            if self._depth == 0 and byte in b",]":
                self._keep(chunk[pos:at])
                self._end_element(out)
                self._state = _DONE if byte == 0x5D else _OPEN
                self._after_comma = byte == 0x2C
                return at + 1
            self._keep(chunk[pos : at + 1])
            pos = at + 1
            if byte == 0x22:
                self._in_string = True
            elif byte in b"[{":
                self._depth += 1
                if self._depth > self.limits.max_depth and self._problem is None:
                    self._problem = f"the item is nested deeper than {self.limits.max_depth} levels"
                    self._buf = bytearray()
            elif byte in b"]}" and self._depth > 0:  # a stray one at depth 0 fails in json.loads
                self._depth -= 1
        return size

    def _end_element(self, out: list[ParsedRow]) -> None:
        line, raw, problem = self._element_line, bytes(self._buf), self._problem
        self._buf, self._problem = bytearray(), None
        if problem is not None:
            out.append(RowError(line, problem))
            return
        try:
            value: Any = json.loads(_text(raw, line))
        except (ValueError, RecursionError) as exc:
            out.append(RowError(line, f"not valid JSON: {_json_message(exc)}"))
            return
        out.append(item_from_json(line, value, self.limits))

    def _finish(self, out: list[ParsedRow]) -> None:
        if self._state == _BEFORE:
            raise FileFormatError("The file is empty: a JSON dataset file is an array of items ([...]).")
        if self._state != _DONE:
            raise FileFormatError(
                f"The JSON array is not closed: the file ends inside it (line {self._line}); is it cut short?"
            )
