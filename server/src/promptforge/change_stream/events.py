"""Outbox rows as change-stream messages: the payload, the current ETag, and where a resume may start.

The ETag is the one `resolve` answers for the changed label (`latest` for a new version) at the time
the message is built. It is computed from the database with resolve's own payload builder, so the bytes
and the hash are the ones resolve caches; not through resolve's cache, because the outbox nudge is
published before the writer bumps the prompt's cache generation and the cache could still hold the
previous payload for a moment.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.core.errors import NotFound
from promptforge.core.outbox import (
    LABEL_MOVED,
    LABEL_REMOVED,
    PROMPT_VERSION_CREATED,
    ProjectEvent,
    events_after,
)
from promptforge.prompts.resolve import Selector, build_payload

STREAM_TYPES = (PROMPT_VERSION_CREATED, LABEL_MOVED, LABEL_REMOVED)
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One outbox row as the stream sees it; `data` is None for rows the stream does not carry."""

    id: int
    type: str
    prompt: str | None
    data: str | None  # the SSE `data:` JSON

    @property
    def streamed(self) -> bool:
        return self.data is not None


async def current_etag(session: AsyncSession, project_id: uuid.UUID, prompt: str, label: str) -> str | None:
    """The ETag resolve answers now for `prompt` at `label`; None when it would answer 404."""
    try:
        payload = await build_payload(session, project_id, prompt, Selector(label, None))
    except NotFound:
        return None
    return payload.etag


async def to_stream_events(
    session: AsyncSession, project_id: uuid.UUID, rows: list[ProjectEvent]
) -> list[StreamEvent]:
    """Build the messages of a batch; one ETag lookup per (prompt, label) however many rows share it."""
    etags: dict[tuple[str, str], str | None] = {}
    events: list[StreamEvent] = []
    for row in rows:
        prompt = row.data.get("prompt") if isinstance(row.data, dict) else None
        if row.type not in STREAM_TYPES or not isinstance(prompt, str):
            events.append(StreamEvent(row.id, row.type, None, None))
            continue
        body: dict[str, object] = {"type": row.type, "prompt": prompt}
        label = "latest"
        if row.type == PROMPT_VERSION_CREATED:
            body["version"] = row.data.get("version")
        else:
            label = str(row.data.get("label"))
            body["label"] = label
            body["version"] = row.data.get("to_version")
            body["from_version"] = row.data.get("from_version")
            body["to_version"] = row.data.get("to_version")
        etag: str | None = None
        if row.type != LABEL_REMOVED:
            if (prompt, label) not in etags:
                etags[(prompt, label)] = await current_etag(session, project_id, prompt, label)
            etag = etags[(prompt, label)]
        body["etag"] = etag
        body["created_at"] = row.created_at.isoformat()
        events.append(StreamEvent(row.id, row.type, prompt, json.dumps(body, separators=(",", ":"))))
    return events


async def read_events(session: AsyncSession, project_id: uuid.UUID, after_id: int) -> list[StreamEvent]:
    """The project's events after `after_id` (every type, so positions advance past the others)."""
    rows = await events_after(session, project_id, after_id, limit=PAGE_SIZE)
    return await to_stream_events(session, project_id, rows)


async def last_event_id(session: AsyncSession, project_id: uuid.UUID) -> int:
    """The project's newest event id (0 when it has none): a position to resume from later."""
    value = await session.scalar(
        select(func.max(ProjectEvent.id)).where(ProjectEvent.project_id == project_id)
    )
    return int(value or 0)


async def can_resume_from(session: AsyncSession, project_id: uuid.UUID, after_id: int) -> bool:
    """Whether every event of the project after `after_id` is still retained.

    Sound because pruning deletes by age and a project's ids follow its commit order (core/outbox.py):
    while the row `after_id` itself is kept, nothing younger was deleted. When it is gone (pruned, or
    never this project's event, or 0) the events in between cannot be told apart from pruned ones, so
    the answer is no and the client refetches (docs/change-stream.md "Reset").
    """
    if after_id <= 0:
        return False
    found = await session.scalar(
        select(ProjectEvent.id).where(ProjectEvent.project_id == project_id, ProjectEvent.id == after_id)
    )
    return found is not None
