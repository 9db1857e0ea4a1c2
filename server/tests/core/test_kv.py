"""The store's feeds, and a guard on the redis-py internals that RedisFeed relies on.

If a test here fails after a redis upgrade, re-check `RedisFeed` in core/kv.py (how it finds the
subscription socket and the parser's buffered bytes) before widening the redis range in
pyproject.toml.
"""

from __future__ import annotations

import asyncio
import inspect
import secrets
from importlib.metadata import version

import redis
from redis._parsers import _AsyncHiredisParser, _AsyncRESP2Parser, _AsyncRESP3Parser
from redis.asyncio.connection import Connection

from conftest import BACKEND, REDIS_URL
from promptforge.core.kv import MemoryStore, RedisFeed, RedisStore

RECHECK = "redis-py internals changed: re-check core/kv.py RedisFeed before widening the pinned range"


def test_redis_connection_keeps_its_writer_and_parser_where_redis_feed_looks() -> None:
    slots = Connection.__slots__
    assert "_writer" in slots and "_parser" in slots, RECHECK
    for parser in (_AsyncRESP2Parser, _AsyncRESP3Parser, _AsyncHiredisParser):
        assert inspect.iscoroutinefunction(parser.can_read), f"{parser.__name__}.can_read: {RECHECK}"


def test_installed_redis_is_in_the_pinned_range() -> None:
    assert version("redis") == redis.__version__
    major, minor = (int(part) for part in redis.__version__.split(".")[:2])
    assert (major, minor) == (8, 1), f"redis {redis.__version__} is not the verified 8.1.x: {RECHECK}"


async def test_memory_feed_sees_what_was_published_without_waiting() -> None:
    store = MemoryStore()
    feed = await store.open_feed("bumps")
    assert not await feed.has_pending()
    await store.publish("bumps", b"a 1")
    await store.publish("other", b"x")
    await store.publish("bumps", b"a 2")
    assert await feed.has_pending()
    assert await feed.read_pending() == [b"a 1", b"a 2"]
    assert not await feed.has_pending()
    await feed.close()
    await store.publish("bumps", b"a 3")
    assert await feed.read_pending() == []


if BACKEND == "postgres":  # needs a shared Redis

    async def test_redis_feed_finds_the_socket_and_sees_waiting_messages() -> None:
        prefix = f"pftest:feed:{secrets.token_hex(4)}:"
        store, publisher = RedisStore(REDIS_URL, prefix), RedisStore(REDIS_URL, prefix)
        feed = await store.open_feed("bumps")
        try:
            assert isinstance(feed, RedisFeed)
            writer = getattr(feed._pubsub.connection, "_writer", None)
            assert isinstance(writer, asyncio.StreamWriter), RECHECK
            assert writer.get_extra_info("socket") is not None, RECHECK
            assert feed._poll is not None and feed._buffered is not None, RECHECK
            assert not await feed.has_pending()
            await publisher.publish("bumps", b"k 1")
            await publisher.ping()  # once answered, the message is in the feed's socket
            assert await feed.has_pending()
            assert await feed.read_pending() == [b"k 1"]
            assert not await feed.has_pending()
        finally:
            await feed.close()
            await store.close()
            await publisher.close()
