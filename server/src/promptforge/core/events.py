"""Project events (label moved, version created, ...) published for WebSocket clients and webhooks."""

from __future__ import annotations

import json
import uuid
from typing import Any

import structlog

from promptforge.core.db import utcnow
from promptforge.core.kv import KeyValueStore, StoreUnavailable

log = structlog.get_logger("promptforge.events")


def project_channel(project_id: uuid.UUID | str) -> str:
    return f"events:project:{project_id}"


async def publish_event(
    kv: KeyValueStore, project_id: uuid.UUID, event_type: str, data: dict[str, Any]
) -> None:
    """Publish `{type, project_id, data, at}` on the project's channel; a down Redis only loses the event."""
    message = {"type": event_type, "project_id": str(project_id), "data": data, "at": utcnow().isoformat()}
    try:
        await kv.publish(project_channel(project_id), json.dumps(message).encode())
    except StoreUnavailable:
        log.warning("event_not_published", event_type=event_type, project_id=str(project_id))
