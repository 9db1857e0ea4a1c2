"""The embedded default store: objects as files in a folder (PF_DATA_DIR/storage unless set)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import structlog

from promptforge.core.storage.base import (
    LOCAL_INCOMING_DIR,
    READ_CHUNK_BYTES,
    ObjectNotFound,
    ObjectTooLarge,
    StorageUnavailable,
    check_key,
)

log = structlog.get_logger("promptforge.storage")
WRITE_BUFFER_BYTES = 1024 * 1024  # fewer thread hops than one per (possibly tiny) incoming chunk
T = TypeVar("T")


class LocalStorage:
    """Objects as files under `root`, written to a temporary file and renamed when complete, so a
    reader never sees half an object. File I/O runs in worker threads, off the event loop."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    async def _path(self, key: str) -> Path:
        check_key(key)
        path = await asyncio.to_thread((self.root / key).resolve)  # resolve() reads links on disk
        if not path.is_relative_to(self.root) or path == self.root:  # symlinks included
            raise ValueError(f"object key {key!r} leaves the storage folder")
        return path

    async def put(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        content_type: str = "application/octet-stream",
        max_bytes: int | None = None,
    ) -> int:
        path = await self._path(key)
        temp = self.root / LOCAL_INCOMING_DIR / f"{uuid.uuid4().hex}.part"
        total = 0
        try:
            file = await _disk(_open_for_writing, temp)
            try:
                buffer = bytearray()
                # Errors of the source stream (a client gone) pass through as they are.
                async for chunk in chunks:
                    total += len(chunk)
                    if max_bytes is not None and total > max_bytes:
                        raise ObjectTooLarge(max_bytes)
                    buffer += chunk
                    if len(buffer) >= WRITE_BUFFER_BYTES:
                        await _disk(file.write, bytes(buffer))
                        buffer.clear()
                await _disk(_finish, file, bytes(buffer))
            finally:
                await _disk(file.close)
            await _disk(_move_into_place, temp, path)
        finally:
            with contextlib.suppress(OSError):  # the file is still there only after a failure
                await asyncio.to_thread(temp.unlink, missing_ok=True)
        return total

    async def get(self, key: str) -> AsyncIterator[bytes]:
        path = await self._path(key)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound() from None
        except OSError as exc:
            raise StorageUnavailable("The file storage cannot be read.") from exc
        try:
            while chunk := await asyncio.to_thread(file.read, READ_CHUNK_BYTES):
                yield chunk
        finally:
            await asyncio.to_thread(file.close)

    async def size(self, key: str) -> int:
        path = await self._path(key)
        try:
            info = await asyncio.to_thread(path.stat)
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound() from None
        except OSError as exc:
            raise StorageUnavailable("The file storage cannot be read.") from exc
        if not stat.S_ISREG(info.st_mode):  # a key prefix (a folder), not an object
            raise ObjectNotFound()
        return info.st_size

    async def delete(self, key: str) -> None:
        path = await self._path(key)
        try:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        except (IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            if await asyncio.to_thread(path.is_dir):  # a key prefix, not an object: nothing to delete
                return
            raise StorageUnavailable("The file storage cannot be written to.") from exc

    async def download_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        await self._path(key)
        return None

    async def ping(self) -> bool:
        def writable() -> bool:
            self.root.mkdir(parents=True, exist_ok=True)
            return os.access(self.root, os.W_OK | os.X_OK)

        try:
            return await asyncio.to_thread(writable)
        except OSError:
            return False

    async def close(self) -> None:
        return None


async def _disk(function: Callable[..., T], *args: Any) -> T:
    """Run a file operation in a thread; a disk failure (full, read-only, gone) is a 503."""
    try:
        return await asyncio.to_thread(function, *args)
    except OSError as exc:
        log.warning("storage_disk_error", operation=function.__name__, error=str(exc))
        raise StorageUnavailable("The file storage cannot be written to.") from exc


def _open_for_writing(temp: Path) -> IO[bytes]:
    temp.parent.mkdir(parents=True, exist_ok=True)
    return temp.open("xb")


def _finish(file: IO[bytes], tail: bytes) -> None:
    file.write(tail)
    file.flush()
    os.fsync(file.fileno())  # the rename must not publish a file whose bytes are still in flight


def _move_into_place(temp: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, path)
