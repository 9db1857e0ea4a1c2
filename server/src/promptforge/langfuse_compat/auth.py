"""HTTP Basic auth for the Langfuse-compatible API: `public key:secret` of one project API key.

The secret is the API key itself (`pf_...`); the public key (`pk-pf-...`) must be that key's own.
A near cache keyed by the pair keeps warm requests off Redis and the database; each entry carries
the project's API-key generation, which every revocation bumps (api_keys.service), so a revoked
key stops working on every replica at its next request.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from dataclasses import dataclass
from typing import Annotated

from cachetools import TTLCache
from fastapi import Depends, Request

from promptforge.api_keys.service import authenticate_api_key, keys_gen_key
from promptforge.auth.principal import Principal
from promptforge.core.errors import Unauthorized
from promptforge.core.security import constant_time_equals, sha256_hex
from promptforge.prompts.resolve import PromptResolver

NEAR_CACHE_ENTRIES = 10_000
MAX_CREDENTIAL_CHARS = 512  # a public key and a secret are far shorter; refuse before any work


@dataclass(frozen=True, slots=True)
class BasicCredentials:
    public_key: str
    secret: str


def parse_basic(authorization: str | None) -> BasicCredentials:
    """`Authorization: Basic base64(public:secret)`, or 401 in Langfuse's words."""
    if not authorization:
        raise Unauthorized("Missing authorization header; send HTTP Basic public_key:secret_key.")
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or len(encoded) > MAX_CREDENTIAL_CHARS:
        raise Unauthorized("Use HTTP Basic auth with your public key and secret key.")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("Invalid Basic credentials (not base64 of public_key:secret_key).") from None
    public_key, sep, secret = decoded.partition(":")
    if not sep or not public_key or not secret:
        raise Unauthorized("Invalid Basic credentials: expected public_key:secret_key.")
    return BasicCredentials(public_key, secret)


class BasicAuthenticator:
    """Authenticates key pairs, with a per-process near cache validated by the keys generation."""

    def __init__(self, resolver: PromptResolver, ttl_seconds: float) -> None:
        self.resolver = resolver
        self._entries: TTLCache[tuple[str, str], tuple[bytes, Principal]] = TTLCache(
            NEAR_CACHE_ENTRIES, ttl_seconds
        )

    async def _keys_generation(self, project_id: uuid.UUID) -> bytes | None:
        values = await self.resolver.counters.current([keys_gen_key(project_id)])
        return values[0] if values else None

    async def _check_pair(self, credentials: BasicCredentials) -> Principal:
        principal = await authenticate_api_key(
            self.resolver.kv, self.resolver.sessionmaker, credentials.secret
        )
        public_key = principal.api_key_public_key if principal else None
        if (
            principal is None
            or not public_key
            or not constant_time_equals(public_key, credentials.public_key)
        ):
            raise Unauthorized("Invalid credentials. Confirm that you've configured the correct host.")
        return principal

    async def authenticate(self, authorization: str | None) -> Principal:
        """The project API key's principal for a valid, live pair; 401 otherwise."""
        credentials = parse_basic(authorization)
        cache_key = (credentials.public_key, sha256_hex(credentials.secret))
        entry = self._entries.get(cache_key)
        if entry is not None:
            generation, principal = entry
            assert principal.api_key_project_id is not None
            current = await self._keys_generation(principal.api_key_project_id)
            if current == generation and not principal.expired(time.time()):
                return principal
            self._entries.pop(cache_key, None)
        principal = await self._check_pair(credentials)
        assert principal.api_key_project_id is not None
        fresh = await self._keys_generation(principal.api_key_project_id)
        if fresh is not None:
            # Checked again after reading the generation: a revocation that landed in between has
            # already removed the key from the shared cache, so this check sees it.
            principal = await self._check_pair(credentials)
            self._entries[cache_key] = (fresh, principal)
        return principal


async def langfuse_principal(request: Request) -> Principal:
    """The dependency of every authenticated /api/public route."""
    authenticator: BasicAuthenticator = request.app.state.langfuse_auth
    return await authenticator.authenticate(request.headers.get("authorization"))


LangfusePrincipal = Annotated[Principal, Depends(langfuse_principal)]
