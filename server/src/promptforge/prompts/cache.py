"""Cache keys, the per-process near cache and invalidation for the resolve hot path.

Correctness across replicas rests on generation counters (core/generations.py): every write to a
prompt bumps `gen:prompt:{project}:{name}`, every API-key revocation bumps `gen:keys:{project}`
(auth.service). A request trusts a near-cache entry only if it carries the current generations,
so a write on one replica is seen by the very next resolve on any replica.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

from promptforge.core.generations import bump_generation
from promptforge.core.kv import KeyValueStore

V = TypeVar("V")
PAYLOAD_TTL_SECONDS = 300.0


def prompt_gen_key(project_id: uuid.UUID | str, name: str) -> str:
    return f"gen:prompt:{project_id}:{name}"


def payload_key(project_id: uuid.UUID | str, name: str, selector: str) -> str:
    return f"resolve:{project_id}:{name}:{selector}"


class NearCache(Generic[V]):
    """A bounded in-process LRU with a TTL, whose entries carry the generation they were built at."""

    def __init__(self, max_entries: int, ttl_seconds: float) -> None:
        self._entries: TTLCache[Hashable, tuple[bytes, V]] = TTLCache(max_entries, ttl_seconds)

    def get(self, key: Hashable, generation: bytes) -> V | None:
        """The value if it was built at `generation` (and is younger than the TTL)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] != generation:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Hashable, generation: bytes, value: V) -> None:
        self._entries[key] = (generation, value)


async def invalidate_prompt(kv: KeyValueStore, project_id: uuid.UUID, name: str) -> None:
    """Bump the prompt's generation: every cached payload of it (any label or version) is stale now."""
    await bump_generation(kv, prompt_gen_key(project_id, name))
