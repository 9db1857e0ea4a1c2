"""Request and response bodies of webhooks and their deliveries (the secret comes out only once)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from promptforge.core.outbound import check_url
from promptforge.core.schemas import Schema

EventType = Literal[
    "prompt.version.created",
    "label.moved",
    "label.removed",
    "prompt.archived",
    "deployment.pending",
    "deployment.approved",
    "deployment.rejected",
    "evaluation.completed",
    "dataset.import.completed",
    "*",
]
DeliveryStatus = Literal["pending", "succeeded", "failed", "retrying"]
MAX_EVENTS = 20


def _check_events(events: list[str]) -> list[str]:
    if "*" in events and len(events) > 1:
        raise ValueError('"*" means every event type: send it alone, as ["*"]')
    return list(dict.fromkeys(events))  # duplicates add nothing


def _http_url(value: str | None) -> str | None:
    """An http(s) URL without credentials, parsed as the outbound client will parse it."""
    if value is not None:
        check_url(value)
    return value


WebhookUrl = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_http_url)]
EventList = Annotated[
    list[EventType],
    Field(
        min_length=1,
        max_length=MAX_EVENTS,
        description='Event types to receive, or exactly `["*"]` for every type.',
    ),
    AfterValidator(_check_events),
]
Description = Annotated[str, Field(max_length=500)]


class WebhookCreate(Schema):
    url: WebhookUrl = Field(
        description="Where events are POSTed. http(s) only, no credentials; in production private, "
        "loopback and link-local addresses are refused unless allowed (PF_WEBHOOK_ALLOWED_HOSTS)."
    )
    events: EventList
    active: bool = True
    description: Description = ""


class WebhookUpdate(Schema):
    """Only the fields sent change; setting `active: true` also clears `disabled_reason` and the failures."""

    url: WebhookUrl | None = None
    events: EventList | None = None
    active: bool | None = None
    description: Description | None = None


class Webhook(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    description: str
    disabled_reason: str | None = Field(description="Why the server disabled the webhook, if it did.")
    consecutive_failures: int
    last_delivery_at: datetime | None
    last_status: int | None = Field(description="HTTP status of the last attempt (null: no answer).")
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(Webhook):
    secret: str = Field(description="The signing secret (`whsec_...`); shown this once only.")


class Delivery(Schema):
    id: uuid.UUID
    webhook_id: uuid.UUID
    event_id: uuid.UUID = Field(description="The event's id (`Webhook-Id`): the same on every redelivery.")
    event_type: str
    status: DeliveryStatus
    attempt: int = Field(description="Attempts made so far.")
    status_code: int | None
    duration_ms: int | None
    error: str | None
    response_excerpt: str | None = Field(description="The start of the last answer's body (at most 1 KB).")
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
