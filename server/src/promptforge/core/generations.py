"""Generation counters: monotonic integers in Redis that writers bump to invalidate cached data.

Readers keep a per-process copy that Redis pub/sub keeps current, so the hot path needs no Redis
round trip: before trusting its copy, a reader drains the bump messages already waiting on its
subscription socket (a zero-timeout poll). A writer publishes, then waits for one more round trip
to Redis, before it answers: by then the bump is in every replica's socket, so the next request
anywhere sees it.
If the subscription breaks, readers fall back to reading the counters from Redis (one MGET) until
it is re-established; a short TTL on the copy is the safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import time

import structlog
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from promptforge.core.kv import KeyValueStore, RedisStore, StoreUnavailable

log = structlog.get_logger("promptforge.generations")
CHANNEL = "generation-bumps"
NO_GENERATION = b"0"
RESUBSCRIBE_AFTER_SECONDS = 1.0


async def bump_generation(kv: KeyValueStore, key: str) -> None:
    """Increment a counter and tell every replica its new value."""
    try:
        value = await kv.incr(key)
        await kv.publish(CHANNEL, f"{key} {value}".encode())
        # Redis may send PUBLISH's reply before it writes the message to subscribers (same event
        # loop pass, either order). A command sent after that reply is handled in a later pass,
        # so once it answers, every subscriber socket holds the bump: only then may we answer.
        await kv.ping()
    except StoreUnavailable:
        # The write itself is committed; caches heal when their TTLs pass (docs/performance.md).
        log.warning("generation_bump_failed", key=key)


def _socket_poll(pubsub: PubSub) -> select.poll | None:
    """A poll object on the subscription's socket, to see unread bytes without reading them."""
    writer = getattr(pubsub.connection, "_writer", None)
    sock = writer.get_extra_info("socket") if writer is not None else None
    if sock is None:
        return None
    poll = select.poll()
    poll.register(sock.fileno(), select.POLLIN)
    return poll


class GenerationReader:
    """Reads counters from a local copy kept current by pub/sub, or from Redis when it cannot."""

    def __init__(self, kv: KeyValueStore, ttl_seconds: float) -> None:
        self.kv = kv
        self.ttl_seconds = ttl_seconds
        self._local: dict[str, tuple[int, float]] = {}
        self._pubsub: PubSub | None = None
        self._retry_at = 0.0
        self._lock = asyncio.Lock()
        self._poll: select.poll | None = None

    async def current(self, keys: list[str]) -> list[bytes] | None:
        """The counters' values (b"0" if never bumped); None when Redis is unreachable."""
        if not isinstance(self.kv, RedisStore):  # embedded: the store is this process's memory
            values = await self.kv.mget(keys)
            return [v or NO_GENERATION for v in values]
        if not await self._drain():
            try:
                values = await self.kv.mget(keys)
            except StoreUnavailable:
                return None
            return [v or NO_GENERATION for v in values]
        now = time.monotonic()
        found: dict[str, int] = {}
        for key in keys:
            entry = self._local.get(key)
            if entry is not None and now - entry[1] < self.ttl_seconds:
                found[key] = entry[0]
        missing = [k for k in keys if k not in found]
        if missing:
            try:
                fetched = await self.kv.mget(missing)
            except StoreUnavailable:
                return None
            for key, raw in zip(missing, fetched, strict=True):
                found[key] = self._remember(key, int(raw or 0))
        return [str(found[k]).encode() for k in keys]

    def _remember(self, key: str, value: int) -> int:
        # Counters only grow: never let a slower read overwrite a newer pushed value.
        previous = self._local.get(key)
        if previous is not None and previous[0] > value:
            value = previous[0]
        self._local[key] = (value, time.monotonic())
        return value

    async def _drain(self) -> bool:
        """Apply waiting bump messages; False when the subscription is not usable."""
        if self._pubsub is not None and not await self._pending(self._pubsub):
            return True  # the common case: nothing arrived, no lock, no parsing
        async with self._lock:
            if self._pubsub is None and not await self._subscribe():
                return False
            assert self._pubsub is not None
            try:
                while True:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
                    if message is None:
                        return True
                    key, _, value = message["data"].decode().rpartition(" ")
                    self._remember(key, int(value))
            except (RedisError, OSError, ValueError, RuntimeError):  # RuntimeError: closed pubsub
                log.warning("generation_feed_lost")
                await self._reset()
                return False

    async def _pending(self, pubsub: PubSub) -> bool:
        """Whether bytes wait on the subscription, in its buffers or its socket; True when unsure.

        No read happens here: a zero-timeout poll of the socket and a look at the buffers, so a
        bump that Redis sent before this request is noticed even if the event loop has not yet
        read it.
        """
        connection = pubsub.connection
        parser = getattr(connection, "_parser", None)
        can_read = getattr(parser, "can_read", None)
        if can_read is None or self._poll is None:
            return True
        try:
            return bool(self._poll.poll(0)) or bool(await can_read())
        except OSError:
            return True  # closed: let the drain notice and reset

    async def _subscribe(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        assert isinstance(self.kv, RedisStore)
        pubsub = self.kv.client.pubsub()
        try:
            await pubsub.subscribe(self.kv.prefix + CHANNEL)
            # Until the subscription is confirmed, bumps could be missed: wait for it.
            confirmed = await pubsub.get_message(timeout=1.0)
            if not confirmed or confirmed["type"] != "subscribe":
                raise RedisError("subscription not confirmed")
        except (RedisError, OSError):
            self._retry_at = time.monotonic() + RESUBSCRIBE_AFTER_SECONDS
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            return False
        self._local.clear()  # anything learnt before may have missed bumps
        self._pubsub = pubsub
        self._poll = _socket_poll(pubsub)
        return True

    async def _reset(self) -> None:
        self._local.clear()
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        self._pubsub = None
        self._poll = None
        self._retry_at = time.monotonic() + RESUBSCRIBE_AFTER_SECONDS

    async def close(self) -> None:
        await self._reset()
