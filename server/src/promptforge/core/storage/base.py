"""The storage interface, its errors and the key rules every backend shares."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol
from urllib.parse import quote

from promptforge.core.errors import AppError

MAX_KEY_BYTES = 1024  # S3's limit; the local folder keeps the same rule so both behave alike
MAX_KEY_PART_BYTES = 255  # a file name on common filesystems
READ_CHUNK_BYTES = 64 * 1024
# LocalStorage keeps unfinished files here; object_key escapes "#", so no key it makes can reach it.
LOCAL_INCOMING_DIR = "#incoming"


class ObjectNotFound(AppError):
    status, code = 404, "not_found"

    def __init__(self, detail: str = "The file does not exist (any more).") -> None:
        super().__init__(detail)


class ObjectTooLarge(AppError):
    status, code = 413, "payload_too_large"

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The file is larger than {max_bytes} bytes.")
        self.max_bytes = max_bytes


class StorageUnavailable(AppError):
    """The object store (S3 or the disk) cannot be reached or refused our credentials: retry later."""

    status, code = 503, "storage_unavailable"

    def __init__(self, detail: str = "The file storage is unreachable; try again shortly.") -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class ObjectStorage(Protocol):
    """Where uploaded and exported files live. Keys come from `object_key`."""

    async def put(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        content_type: str = "application/octet-stream",
        max_bytes: int | None = None,
    ) -> int:
        """Store the stream under `key` (replacing any object there); return the bytes written.

        Over `max_bytes` raises ObjectTooLarge and stores nothing (an older object stays as it was).
        """
        ...

    def get(self, key: str) -> AsyncIterator[bytes]:
        """Stream the object's bytes. ObjectNotFound is raised on the first iteration
        (use `start_stream` to have it raised before an HTTP answer begins)."""
        ...

    async def size(self, key: str) -> int:
        """The object's size in bytes; ObjectNotFound if it does not exist."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; deleting a missing one is not an error."""
        ...

    async def download_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        """A short-lived URL that downloads the object as `filename`, or None when the caller must
        serve it itself (local folder: through an API route that checks access and streams `get`)."""
        ...

    async def ping(self) -> bool:
        """Whether the store answers (for readiness checks); never raises."""
        ...

    async def close(self) -> None:
        """Release connections; the object may not be used afterwards."""
        ...


def object_key(*parts: str) -> str:
    """Join `parts` into a key, each percent-escaped: no part can add a "/", a "..", or lead with "/".

    Raises ValueError for an empty key, an empty part or one too long: keys are built from ids and
    names the caller chose, never from unchecked user text of any length.
    """
    if not parts:
        raise ValueError("an object key needs at least one part")
    escaped = []
    for part in parts:
        if not part:
            raise ValueError("object key parts must not be empty")
        item = quote(part, safe="")
        if item in (".", ".."):  # quote() leaves dots alone; "." and ".." name directories
            item = item.replace(".", "%2E")
        if len(item) > MAX_KEY_PART_BYTES:
            raise ValueError(f"object key part longer than {MAX_KEY_PART_BYTES} bytes once escaped")
        escaped.append(item)
    key = "/".join(escaped)
    if len(key) > MAX_KEY_BYTES:
        raise ValueError(f"object key longer than {MAX_KEY_BYTES} bytes")
    return key


def check_key(key: str) -> None:
    """Refuse a key `object_key` could not have made (defence in depth in each backend)."""
    segments = key.split("/")
    if (
        not key
        or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES
        or any(s in ("", ".", "..") for s in segments)
        or segments[0] == LOCAL_INCOMING_DIR
        or "\\" in key
        or "\x00" in key
    ):
        raise ValueError(f"invalid object key {key!r}")


def attachment_header(filename: str) -> str:
    """A `Content-Disposition: attachment` value naming `filename` safely (RFC 6266 / RFC 8187).

    The plain `filename=` carries an ASCII stand-in without quotes, backslashes or control
    characters (no header injection); `filename*=` carries the exact name, percent-encoded.
    """
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "download"
    exact = quote(filename.encode("utf-8", "replace"), safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


async def start_stream(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Read the first chunk now, so ObjectNotFound / StorageUnavailable surface before a streaming
    answer has sent its status; return an iterator over all chunks, the first included."""
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        first = b""

    async def replay() -> AsyncIterator[bytes]:
        try:
            if first:
                yield first
            async for chunk in chunks:
                yield chunk
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()

    return replay()
