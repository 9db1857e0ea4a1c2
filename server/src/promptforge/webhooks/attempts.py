"""What a delivery attempt changes: the delivery's status and schedule, the webhook's failure count.

Shared by the relay (outbox events, redeliveries) and the synchronous test send.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.config import Settings
from promptforge.core.db import utcnow
from promptforge.core.encryption import SecretBox
from promptforge.core.outbox import ProjectEvent
from promptforge.webhooks.models import (
    FAILED,
    OPEN_STATUSES,
    RETRYING,
    SUCCEEDED,
    Webhook,
    WebhookDelivery,
    secret_context,
)
from promptforge.webhooks.sender import Message, Outcome, build_message
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.models import Project

log = structlog.get_logger("promptforge.webhooks")
DELIVERIES = Counter(
    "promptforge_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (succeeded, retrying, failed)",
    ["outcome"],
)
DELIVERY_SECONDS = Histogram(
    "promptforge_webhook_delivery_duration_seconds",
    "Time of one webhook delivery attempt, answer included",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DISABLED_WEBHOOKS = Gauge(
    "promptforge_webhooks_disabled", "Webhooks the server disabled after failures (refreshed each minute)"
)
JITTER = 0.1  # up to +10 %: receivers that failed together are not retried in lockstep


def retry_delay(settings: Settings, attempt: int, retry_after: float | None = None) -> float:
    """Seconds before the attempt after `attempt`: base x 2^(attempt-1) + jitter, or a longer Retry-After."""
    delay: float = settings.webhook_retry_base_seconds * 2 ** (attempt - 1)
    delay *= 1 + random.uniform(0, JITTER)  # noqa: S311 (not a secret)
    return max(delay, retry_after or 0.0)


def secret_of(row: Webhook, box: SecretBox) -> str:
    """The webhook's signing secret, decrypted for one attempt; never stored or logged."""
    return box.decrypt(row.secret_encrypted, secret_context(row.id))


async def message_of(session: AsyncSession, webhook: Webhook, delivery: WebhookDelivery) -> Message | None:
    """The body of a delivery, rebuilt from its outbox event (or test data); None once the event is pruned."""
    data: dict[str, Any] | None = delivery.test_data
    if delivery.event_pk is not None:
        event = await session.get(ProjectEvent, delivery.event_pk)
        data = event.data if event is not None else None
    if data is None:
        return None
    return build_message(
        str(delivery.event_uid),
        delivery.event_type,
        delivery.event_created_at,
        str(webhook.project_id),
        data,
    )


def apply_outcome(delivery: WebhookDelivery, outcome: Outcome, settings: Settings, *, retries: bool) -> str:
    """Write one attempt's result on the delivery; returns the delivery's new status."""
    now = utcnow()
    delivery.status_code = outcome.status_code
    delivery.duration_ms = outcome.duration_ms
    delivery.error = outcome.error
    delivery.response_excerpt = outcome.response_excerpt
    if outcome.ok:
        delivery.status, delivery.next_attempt_at, delivery.delivered_at = SUCCEEDED, None, now
    elif retries and outcome.retry and delivery.attempt < settings.webhook_max_attempts:
        delay = retry_delay(settings, delivery.attempt, outcome.retry_after_seconds)
        delivery.status, delivery.next_attempt_at = RETRYING, now + timedelta(seconds=delay)
    else:
        delivery.status, delivery.next_attempt_at = FAILED, None
    DELIVERIES.labels(delivery.status).inc()
    DELIVERY_SECONDS.observe(outcome.duration_ms / 1000)
    return delivery.status


def _describe(outcome: Outcome) -> str:
    return (
        f"HTTP {outcome.status_code}" if outcome.status_code is not None else (outcome.error or "no answer")
    )


async def count_attempt(
    session: AsyncSession, webhook_id: uuid.UUID, outcome: Outcome, settings: Settings
) -> None:
    """Update the webhook's last attempt and failure count; disable it after too many failures in a row."""
    now = utcnow()
    values: dict[str, Any] = {"last_delivery_at": now, "last_status": outcome.status_code}
    if outcome.ok:
        values["consecutive_failures"] = 0
    else:
        values["consecutive_failures"] = Webhook.consecutive_failures + 1
    # One atomic update: concurrent attempts of the same webhook on other workers add up correctly.
    await session.execute(update(Webhook).where(Webhook.id == webhook_id).values(**values))
    if outcome.ok:
        return
    row = await session.scalar(
        select(Webhook).where(Webhook.id == webhook_id).execution_options(populate_existing=True)
    )
    limit = settings.webhook_disable_after_failures
    if row is None or not row.active or row.consecutive_failures < limit:
        return
    row.active = False
    row.disabled_reason = (
        f"Disabled after {row.consecutive_failures} consecutive failed deliveries; last: {_describe(outcome)}"
    )
    row.updated_at = now
    workspace_id = await session.scalar(select(Project.workspace_id).where(Project.id == row.project_id))
    if workspace_id is not None:
        await record_audit(
            session,
            None,
            workspace_id=workspace_id,
            project_id=row.project_id,
            action="webhook.disabled",
            target_type="webhook",
            target_id=row.id,
            data={"url": row.url, "reason": row.disabled_reason},
        )
    log.warning("webhook_disabled", webhook_id=str(row.id), reason=row.disabled_reason)


def is_open(delivery: WebhookDelivery) -> bool:
    """Whether the delivery will still be attempted."""
    return delivery.status in OPEN_STATUSES


def lease_end(settings: Settings) -> datetime:
    """Until when a claimed attempt belongs to its worker; after that another worker takes it over."""
    return utcnow() + timedelta(seconds=settings.webhook_lease_seconds)
