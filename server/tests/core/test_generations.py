"""Generation counters: a bump on one process is seen by the next read on another, with no wait."""

from __future__ import annotations

import secrets

from conftest import BACKEND, REDIS_URL
from promptforge.core.generations import GenerationReader, bump_generation
from promptforge.core.kv import MemoryStore, RedisStore


async def test_embedded_reader_sees_bumps_immediately() -> None:
    store = MemoryStore()
    reader = GenerationReader(store, ttl_seconds=30)
    assert await reader.current(["k"]) == [b"0"]
    await bump_generation(store, "k")
    assert await reader.current(["k"]) == [b"1"]


if BACKEND == "postgres":  # needs a shared Redis

    async def test_bump_from_another_process_is_seen_by_the_next_read() -> None:
        prefix = f"pftest:gen:{secrets.token_hex(4)}:"
        writer, reader_store = RedisStore(REDIS_URL, prefix), RedisStore(REDIS_URL, prefix)
        reader = GenerationReader(reader_store, ttl_seconds=30)
        try:
            assert await reader.current(["a", "b"]) == [b"0", b"0"]  # subscribes, caches locally
            for expected in range(1, 51):
                await bump_generation(writer, "a")
                # no sleep: the bump must already be visible to the very next read
                assert await reader.current(["a", "b"]) == [str(expected).encode(), b"0"]
        finally:
            await reader.close()
            await writer.close()
            await reader_store.close()

    async def test_reader_falls_back_to_redis_reads_when_the_feed_breaks() -> None:
        prefix = f"pftest:gen:{secrets.token_hex(4)}:"
        writer, reader_store = RedisStore(REDIS_URL, prefix), RedisStore(REDIS_URL, prefix)
        reader = GenerationReader(reader_store, ttl_seconds=30)
        try:
            await reader.current(["a"])
            assert reader._feed is not None
            await reader._feed.close()  # the subscription dies (e.g. Redis restarted)
            await writer.incr("a")  # a bump whose message nobody receives
            assert await reader.current(["a"]) == [b"1"]
        finally:
            await reader.close()
            await writer.close()
            await reader_store.close()

    async def test_unreachable_redis_reads_as_none() -> None:
        reader = GenerationReader(RedisStore("redis://127.0.0.1:1/0"), ttl_seconds=30)
        assert await reader.current(["a"]) is None
