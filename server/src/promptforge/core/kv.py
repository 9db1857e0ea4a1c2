"""A small key-value / counter / pub-sub interface, backed by Redis or, embedded, by this process.

Everything that must be shared between replicas (cache entries, rate-limit counters, revoked
tokens, events) goes through it, so the embedded default and Redis run the same code paths.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Protocol, TypeVar

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from promptforge.core.errors import AppError

log = structlog.get_logger("promptforge.kv")
T = TypeVar("T")


class StoreUnavailable(AppError):
    """Redis cannot be reached. Most routes answer 503; resolve and render fall back to the database."""

    status, code = 503, "cache_unavailable"

    def __init__(self) -> None:
        super().__init__("The cache (Redis) is unreachable; try again shortly.")


class KeyValueStore(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def mget(self, keys: list[str]) -> list[bytes | None]: ...
    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...
    async def delete(self, *keys: str) -> None: ...
    async def incr(self, key: str, ttl: float | None = None) -> int:
        """Increment a counter; `ttl` starts its expiry window when the counter is created."""
        ...

    async def ttl(self, key: str) -> float | None: ...
    async def publish(self, channel: str, message: bytes) -> None: ...
    def subscribe(self, pattern: str) -> AsyncIterator[tuple[str, bytes]]: ...
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...


class MemoryStore:
    """The in-process implementation used by the embedded default (one process, no Redis)."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._queues: list[tuple[str, asyncio.Queue[tuple[str, bytes]]]] = []

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    async def get(self, key: str) -> bytes | None:
        return self._live(key)

    async def mget(self, keys: list[str]) -> list[bytes | None]:
        return [self._live(k) for k in keys]

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def incr(self, key: str, ttl: float | None = None) -> int:
        current = self._live(key)
        if current is None:
            self._data[key] = (b"1", time.monotonic() + ttl if ttl else None)
            return 1
        value = int(current) + 1
        self._data[key] = (str(value).encode(), self._data[key][1])
        return value

    async def ttl(self, key: str) -> float | None:
        if self._live(key) is None:
            return None
        expires = self._data[key][1]
        return None if expires is None else max(0.0, expires - time.monotonic())

    async def publish(self, channel: str, message: bytes) -> None:
        for pattern, queue in self._queues:
            if fnmatch.fnmatchcase(channel, pattern):
                queue.put_nowait((channel, message))

    async def subscribe(self, pattern: str) -> AsyncIterator[tuple[str, bytes]]:
        queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        entry = (pattern, queue)
        self._queues.append(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.remove(entry)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()


def _as_bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


class RedisStore:
    """Redis through redis.asyncio; keys are namespaced by `prefix` so tests can share a server."""

    def __init__(self, url: str, prefix: str = "pf:") -> None:
        self.client = aioredis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
        self.prefix = prefix

    def _k(self, key: str) -> str:
        return self.prefix + key

    async def _run(self, awaitable: Awaitable[T]) -> T:
        """Await a Redis call, turning connection failures into StoreUnavailable."""
        try:
            return await awaitable
        except (RedisError, OSError) as exc:
            log.warning("redis_unavailable", error=type(exc).__name__)
            raise StoreUnavailable from None

    async def get(self, key: str) -> bytes | None:
        value = await self._run(self.client.get(self._k(key)))
        return _as_bytes(value)

    async def mget(self, keys: list[str]) -> list[bytes | None]:
        values = await self._run(self.client.mget([self._k(k) for k in keys]))
        return [_as_bytes(v) for v in values]

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        await self._run(self.client.set(self._k(key), value, px=int(ttl * 1000) if ttl else None))

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._run(self.client.delete(*(self._k(k) for k in keys)))

    async def incr(self, key: str, ttl: float | None = None) -> int:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(self._k(key))
            if ttl:
                pipe.pexpire(self._k(key), int(ttl * 1000), nx=True)
            result = await self._run(pipe.execute())
        return int(result[0])

    async def ttl(self, key: str) -> float | None:
        ms: int = await self._run(self.client.pttl(self._k(key)))
        return None if ms < 0 else ms / 1000

    async def publish(self, channel: str, message: bytes) -> None:
        await self._run(self.client.publish(self._k(channel), message))

    async def subscribe(self, pattern: str) -> AsyncIterator[tuple[str, bytes]]:
        pubsub = self.client.pubsub()
        await pubsub.psubscribe(self._k(pattern))
        try:
            async for msg in pubsub.listen():
                if msg["type"] == "pmessage":
                    yield msg["channel"].decode()[len(self.prefix) :], msg["data"]
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except Exception:  # any connection failure means "not ready"
            return False

    async def close(self) -> None:
        await self.client.aclose()


def create_store(url: str, prefix: str = "pf:") -> KeyValueStore:
    return RedisStore(url, prefix) if url else MemoryStore()
