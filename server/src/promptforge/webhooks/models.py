"""Webhook endpoints of a project and their deliveries (one row per event per endpoint, retried in place)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin, utcnow
from promptforge.core.outbox import EventId

PENDING, SUCCEEDED, FAILED, RETRYING = "pending", "succeeded", "failed", "retrying"
DELIVERY_STATUSES = (PENDING, SUCCEEDED, FAILED, RETRYING)
OPEN_STATUSES = (PENDING, RETRYING)
"""Deliveries that will still be attempted (when due and their webhook is active)."""


class Webhook(IdMixin, TimestampMixin, Base):
    __tablename__ = "webhook"

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    # `kid:nonce:ciphertext` of the `whsec_...` secret, bound to this row's id (core/encryption.py).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_delivery_at: Mapped[datetime | None] = mapped_column()
    last_status: Mapped[int | None] = mapped_column()
    # The last outbox event id fanned out to this webhook: only later events are delivered to it.
    event_cursor: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(IdMixin, TimestampMixin, Base):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_webhook_id_id", "webhook_id", "id"),
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
    )

    webhook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    # The outbox row the body is built from; NULL for `webhook.test` and once the event was pruned.
    event_pk: Mapped[int | None] = mapped_column(
        EventId, ForeignKey("project_event.id", ondelete="SET NULL"), index=True
    )
    event_uid: Mapped[uuid.UUID] = mapped_column()
    event_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempt: Mapped[int] = mapped_column(default=0)
    status_code: Mapped[int | None] = mapped_column()
    duration_ms: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    # When the next attempt is due; while an attempt runs, when its lease ends (a dead worker's
    # attempt is taken over then). NULL once the delivery has finished.
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()
    # The body of a `webhook.test` delivery (it has no outbox row), so a redelivery sends the same.
    test_data: Mapped[dict[str, object] | None] = mapped_column(JSON)
    event_created_at: Mapped[datetime] = mapped_column(default=utcnow)


def secret_context(webhook_id: uuid.UUID) -> str:
    """The authenticated context of a webhook's encrypted secret: it cannot be moved to another row."""
    return f"webhook:{webhook_id}"
