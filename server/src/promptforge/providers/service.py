"""Provider connections: the rules (kinds, names, encrypted keys), the connection test and key rotation."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import after_commit, utcnow, uuid7
from promptforge.core.encryption import DecryptionError, SecretBox, rotate_canary
from promptforge.core.errors import AppError, Conflict, NotFound, Unprocessable
from promptforge.core.generations import bump_generation
from promptforge.core.kv import KeyValueStore
from promptforge.core.outbound import ForbiddenDestination, check_destination
from promptforge.core.pagination import PageParams, paginate
from promptforge.providers import schemas
from promptforge.providers.adapters import KIND_LABELS, ProviderClients, adapter_for, outbound_policy
from promptforge.providers.calls import Connection
from promptforge.providers.errors import ProviderError
from promptforge.providers.models import ProviderConnection, api_key_context
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import Action, authorize_project


def provider_out(row: ProviderConnection) -> schemas.Provider:
    return schemas.Provider(
        id=row.id,
        project_id=row.project_id,
        name=row.name,
        kind=row.kind,
        label=KIND_LABELS[row.kind],
        base_url=row.base_url,
        api_key_last4=row.api_key_last4,
        default_model=row.default_model,
        models=row.models,
        pricing={name: schemas.ModelPrice(**price) for name, price in row.pricing.items()},
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def connections_gen_key(project_id: uuid.UUID | str) -> str:
    """Generation of a project's provider connections; the gateway's near cache checks it."""
    return f"gen:providers:{project_id}"


def invalidate_connections(session: AsyncSession, kv: KeyValueStore, project_id: uuid.UUID) -> None:
    """Once committed, every replica's cached connections of the project are stale."""

    async def bump() -> None:
        await bump_generation(kv, connections_gen_key(project_id))

    after_commit(session, bump)


def connection_of(row: ProviderConnection, box: SecretBox) -> Connection:
    """The connection with its key decrypted, for one call; never stored or logged."""
    api_key = None
    if row.api_key_encrypted:
        try:
            api_key = box.decrypt(row.api_key_encrypted, api_key_context(row.id))
        except DecryptionError:
            raise AppError(
                "The provider's API key cannot be decrypted with the configured PF_ENCRYPTION_KEY.",
                status=500,
                code="encryption_key_mismatch",
            ) from None
    return Connection(kind=row.kind, name=row.name, base_url=row.base_url, api_key=api_key)  # type: ignore[arg-type]


async def load_provider(
    session: AsyncSession, project_id: uuid.UUID, provider_id: uuid.UUID
) -> ProviderConnection:
    row = await session.get(ProviderConnection, provider_id)
    if row is None or row.project_id != project_id:
        raise NotFound("Provider not found.", code="provider_not_found")
    return row


def _check_kind_rules(kind: str, base_url: str | None, has_key: bool) -> None:
    if kind == "echo":
        if base_url is not None:
            raise Unprocessable.field(["body", "base_url"], "The echo provider calls no server: no base_url.")
        if has_key:
            raise Unprocessable.field(["body", "api_key"], "The echo provider needs no API key.")
    elif kind == "openai_compatible":
        if base_url is None:
            raise Unprocessable.field(
                ["body", "base_url"], "openai_compatible needs base_url, e.g. http://localhost:11434/v1."
            )
    elif not has_key:
        raise Unprocessable.field(["body", "api_key"], f"A {KIND_LABELS[kind]} connection needs an API key.")


async def _check_base_url(base_url: str | None, settings: Settings) -> None:
    """Refuse a base URL the outbound policy would refuse, before it is saved (422 on base_url)."""
    if base_url is None:
        return
    try:
        await check_destination(base_url, outbound_policy(settings))
    except ForbiddenDestination as exc:
        raise Unprocessable.field(
            ["body", "base_url"],
            f"This server does not connect there: {exc.reason}. Use a public address, or ask the "
            "operator to allow the host (PF_PROVIDER_ALLOWED_HOSTS).",
            code="provider_url_forbidden",
        ) from None


def _keep_key_with_its_url(row: ProviderConnection, data: schemas.ProviderUpdate) -> bool:
    """A new base URL needs the key re-entered (or, where a key is optional, drops it).

    Returns whether the stored key was removed. Otherwise an admin could point a connection
    at their own server and receive the key someone else entered.
    """
    fields = data.model_fields_set
    if "base_url" not in fields or data.base_url == row.base_url or "api_key" in fields:
        return False
    if row.api_key_encrypted is None:
        return False
    if row.kind == "openai_compatible":
        return True
    raise Unprocessable.field(
        ["body", "api_key"],
        "Changing base_url needs the API key in the same request: the stored key is never sent to a new URL.",
        code="api_key_required",
    )


def _set_key(row: ProviderConnection, box: SecretBox, secret: str | None) -> None:
    if not secret:
        row.api_key_encrypted = None
        row.api_key_last4 = None
        return
    row.api_key_encrypted = box.encrypt(secret, api_key_context(row.id))
    row.api_key_last4 = secret[-4:] if len(secret) >= 8 else None  # a short key is not partly revealed


async def _check_name_free(
    session: AsyncSession, project_id: uuid.UUID, name: str, exclude: uuid.UUID | None = None
) -> None:
    stmt = select(func.count()).where(
        ProviderConnection.project_id == project_id, ProviderConnection.name == name
    )
    if exclude is not None:
        stmt = stmt.where(ProviderConnection.id != exclude)
    if await session.scalar(stmt):
        raise Conflict(f"A provider named '{name}' already exists in this project.", code="provider_exists")


async def list_providers(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, page: PageParams
) -> tuple[list[schemas.Provider], str | None]:
    await authorize_project(session, principal, project_id, Action.MANAGE)
    stmt = select(ProviderConnection).where(ProviderConnection.project_id == project_id)
    rows, cursor = await paginate(session, stmt, ProviderConnection.id, page, newest_first=False)
    return [provider_out(r) for r in rows], cursor


async def list_run_providers(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, page: PageParams
) -> tuple[list[schemas.RunProvider], str | None]:
    """What members need to pick a provider for a run: names and models, no connection details."""
    await authorize_project(session, principal, project_id, Action.READ)
    stmt = select(ProviderConnection).where(ProviderConnection.project_id == project_id)
    rows, cursor = await paginate(session, stmt, ProviderConnection.id, page, newest_first=False)
    return [schemas.RunProvider.model_validate(provider_out(r), from_attributes=True) for r in rows], cursor


async def get_provider(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, provider_id: uuid.UUID
) -> schemas.Provider:
    await authorize_project(session, principal, project_id, Action.MANAGE)
    return provider_out(await load_provider(session, project_id, provider_id))


async def create_provider(
    session: AsyncSession,
    kv: KeyValueStore,
    box: SecretBox,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    data: schemas.ProviderCreate,
) -> schemas.Provider:
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    secret = data.api_key.get_secret_value() if data.api_key else None
    _check_kind_rules(data.kind, data.base_url, bool(secret))
    await _check_base_url(data.base_url, settings)
    await _check_name_free(session, project_id, data.name)
    row = ProviderConnection(
        id=uuid7(),
        project_id=project_id,
        name=data.name,
        kind=data.kind,
        base_url=data.base_url,
        default_model=data.default_model,
        models=list(data.models),
        pricing={name: price.model_dump() for name, price in data.pricing.items()},
    )
    _set_key(row, box, secret)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent create of the same name
        raise Conflict(
            f"A provider named '{data.name}' already exists in this project.", code="provider_exists"
        ) from None
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="provider.created",
        target_type="provider",
        target_id=row.id,
        data={
            "name": row.name,
            "kind": row.kind,
            "base_url": row.base_url,
            "api_key_set": secret is not None,
        },
    )
    invalidate_connections(session, kv, project_id)
    return provider_out(row)


async def update_provider(
    session: AsyncSession,
    kv: KeyValueStore,
    box: SecretBox,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    provider_id: uuid.UUID,
    data: schemas.ProviderUpdate,
) -> schemas.Provider:
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await load_provider(session, project_id, provider_id)
    changed = sorted(data.model_fields_set)
    key_dropped = _keep_key_with_its_url(row, data)
    if "base_url" in data.model_fields_set and data.base_url != row.base_url:
        await _check_base_url(data.base_url, settings)
    if "name" in data.model_fields_set:
        if data.name is None:
            raise Unprocessable.field(["body", "name"], "name cannot be null.")
        await _check_name_free(session, project_id, data.name, exclude=row.id)
        row.name = data.name
    if "base_url" in data.model_fields_set:
        row.base_url = data.base_url
    if "default_model" in data.model_fields_set:
        row.default_model = data.default_model
    if "models" in data.model_fields_set:
        row.models = list(data.models or [])
    if "pricing" in data.model_fields_set:
        row.pricing = {name: price.model_dump() for name, price in (data.pricing or {}).items()}
    if "api_key" in data.model_fields_set:
        _set_key(row, box, data.api_key.get_secret_value() if data.api_key else None)
    elif key_dropped:
        _set_key(row, box, None)
        changed = sorted([*changed, "api_key"])
    _check_kind_rules(row.kind, row.base_url, row.api_key_encrypted is not None)
    row.updated_at = utcnow()
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="provider.updated",
        target_type="provider",
        target_id=row.id,
        data={"name": row.name, "changed": changed},  # which fields, never the key itself
    )
    await session.flush()
    invalidate_connections(session, kv, project_id)
    return provider_out(row)


async def delete_provider(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    provider_id: uuid.UUID,
) -> None:
    """Delete a connection; its past runs stay (they keep the provider's name)."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await load_provider(session, project_id, provider_id)
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="provider.deleted",
        target_type="provider",
        target_id=row.id,
        data={"name": row.name, "kind": row.kind},
    )
    await session.delete(row)
    await session.flush()
    invalidate_connections(session, kv, project_id)


async def check_provider(
    session: AsyncSession,
    box: SecretBox,
    clients: ProviderClients,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    provider_id: uuid.UUID,
) -> schemas.ProviderTestResult:
    """Reach the provider and list its models; a failure is reported in the result, not raised."""
    await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await load_provider(session, project_id, provider_id)
    adapter = adapter_for(connection_of(row, box), clients, settings)
    started = time.perf_counter()
    try:
        models: list[str] | None = await adapter.list_models()
        error = None
    except ProviderError as exc:
        models, error = None, schemas.ErrorInfo(code=exc.code, message=exc.detail)
    latency = round((time.perf_counter() - started) * 1000)
    return schemas.ProviderTestResult(ok=error is None, models=models, latency_ms=latency, error=error)


async def rotate_api_keys(session: AsyncSession, box: SecretBox) -> int:
    """Re-encrypt every stored key (and the canary) with the current key; returns how many changed."""
    changed = 0
    rows: Sequence[Any] = (
        await session.scalars(
            select(ProviderConnection).where(ProviderConnection.api_key_encrypted.is_not(None))
        )
    ).all()
    for row in rows:
        assert row.api_key_encrypted is not None
        rotated = box.rotate(row.api_key_encrypted, api_key_context(row.id))
        if rotated != row.api_key_encrypted:
            row.api_key_encrypted = rotated
            changed += 1
    await rotate_canary(session, box)
    await session.flush()
    return changed
