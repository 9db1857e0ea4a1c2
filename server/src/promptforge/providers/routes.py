"""Routes of provider connections (admins manage them; members list them to pick one for a run)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from promptforge.auth.dependencies import KVDep, PrincipalDep, SettingsDep
from promptforge.core.db import SessionDep
from promptforge.core.encryption import SecretBox
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import Page
from promptforge.providers import schemas, service
from promptforge.providers.adapters import ProviderClients

router = APIRouter(prefix="/api/v1/projects/{project_id}/providers", tags=["providers"])
choices_router = APIRouter(prefix="/api/v1/projects/{project_id}/run-providers", tags=["runs"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


def get_secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


def get_provider_clients(request: Request) -> ProviderClients:
    clients: ProviderClients = request.app.state.provider_clients
    return clients


SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]
ProviderClientsDep = Annotated[ProviderClients, Depends(get_provider_clients)]


@router.get("", operation_id="providers-list", responses=READ_ERRORS)
async def list_providers(
    project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Provider]:
    """Provider connections of a project (keys shown as their last 4 characters only)."""
    items, cursor = await service.list_providers(session, principal, project_id, page)
    return Page(items=items, next_cursor=cursor)


@router.post("", operation_id="providers-create", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
async def create_provider(
    project_id: uuid.UUID,
    data: schemas.ProviderCreate,
    principal: PrincipalDep,
    session: SessionDep,
    box: SecretBoxDep,
    settings: SettingsDep,
    kv: KVDep,
) -> schemas.Provider:
    """Connect a provider; the API key is encrypted at rest and never shown again."""
    return await service.create_provider(session, kv, box, settings, principal, project_id, data)


@router.get("/{provider_id}", operation_id="providers-get", responses=READ_ERRORS)
async def get_provider(
    project_id: uuid.UUID, provider_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> schemas.Provider:
    """One provider connection."""
    return await service.get_provider(session, principal, project_id, provider_id)


@router.patch("/{provider_id}", operation_id="providers-update", responses=WRITE_ERRORS)
async def update_provider(
    project_id: uuid.UUID,
    provider_id: uuid.UUID,
    data: schemas.ProviderUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    box: SecretBoxDep,
    settings: SettingsDep,
    kv: KVDep,
) -> schemas.Provider:
    """Change a connection; only the fields sent change (`"api_key": null` removes the key).

    A new base_url needs the API key in the same request (openai_compatible: the key is removed).
    """
    return await service.update_provider(session, kv, box, settings, principal, project_id, provider_id, data)


@router.delete(
    "/{provider_id}",
    operation_id="providers-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def delete_provider(
    project_id: uuid.UUID, provider_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, kv: KVDep
) -> None:
    """Delete a connection; runs made with it stay in the history."""
    await service.delete_provider(session, kv, principal, project_id, provider_id)


@router.post("/{provider_id}/test", operation_id="providers-test", responses=READ_ERRORS)
async def check_provider(
    project_id: uuid.UUID,
    provider_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    box: SecretBoxDep,
    clients: ProviderClientsDep,
    settings: SettingsDep,
) -> schemas.ProviderTestResult:
    """Check the connection: reach the provider and list its models (`ok: false` with the error if not)."""
    return await service.check_provider(session, box, clients, settings, principal, project_id, provider_id)


@choices_router.get("", operation_id="runs-list-providers", responses=READ_ERRORS)
async def list_run_providers(
    project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.RunProvider]:
    """Providers a run can use: names, kinds and models only (any member or API key of the project)."""
    items, cursor = await service.list_run_providers(session, principal, project_id, page)
    return Page(items=items, next_cursor=cursor)
