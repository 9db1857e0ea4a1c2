"""The gateway's per-process near caches: API-key principals and each project's provider connections.

Both follow the resolve hot path's rule (prompts/cache.py): an entry is trusted only while it carries
the current generation, read through the same near-cached counters. Revoking a key bumps
`gen:keys:{project}`; creating, changing or deleting a connection bumps `gen:providers:{project}`
(providers/service.py). So a gateway call costs no database query when warm, and a change on one
replica is seen by the next call on any replica.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from sqlalchemy import select

from promptforge.api_keys.service import authenticate_api_key, keys_gen_key
from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.encryption import SecretBox
from promptforge.core.errors import Unauthorized
from promptforge.core.kv import KeyValueStore
from promptforge.core.security import sha256_hex
from promptforge.prompts.cache import NearCache
from promptforge.prompts.resolve import NEAR_CACHE_ENTRIES, PromptResolver
from promptforge.providers.calls import Connection
from promptforge.providers.models import ProviderConnection
from promptforge.providers.service import connection_of, connections_gen_key


async def _generations(resolver: PromptResolver, project_id: uuid.UUID) -> list[bytes] | None:
    """The project's API-key and connection generations (None when Redis is down: cache nothing)."""
    return await resolver.counters.current([keys_gen_key(project_id), connections_gen_key(project_id)])


@dataclass(frozen=True)
class ProjectConnection:
    """What a gateway call needs of a provider connection (its key decrypted: never logged)."""

    id: uuid.UUID
    name: str
    kind: str
    default_model: str | None
    pricing: dict[str, Any]
    connection: Connection


class GatewayCache:
    """Near caches in front of Redis and the database, checked against generation counters."""

    def __init__(self, settings: Settings) -> None:
        ttl = settings.near_cache_ttl_seconds
        self.connections: NearCache[tuple[ProjectConnection, ...]] = NearCache(NEAR_CACHE_ENTRIES, ttl)
        # a key's project never changes: which generation to check before trusting a cached principal
        self.key_projects: LRUCache[str, uuid.UUID] = LRUCache(NEAR_CACHE_ENTRIES)

    async def principal(
        self, resolver: PromptResolver, kv: KeyValueStore, secret: str
    ) -> tuple[Principal, bytes | None]:
        """The live API key's principal, and its project's connections generation (None: Redis down)."""
        digest = sha256_hex(secret)
        project_id = self.key_projects.get(digest)
        principal = None
        if project_id is not None:
            generations = await resolver.counters.current(
                [keys_gen_key(project_id), connections_gen_key(project_id)]
            )
            if generations is not None:
                principal = resolver.principals.get((project_id, digest), generations[0])
        if principal is None:
            principal = await authenticate_api_key(kv, resolver.sessionmaker, secret)
            if principal is None or principal.api_key_project_id is None:
                raise Unauthorized("Invalid, expired or revoked API key.", code="invalid_api_key")
            project_id = principal.api_key_project_id
            self.key_projects[digest] = project_id
            generations = await resolver.counters.current(
                [keys_gen_key(project_id), connections_gen_key(project_id)]
            )
            if generations is not None:
                resolver.principals.put((project_id, digest), generations[0], principal)
        if principal.expired(time.time()):
            raise Unauthorized("Invalid, expired or revoked API key.", code="invalid_api_key")
        return principal, generations[1] if generations is not None else None

    async def project_connections(
        self, resolver: PromptResolver, box: SecretBox, project_id: uuid.UUID, generation: bytes | None
    ) -> tuple[ProjectConnection, ...]:
        """The project's connections, oldest first, from the near cache or the database."""
        if generation is not None:
            cached = self.connections.get(project_id, generation)
            if cached is not None:
                return cached
        async with resolver.sessionmaker() as session:
            rows = (
                await session.scalars(
                    select(ProviderConnection)
                    .where(ProviderConnection.project_id == project_id)
                    .order_by(ProviderConnection.created_at, ProviderConnection.id)
                )
            ).all()
            found = tuple(
                ProjectConnection(
                    row.id, row.name, row.kind, row.default_model, dict(row.pricing), connection_of(row, box)
                )
                for row in rows
            )
        if generation is not None:
            self.connections.put(project_id, generation, found)
        return found
