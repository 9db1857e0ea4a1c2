"""Webhooks: the rules (admins only, URL checks, at most 20 per project), secrets, tests and redelivery."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import after_commit, utcnow, uuid7
from promptforge.core.encryption import SecretBox
from promptforge.core.errors import Conflict, NotFound, Unprocessable
from promptforge.core.kv import KeyValueStore, StoreUnavailable
from promptforge.core.outbound import ForbiddenDestination, check_destination
from promptforge.core.outbox import OUTBOX_CHANNEL, ProjectEvent
from promptforge.core.pagination import PageParams, paginate
from promptforge.webhooks import schemas
from promptforge.webhooks.attempts import apply_outcome, secret_of
from promptforge.webhooks.models import PENDING, Webhook, WebhookDelivery, secret_context
from promptforge.webhooks.sender import WebhookSender, build_message, webhook_policy
from promptforge.webhooks.signing import new_secret
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import Action, ProjectAccess, authorize_project

MAX_WEBHOOKS_PER_PROJECT = 20
TEST_EVENT = "webhook.test"


def webhook_out(row: Webhook) -> schemas.Webhook:
    return schemas.Webhook.model_validate(row, from_attributes=True)


def delivery_out(row: WebhookDelivery) -> schemas.Delivery:
    return schemas.Delivery(
        id=row.id,
        webhook_id=row.webhook_id,
        event_id=row.event_uid,
        event_type=row.event_type,
        status=row.status,
        attempt=row.attempt,
        status_code=row.status_code,
        duration_ms=row.duration_ms,
        error=row.error,
        response_excerpt=row.response_excerpt,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


async def _load(session: AsyncSession, project_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
    row = await session.get(Webhook, webhook_id)
    if row is None or row.project_id != project_id:
        raise NotFound("Webhook not found.", code="webhook_not_found")
    return row


async def _check_url(url: str, settings: Settings) -> None:
    """Refuse a URL the outbound policy would refuse, before it is saved (422 on url)."""
    try:
        await check_destination(url, webhook_policy(settings))
    except ForbiddenDestination as exc:
        raise Unprocessable.field(
            ["body", "url"],
            f"This server does not send webhooks there: {exc.reason}. Use a public address, or ask the "
            "operator to allow the host (PF_WEBHOOK_ALLOWED_HOSTS).",
            code="webhook_url_forbidden",
        ) from None


async def _latest_event_id(session: AsyncSession, project_id: uuid.UUID) -> int:
    """The project's newest outbox event id: a webhook receives only events after it."""
    latest = await session.scalar(
        select(func.max(ProjectEvent.id)).where(ProjectEvent.project_id == project_id)
    )
    return int(latest or 0)


async def _audit(
    session: AsyncSession, principal: Principal, access: ProjectAccess, action: str, row: Webhook, **data: Any
) -> None:
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=row.project_id,
        action=action,
        target_type="webhook",
        target_id=row.id,
        data={"url": row.url, **data},
    )


def _nudge_after_commit(session: AsyncSession, kv: KeyValueStore, project_id: uuid.UUID) -> None:
    async def nudge() -> None:
        with contextlib.suppress(StoreUnavailable):  # the relay's poll picks it up anyway
            await kv.publish(OUTBOX_CHANNEL, str(project_id).encode())

    after_commit(session, nudge)


async def list_webhooks(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, page: PageParams
) -> tuple[list[schemas.Webhook], str | None]:
    await authorize_project(session, principal, project_id, Action.MANAGE)
    stmt = select(Webhook).where(Webhook.project_id == project_id)
    rows, cursor = await paginate(session, stmt, Webhook.id, page, newest_first=False)
    return [webhook_out(r) for r in rows], cursor


async def get_webhook(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, webhook_id: uuid.UUID
) -> schemas.Webhook:
    await authorize_project(session, principal, project_id, Action.MANAGE)
    return webhook_out(await _load(session, project_id, webhook_id))


async def create_webhook(
    session: AsyncSession,
    box: SecretBox,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    data: schemas.WebhookCreate,
) -> schemas.WebhookWithSecret:
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    count = await session.scalar(select(func.count()).where(Webhook.project_id == project_id))
    if (count or 0) >= MAX_WEBHOOKS_PER_PROJECT:
        raise Conflict(
            f"A project has at most {MAX_WEBHOOKS_PER_PROJECT} webhooks; delete one first.",
            code="webhook_limit_reached",
        )
    await _check_url(data.url, settings)
    secret = new_secret()
    row = Webhook(
        id=uuid7(),
        project_id=project_id,
        url=data.url,
        events=list(data.events),
        active=data.active,
        description=data.description,
        consecutive_failures=0,
        event_cursor=await _latest_event_id(session, project_id),
        updated_at=utcnow(),
    )
    row.secret_encrypted = box.encrypt(secret, secret_context(row.id))
    session.add(row)
    await session.flush()
    await _audit(session, principal, access, "webhook.created", row, events=row.events, active=row.active)
    return schemas.WebhookWithSecret(**webhook_out(row).model_dump(), secret=secret)


async def update_webhook(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    data: schemas.WebhookUpdate,
) -> schemas.Webhook:
    """Change what was sent; re-activating clears the reason and the failure count."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await _load(session, project_id, webhook_id)
    fields = data.model_fields_set
    for name in fields:
        if getattr(data, name) is None:
            raise Unprocessable.field(["body", name], f"{name} cannot be null.")
    if "url" in fields and data.url != row.url:
        assert data.url is not None
        await _check_url(data.url, settings)
        row.url = data.url
    if data.events is not None:
        row.events = list(data.events)
    if data.description is not None:
        row.description = data.description
    if data.active is not None:
        if data.active and not row.active:
            # Events from while it was off are not sent: it starts again from now.
            row.event_cursor = await _latest_event_id(session, project_id)
        if data.active:
            row.disabled_reason, row.consecutive_failures = None, 0
        row.active = data.active
    row.updated_at = utcnow()
    await session.flush()
    await _audit(session, principal, access, "webhook.updated", row, changed=sorted(fields))
    return webhook_out(row)


async def delete_webhook(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, webhook_id: uuid.UUID
) -> None:
    """Delete a webhook and its delivery history; attempts not yet sent are dropped."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await _load(session, project_id, webhook_id)
    await _audit(session, principal, access, "webhook.deleted", row)
    await session.delete(row)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, box: SecretBox, principal: Principal, project_id: uuid.UUID, webhook_id: uuid.UUID
) -> schemas.WebhookWithSecret:
    """Replace the signing secret at once; the old one stops verifying with the next attempt."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await _load(session, project_id, webhook_id)
    secret = new_secret()
    row.secret_encrypted = box.encrypt(secret, secret_context(row.id))
    row.updated_at = utcnow()
    await session.flush()
    await _audit(session, principal, access, "webhook.secret_rotated", row)
    return schemas.WebhookWithSecret(**webhook_out(row).model_dump(), secret=secret)


async def send_test(
    session: AsyncSession,
    box: SecretBox,
    sender: WebhookSender,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
) -> schemas.Delivery:
    """Send a `webhook.test` event now and return its delivery; it is not retried and counts no failure."""
    await authorize_project(session, principal, project_id, Action.MANAGE)
    row = await _load(session, project_id, webhook_id)
    now = utcnow()
    delivery = WebhookDelivery(
        id=uuid7(),
        webhook_id=row.id,
        event_uid=uuid7(),
        event_type=TEST_EVENT,
        event_created_at=now,
        test_data={"webhook_id": str(row.id), "message": "A test event from Prompt-Forge."},
        status=PENDING,
        attempt=1,
        created_at=now,
    )
    message = build_message(
        str(delivery.event_uid), TEST_EVENT, now, str(project_id), delivery.test_data or {}
    )
    # Sent before anything is written, so no write lock is held while the receiver answers.
    outcome = await sender.send(row.url, secret_of(row, box), message)
    apply_outcome(delivery, outcome, settings, retries=False)
    # The card's "last delivery" shows it (what an admin checks after pressing Send test); the
    # failure count that disables a webhook is left to real events.
    row.last_delivery_at, row.last_status = utcnow(), outcome.status_code
    session.add(delivery)
    await session.flush()
    return delivery_out(delivery)


async def list_deliveries(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    page: PageParams,
    status: str | None,
) -> tuple[list[schemas.Delivery], str | None]:
    await authorize_project(session, principal, project_id, Action.MANAGE)
    await _load(session, project_id, webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    rows: Sequence[WebhookDelivery]
    rows, cursor = await paginate(session, stmt, WebhookDelivery.id, page, newest_first=True)
    return [delivery_out(r) for r in rows], cursor


async def redeliver(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> schemas.Delivery:
    """Queue a new delivery of the same event (same event id); the relay sends it at once."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    webhook = await _load(session, project_id, webhook_id)
    source = await session.get(WebhookDelivery, delivery_id)
    if source is None or source.webhook_id != webhook.id:
        raise NotFound("Delivery not found.", code="delivery_not_found")
    if not webhook.active:
        raise Conflict("The webhook is inactive: activate it first.", code="webhook_inactive")
    if source.event_pk is None and source.test_data is None:
        raise Conflict(
            "The event has expired from the outbox (PF_EVENT_RETENTION_HOURS); it cannot be sent again.",
            code="event_expired",
        )
    now = utcnow()
    delivery = WebhookDelivery(
        id=uuid7(),
        webhook_id=webhook.id,
        event_pk=source.event_pk,
        event_uid=source.event_uid,
        event_type=source.event_type,
        event_created_at=source.event_created_at,
        test_data=source.test_data,
        status=PENDING,
        attempt=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    await _audit(session, principal, access, "webhook.redelivered", webhook, event_id=str(source.event_uid))
    _nudge_after_commit(session, kv, project_id)
    return delivery_out(delivery)


async def rotate_webhook_secrets(session: AsyncSession, box: SecretBox) -> int:
    """Re-encrypt every webhook secret with the current key; returns how many changed."""
    changed = 0
    for row in (await session.scalars(select(Webhook))).all():
        rotated = box.rotate(row.secret_encrypted, secret_context(row.id))
        if rotated != row.secret_encrypted:
            row.secret_encrypted, changed = rotated, changed + 1
    await session.flush()
    return changed
