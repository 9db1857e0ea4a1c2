"""One file field of a multipart/form-data request, read as it arrives (never buffered whole).

Starlette's `request.form()` spools the whole body to a temporary file before the handler sees it;
an import of 200 MB would then be written twice and could not be refused early. Here the body is
fed chunk by chunk to python-multipart's streaming parser, and the file's bytes are handed on as
an async iterator (e.g. into `ObjectStorage.put`), so memory holds one network chunk at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from promptforge.core.errors import AppError, Unprocessable
from promptforge.core.storage import ObjectTooLarge

# Room for the multipart framing (boundaries, part headers, small extra fields) beyond the file.
FRAMING_BYTES = 64 * 1024
FILENAME_MAX_CHARS = 255


class UploadAborted(AppError):
    """The client stopped sending the body, or sent one that ends inside the file."""

    status, code = 400, "upload_incomplete"


def clean_filename(raw: str) -> str:
    """The file name without any path, control characters or excess length (it is only shown)."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())
    return name[:FILENAME_MAX_CHARS]


class MultipartFile:
    """Reads the part named `field` out of the request body; `await start()` then `chunks()`."""

    def __init__(self, request: Request, field: str, max_file_bytes: int) -> None:
        self._request = request
        self._field = field.encode()
        self.max_file_bytes = max_file_bytes
        self._max_body = max_file_bytes + FRAMING_BYTES
        self.filename: str | None = None
        self._body = request.stream()
        self._received = 0
        self._pending: list[bytes] = []
        self._headers: dict[bytes, bytes] = {}
        self._name, self._value = b"", b""
        self._in_file = self._file_done = self._found = self._ended = False
        self._parser = self._make_parser(request)

    def _make_parser(self, request: Request) -> MultipartParser:
        content_type, params = parse_options_header(request.headers.get("content-type", ""))
        boundary = params.get(b"boundary")
        if content_type != b"multipart/form-data" or not boundary:
            raise Unprocessable.field(
                ["body", self._field.decode()], "Send the file as multipart/form-data in a field named file."
            )

        def part_begin() -> None:
            self._headers = {}

        def header_field(data: bytes, start: int, end: int) -> None:
            self._name += data[start:end]

        def header_value(data: bytes, start: int, end: int) -> None:
            self._value += data[start:end]

        def header_end() -> None:
            if len(self._headers) < 16:  # bounded: a part has a handful of headers
                self._headers[self._name.lower()[:64]] = self._value[:2048]
            self._name, self._value = b"", b""

        def headers_finished() -> None:
            _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
            if options.get(b"name") == self._field and not self._found:
                self._found = self._in_file = True
                self.filename = clean_filename(options.get(b"filename", b"").decode("utf-8", "replace"))

        def part_data(data: bytes, start: int, end: int) -> None:
            if self._in_file:
                self._pending.append(data[start:end])

        def part_end() -> None:
            if self._in_file:
                self._in_file, self._file_done = False, True

        callbacks = {
            "on_part_begin": part_begin,
            "on_header_field": header_field,
            "on_header_value": header_value,
            "on_header_end": header_end,
            "on_headers_finished": headers_finished,
            "on_part_data": part_data,
            "on_part_end": part_end,
        }
        return MultipartParser(boundary, callbacks, max_size=float(self._max_body))  # type: ignore[arg-type]

    async def _pump(self) -> bool:
        """Feed the parser the next chunk of the body; False once the body has ended."""
        if self._ended:
            return False
        try:
            chunk = await anext(self._body)
        except StopAsyncIteration:
            self._ended = True
            return False
        except ClientDisconnect:
            raise UploadAborted("The upload was interrupted before the file was complete.") from None
        self._received += len(chunk)
        if self._received > self._max_body:
            raise ObjectTooLarge(self.max_file_bytes)
        try:
            self._parser.write(chunk)
        except Exception:  # python-multipart's MultipartParseError and friends
            raise Unprocessable.field(
                ["body", self._field.decode()], "The body is not valid multipart/form-data."
            ) from None
        return True

    async def start(self) -> None:
        """Read until the file part's headers (its name) have arrived; 422 if there is no such part."""
        while not self._found:
            if not await self._pump():
                raise Unprocessable.field(
                    ["body", self._field.decode()], f"The form has no field named {self._field.decode()}."
                )

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive; UploadAborted if the body ends inside the file."""
        while True:
            while self._pending:
                yield self._pending.pop(0)
            if self._file_done:
                return
            if not await self._pump():
                raise UploadAborted("The body ended before the end of the file.")
