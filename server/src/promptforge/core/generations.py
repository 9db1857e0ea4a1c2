"""Generation counters: monotonic integers in the store that writers bump to invalidate cached data.

Readers keep a per-process copy that a pub/sub feed keeps current, so the hot path needs no Redis
round trip: before trusting its copy, a reader applies the bump messages already waiting on its feed
(`MessageFeed.has_pending` looks without reading or waiting). A writer publishes, then waits for one
more round trip to Redis, before it answers: by then the bump is in every replica's socket, so the
next request anywhere sees it.
If the feed breaks, readers fall back to reading the counters from the store (one MGET) until it
is re-established; a short TTL on the copy is the safety net.
"""

from __future__ import annotations

import asyncio
import time

import structlog

from promptforge.core.kv import KeyValueStore, MessageFeed, StoreUnavailable

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


class GenerationReader:
    """Reads counters from a local copy kept current by the store's feed, or from the store itself."""

    def __init__(self, kv: KeyValueStore, ttl_seconds: float) -> None:
        self.kv = kv
        self.ttl_seconds = ttl_seconds
        self._local: dict[str, tuple[int, float]] = {}
        self._feed: MessageFeed | None = None
        self._retry_at = 0.0
        self._lock = asyncio.Lock()

    async def current(self, keys: list[str]) -> list[bytes] | None:
        """The counters' values (b"0" if never bumped); None when the store is unreachable."""
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
        """Apply waiting bump messages; False when the feed is not usable."""
        if self._feed is not None and not await self._feed.has_pending():
            return True  # the common case: nothing arrived, no lock, no parsing
        async with self._lock:
            if self._feed is None and not await self._subscribe():
                return False
            assert self._feed is not None
            try:
                for message in await self._feed.read_pending():
                    key, _, value = message.decode().rpartition(" ")
                    self._remember(key, int(value))
            except (StoreUnavailable, ValueError):
                log.warning("generation_feed_lost")
                await self._reset()
                return False
            return True

    async def _subscribe(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        try:
            feed = await self.kv.open_feed(CHANNEL)
        except StoreUnavailable:
            self._retry_at = time.monotonic() + RESUBSCRIBE_AFTER_SECONDS
            return False
        self._local.clear()  # anything learnt before may have missed bumps
        self._feed = feed
        return True

    async def _reset(self) -> None:
        self._local.clear()
        if self._feed is not None:
            await self._feed.close()
        self._feed = None
        self._retry_at = time.monotonic() + RESUBSCRIBE_AFTER_SECONDS

    async def close(self) -> None:
        await self._reset()
