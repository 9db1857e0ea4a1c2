"""A small key-value / counter / pub-sub interface, backed by Redis or, embedded, by this process.

Everything that must be shared between replicas (cache entries, rate-limit counters, revoked
tokens, events) goes through it, so the embedded default and Redis run the same code paths.

`open_feed` is the one place that reaches into redis-py internals (to see, without reading, whether
a subscription has messages waiting); tests/core/test_kv.py fails if those internals change, and
pyproject.toml pins redis to the versions checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import select
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, TypeVar

import redis.asyncio as aioredis
import structlog
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from promptforge.core.errors import AppError

log = structlog.get_logger("promptforge.kv")
T = TypeVar("T")


class StoreUnavailable(AppError):
    """Redis cannot be reached. Most routes answer 503; resolve and render fall back to the database."""

    status, code = 503, "cache_unavailable"

    def __init__(self) -> None:
        super().__init__("The cache (Redis) is unreachable; try again shortly.")


class MessageFeed(Protocol):
    """A subscription to one channel, read without ever waiting: only what has already arrived."""

    async def has_pending(self) -> bool:
        """Whether messages may be waiting (True when unsure); reads nothing."""
        ...

    async def read_pending(self) -> list[bytes]:
        """The messages that have arrived, oldest first; StoreUnavailable once the feed is broken."""
        ...

    async def close(self) -> None: ...


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
    async def open_feed(self, channel: str) -> MessageFeed:
        """Subscribe to `channel`, confirmed before returning; StoreUnavailable if that fails."""
        ...

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

    async def open_feed(self, channel: str) -> MessageFeed:
        return MemoryFeed(self._queues, channel)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()


class MemoryFeed:
    """The embedded feed: a queue that `MemoryStore.publish` fills synchronously."""

    def __init__(self, queues: list[tuple[str, asyncio.Queue[tuple[str, bytes]]]], channel: str) -> None:
        self._queues = queues
        self._entry: tuple[str, asyncio.Queue[tuple[str, bytes]]] = (channel, asyncio.Queue())
        queues.append(self._entry)

    async def has_pending(self) -> bool:
        return not self._entry[1].empty()

    async def read_pending(self) -> list[bytes]:
        queue = self._entry[1]
        return [queue.get_nowait()[1] for _ in range(queue.qsize())]

    async def close(self) -> None:
        if self._entry in self._queues:
            self._queues.remove(self._entry)


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

    async def open_feed(self, channel: str) -> MessageFeed:
        pubsub = self.client.pubsub()
        try:
            await pubsub.subscribe(self._k(channel))
            # Until the subscription is confirmed, messages could be missed: wait for it.
            confirmed = await pubsub.get_message(timeout=1.0)
            if not confirmed or confirmed["type"] != "subscribe":
                raise RedisError("subscription not confirmed")
        except (RedisError, OSError):
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            raise StoreUnavailable from None
        return RedisFeed(pubsub)

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except Exception:  # any connection failure means "not ready"
            return False

    async def close(self) -> None:
        await self.client.aclose()


class RedisFeed:
    """A confirmed pub/sub subscription whose waiting messages are seen without a read or a wait.

    redis-py has no public "is anything waiting?" call, so this looks at two of its internals: the
    connection's asyncio writer (`_writer`, for the socket to poll) and its parser's `can_read()`
    (bytes already buffered). Without them every check reads, which is correct but slower.
    """

    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub
        connection = pubsub.connection
        writer = getattr(connection, "_writer", None)
        sock = writer.get_extra_info("socket") if writer is not None else None
        self._poll: select.poll | None = None
        if sock is not None:
            self._poll = select.poll()
            self._poll.register(sock.fileno(), select.POLLIN)
        parser = getattr(connection, "_parser", None)
        self._buffered: Callable[[], Awaitable[bool]] | None = getattr(parser, "can_read", None)

    async def has_pending(self) -> bool:
        if self._poll is None or self._buffered is None:
            return True
        try:
            return bool(self._poll.poll(0)) or bool(await self._buffered())
        except OSError:
            return True  # closed: let read_pending notice

    async def read_pending(self) -> list[bytes]:
        messages: list[bytes] = []
        try:
            while True:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
                if message is None:
                    return messages
                messages.append(message["data"])
        except (RedisError, OSError, RuntimeError):  # RuntimeError: a closed pubsub
            raise StoreUnavailable from None

    async def close(self) -> None:
        try:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        except (RedisError, OSError):
            log.warning("feed_close_failed")


async def consume_subscription(
    kv: KeyValueStore, pattern: str, handle: Callable[[str, bytes], None], lost_event: str
) -> None:
    """Pass one subscription's messages to `handle` until the store breaks it; then log and return.

    Callers loop around this with a pause (whatever they poll covers the gap). The subscription is
    closed here at once, within a bound: left for the garbage collector, an open pub/sub connection
    kept a stopped app's shutdown waiting.
    """
    stream = kv.subscribe(pattern)
    try:
        async for channel, message in stream:
            handle(channel, message)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # any broken subscription: the caller re-opens it
        log.warning(lost_event, pattern=pattern, error=type(exc).__name__)
    finally:
        close = getattr(stream, "aclose", None)
        if close is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await close()


def create_store(url: str, prefix: str = "pf:") -> KeyValueStore:
    return RedisStore(url, prefix) if url else MemoryStore()
