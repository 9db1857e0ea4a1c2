"""The resolve near cache: least recently *used* entries are evicted first, stale generations miss."""

from __future__ import annotations

import time

from promptforge.prompts.cache import NearCache


def test_eviction_drops_the_least_recently_used_entry() -> None:
    cache: NearCache[str] = NearCache(max_entries=3, ttl_seconds=60)
    for key in ("a", "b", "c"):
        cache.put(key, b"1", key.upper())
    assert cache.get("a", b"1") == "A"  # "a" is now the most recently used
    cache.put("d", b"1", "D")
    assert cache.get("a", b"1") == "A"
    assert cache.get("b", b"1") is None  # the least recently used went
    assert cache.get("c", b"1") == "C"
    assert cache.get("d", b"1") == "D"


def test_an_entry_of_another_generation_is_a_miss_and_is_dropped() -> None:
    cache: NearCache[str] = NearCache(max_entries=3, ttl_seconds=60)
    cache.put("a", b"1", "old")
    assert cache.get("a", b"2") is None
    assert cache.get("a", b"1") is None  # dropped, not kept for a later generation match


def test_entries_expire_after_the_ttl() -> None:
    cache: NearCache[str] = NearCache(max_entries=3, ttl_seconds=0.05)
    cache.put("a", b"1", "A")
    time.sleep(0.06)
    assert cache.get("a", b"1") is None
