"""Cache keys, the per-process near cache and invalidation for the resolve hot path.

Correctness across replicas rests on generation counters (core/generations.py): every write to a
prompt bumps `gen:prompt:{project}:{name}`, every API-key revocation bumps `gen:keys:{project}`
(auth.service). A request trusts a near-cache entry only if it carries the current generations,
so a write on one replica is seen by the very next resolve on any replica.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from promptforge.core.generations import bump_generation
from promptforge.core.kv import KeyValueStore

V = TypeVar("V")
PAYLOAD_TTL_SECONDS = 300.0


def prompt_gen_key(project_id: uuid.UUID | str, name: str) -> str:
    return f"gen:prompt:{project_id}:{name}"


def payload_key(project_id: uuid.UUID | str, name: str, selector: str) -> str:
    return f"resolve:{project_id}:{name}:{selector}"


@dataclass(frozen=True, slots=True)
class Stamped(Generic[V]):
    generation: bytes
    stored_at: float
    value: V


class NearCache(Generic[V]):
    """A bounded in-process LRU whose entries carry the generation they were built at."""

    def __init__(self, max_entries: int, ttl_seconds: float) -> None:
        self._entries: OrderedDict[object, Stamped[V]] = OrderedDict()
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds

    def get(self, key: object, generation: bytes) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.generation != generation or time.monotonic() - entry.stored_at > self.ttl_seconds:
            del self._entries[key]
            return None
        return entry.value

    def put(self, key: object, generation: bytes, value: V) -> None:
        self._entries[key] = Stamped(generation, time.monotonic(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


async def invalidate_prompt(kv: KeyValueStore, project_id: uuid.UUID, name: str) -> None:
    """Bump the prompt's generation: every cached payload of it (any label or version) is stale now."""
    await bump_generation(kv, prompt_gen_key(project_id, name))
