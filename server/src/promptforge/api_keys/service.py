"""Project API keys: create, list and revoke them, and authenticate a request by its key."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.api_keys import schemas
from promptforge.api_keys.models import ApiKey
from promptforge.auth.principal import Principal
from promptforge.core.db import after_commit, utcnow
from promptforge.core.errors import Forbidden, NotFound, Unprocessable
from promptforge.core.generations import bump_generation
from promptforge.core.kv import KeyValueStore, StoreUnavailable
from promptforge.core.pagination import PageParams, paginate
from promptforge.core.security import new_secret, sha256_hex
from promptforge.core.ws import publish_revocation
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import Action, authorize_project

API_KEY_PREFIX = "pf_"
API_KEY_CACHE_TTL = 60.0


# --- CRUD -------------------------------------------------------------------------------------


async def list_api_keys(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, page: PageParams
) -> tuple[Sequence[ApiKey], str | None]:
    """A project's keys, newest first (admin+)."""
    await authorize_project(session, principal, project_id, Action.MANAGE)
    stmt = select(ApiKey).where(ApiKey.project_id == project_id)
    return await paginate(session, stmt, ApiKey.id, page)


async def create_api_key(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, data: schemas.ApiKeyCreate
) -> schemas.ApiKeyCreated:
    """Create a key; only this answer carries its secret."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    expires_at = data.expires_at
    if expires_at is not None:
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        if expires_at <= utcnow():
            raise Unprocessable.field(["body", "expires_at"], "expires_at must be in the future.")
    secret = new_secret(API_KEY_PREFIX, 32)
    key = ApiKey(
        project_id=project_id,
        name=data.name,
        role=data.role,
        prefix=secret[:10],
        secret_hash=sha256_hex(secret),
        created_by_id=principal.user_id,
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="api_key.created",
        target_type="api_key",
        target_id=key.id,
        data={"name": key.name, "role": key.role, "prefix": key.prefix},
    )
    return schemas.ApiKeyCreated.model_validate(
        {**schemas.ApiKey.model_validate(key).model_dump(), "secret": secret}
    )


async def revoke_api_key(
    session: AsyncSession, kv: KeyValueStore, principal: Principal, project_id: uuid.UUID, key_id: uuid.UUID
) -> None:
    """Revoke a key and drop it from every cache: it answers 401 from now on."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    key = await session.get(ApiKey, key_id)
    if key is None or key.project_id != project_id:
        raise NotFound("API key not found.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await record_audit(
            session,
            principal,
            workspace_id=access.project.workspace_id,
            project_id=project_id,
            action="api_key.revoked",
            target_type="api_key",
            target_id=key.id,
            data={"name": key.name},
        )
        await session.flush()
    await forget_api_key(kv, project_id, key.secret_hash)
    # Again once committed: a request racing this one may have re-cached the key meanwhile.
    secret_hash, key_id = key.secret_hash, key.id

    async def forget() -> None:
        await forget_api_key(kv, project_id, secret_hash)
        await publish_revocation(kv, "key", key_id)  # its open WebSockets close now

    after_commit(session, forget)


async def forget_keys_of_projects(
    session: AsyncSession, kv: KeyValueStore, project_ids: list[uuid.UUID]
) -> None:
    """Deleting projects deletes their keys (cascade); drop those keys from every cache once committed."""
    keys = (
        await session.execute(
            select(ApiKey.project_id, ApiKey.secret_hash, ApiKey.id).where(ApiKey.project_id.in_(project_ids))
        )
    ).all()

    async def forget() -> None:
        for project_id, secret_hash, key_id in keys:
            await forget_api_key(kv, project_id, secret_hash)
            await publish_revocation(kv, "key", key_id)

    after_commit(session, forget)


# --- caches -----------------------------------------------------------------------------------


def api_key_cache_key(secret_hash: str) -> str:
    """Shared-cache key of a key's principal data."""
    return f"apikey:{secret_hash}"


def keys_gen_key(project_id: uuid.UUID | str) -> str:
    """Generation of a project's API keys; near caches drop key principals when it changes."""
    return f"gen:keys:{project_id}"


async def forget_api_key(kv: KeyValueStore, project_id: uuid.UUID, secret_hash: str) -> None:
    """Drop a revoked key from the shared cache and make every replica's near cache drop it too."""
    await kv.delete(api_key_cache_key(secret_hash))
    await bump_generation(kv, keys_gen_key(project_id))


async def describe_calling_key(session: AsyncSession, principal: Principal) -> schemas.CallingApiKey:
    """The caller's own API key and the project it belongs to; a signed-in user gets 403."""
    if principal.api_key_id is None or principal.api_key_project_id is None:
        raise Forbidden(
            "Only an API key can ask which key it is (signed-in users: GET /api/v1/auth/me).",
            code="not_an_api_key",
        )
    access = await authorize_project(session, principal, principal.api_key_project_id, Action.READ)
    key = await session.get(ApiKey, principal.api_key_id)
    if key is None:  # revoked and deleted since the principal was cached
        raise NotFound("API key not found.")
    return schemas.CallingApiKey(
        id=key.id,
        name=key.name,
        role=key.role,
        prefix=key.prefix,
        project_id=key.project_id,
        project_slug=access.project.slug,
        workspace_id=access.project.workspace_id,
        expires_at=key.expires_at,
    )


# --- authentication ---------------------------------------------------------------------------


async def _load_api_key(
    sessionmaker: async_sessionmaker[AsyncSession], secret_hash: str
) -> dict[str, Any] | None:
    async with sessionmaker() as session:
        key = (await session.scalars(select(ApiKey).where(ApiKey.secret_hash == secret_hash))).first()
        if key is None or key.revoked_at is not None:
            return None
        # last_used_at is refreshed once per cache period, keeping writes off the hot path.
        key.last_used_at = utcnow()
        await session.commit()
        return {
            "id": str(key.id),
            "project_id": str(key.project_id),
            "role": key.role,
            "name": key.name,
            "expires_at": key.expires_at.timestamp() if key.expires_at else None,
        }


async def authenticate_api_key(
    kv: KeyValueStore, sessionmaker: async_sessionmaker[AsyncSession], secret: str
) -> Principal | None:
    """The principal of a live API key, from the cache when possible (the resolve hot path)."""
    if not secret.startswith(API_KEY_PREFIX):
        return None
    secret_hash = sha256_hex(secret)
    try:
        cached = await kv.get(api_key_cache_key(secret_hash))
        store_up = True
    except StoreUnavailable:  # API keys keep working from the database while Redis is down
        cached, store_up = None, False
    if cached is not None:
        data = json.loads(cached)
    else:
        data = await _load_api_key(sessionmaker, secret_hash)
        if data is None:
            return None
        if store_up:
            await kv.set(api_key_cache_key(secret_hash), json.dumps(data).encode(), ttl=API_KEY_CACHE_TTL)
    principal = Principal(
        api_key_id=uuid.UUID(data["id"]),
        api_key_name=data["name"],
        api_key_project_id=uuid.UUID(data["project_id"]),
        api_key_role=data["role"],
        api_key_expires=data["expires_at"],
    )
    return None if principal.expired(time.time()) else principal
