"""Routes of webhooks and their deliveries (admins and owners only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from promptforge.auth.dependencies import KVDep, PrincipalDep, SettingsDep
from promptforge.core.db import SessionDep
from promptforge.core.encryption import SecretBox
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import Page
from promptforge.webhooks import schemas, service
from promptforge.webhooks.sender import WebhookSender

router = APIRouter(prefix="/api/v1/projects/{project_id}/webhooks", tags=["webhooks"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


def get_webhook_sender(request: Request) -> WebhookSender:
    sender: WebhookSender = request.app.state.webhook_sender
    return sender


def get_secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


WebhookSenderDep = Annotated[WebhookSender, Depends(get_webhook_sender)]
SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]


@router.get("", operation_id="webhooks-list", responses=READ_ERRORS)
async def list_webhooks(
    project_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Webhook]:
    """Webhooks of a project, oldest first (secrets are never shown again)."""
    items, cursor = await service.list_webhooks(session, principal, project_id, page)
    return Page(items=items, next_cursor=cursor)


@router.post("", operation_id="webhooks-create", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
async def create_webhook(
    project_id: uuid.UUID,
    data: schemas.WebhookCreate,
    principal: PrincipalDep,
    session: SessionDep,
    box: SecretBoxDep,
    settings: SettingsDep,
) -> schemas.WebhookWithSecret:
    """Register a URL for project events; the signing secret is in this answer only."""
    return await service.create_webhook(session, box, settings, principal, project_id, data)


@router.get("/{webhook_id}", operation_id="webhooks-get", responses=READ_ERRORS)
async def get_webhook(
    project_id: uuid.UUID, webhook_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> schemas.Webhook:
    """One webhook, with why it was disabled if the server disabled it."""
    return await service.get_webhook(session, principal, project_id, webhook_id)


@router.patch("/{webhook_id}", operation_id="webhooks-update", responses=WRITE_ERRORS)
async def update_webhook(
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    data: schemas.WebhookUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
) -> schemas.Webhook:
    """Change a webhook; only the fields sent change. `active: true` re-enables a disabled one."""
    return await service.update_webhook(session, settings, principal, project_id, webhook_id, data)


@router.delete(
    "/{webhook_id}",
    operation_id="webhooks-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def delete_webhook(
    project_id: uuid.UUID, webhook_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> None:
    """Delete a webhook and its delivery history."""
    await service.delete_webhook(session, principal, project_id, webhook_id)


@router.post("/{webhook_id}/rotate-secret", operation_id="webhooks-rotate-secret", responses=WRITE_ERRORS)
async def rotate_secret(
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    box: SecretBoxDep,
) -> schemas.WebhookWithSecret:
    """Replace the signing secret (shown this once); the old one no longer signs anything."""
    return await service.rotate_secret(session, box, principal, project_id, webhook_id)


@router.post("/{webhook_id}/test", operation_id="webhooks-test", responses=WRITE_ERRORS)
async def send_test(
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    box: SecretBoxDep,
    sender: WebhookSenderDep,
    settings: SettingsDep,
) -> schemas.Delivery:
    """Send a signed `webhook.test` event now and answer with its delivery (the receiver's answer in it)."""
    return await service.send_test(session, box, sender, settings, principal, project_id, webhook_id)


@router.get("/{webhook_id}/deliveries", operation_id="webhooks-list-deliveries", responses=READ_ERRORS)
async def list_deliveries(
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    status: Annotated[
        schemas.DeliveryStatus | None, Query(description="Only deliveries in this state.")
    ] = None,
) -> Page[schemas.Delivery]:
    """A webhook's deliveries, newest first: status code, duration, attempts, next retry, answer excerpt."""
    items, cursor = await service.list_deliveries(session, principal, project_id, webhook_id, page, status)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    operation_id="webhooks-redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
)
async def redeliver(
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
) -> schemas.Delivery:
    """Send the delivery's event again as a new delivery (same event id, so receivers can deduplicate)."""
    return await service.redeliver(session, kv, principal, project_id, webhook_id, delivery_id)
