"""Routes for a project's API keys (thin: one service call each)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from promptforge.api_keys import schemas, service
from promptforge.auth.dependencies import KVDep, PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["api-keys"])


@router.get("/api-keys/me", operation_id="api-keys-me", responses=error_responses(401, 403, 404))
async def describe_calling_key(principal: PrincipalDep, session: SessionDep) -> schemas.CallingApiKey:
    """The API key this request is made with: its role, project and workspace (API keys only)."""
    return await service.describe_calling_key(session, principal)


@router.get(
    "/projects/{project_id}/api-keys",
    operation_id="api-keys-list",
    responses=error_responses(401, 403, 404, 422),
)
async def list_api_keys(
    project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.ApiKey]:
    """API keys of a project (secrets are never shown again)."""
    rows, cursor = await service.list_api_keys(session, principal, project_id, page)
    return Page(items=[schemas.ApiKey.model_validate(k) for k in rows], next_cursor=cursor)


@router.post(
    "/projects/{project_id}/api-keys",
    operation_id="api-keys-create",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_api_key(
    project_id: uuid.UUID, data: schemas.ApiKeyCreate, principal: PrincipalDep, session: SessionDep
) -> schemas.ApiKeyCreated:
    """Create an API key; the response carries its secret, shown only this once."""
    return await service.create_api_key(session, principal, project_id, data)


@router.delete(
    "/projects/{project_id}/api-keys/{key_id}",
    operation_id="api-keys-revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def revoke_api_key(
    project_id: uuid.UUID, key_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, kv: KVDep
) -> None:
    """Revoke an API key: it answers 401 from now on."""
    await service.revoke_api_key(session, kv, principal, project_id, key_id)
