"""`GET /api/v1/projects/{project_id}/prompt-events`: the change stream (Server-Sent Events)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse

from promptforge.change_stream.service import MAX_NAMES, MAX_NAMES_LENGTH, open_stream
from promptforge.core.errors import error_responses
from promptforge.prompts.names import PROMPT_NAME

router = APIRouter(prefix="/api/v1/projects/{project_id}", tags=["prompts"])

STREAM_DESCRIPTION = (
    "Server-Sent Events, one per change: `id: <event id>`, `event: prompt.version.created | label.moved | "
    "label.removed`, `data: PromptChangeEvent` (JSON). Without a position the stream first sends "
    "`event: ready` (data `StreamPosition`); with one it replays what was missed, or sends `event: reset` "
    "(refetch everything) when the position is unknown or older than the retention window. A message "
    "with only `id:` moves the position past events the stream does not carry. See docs/change-stream.md."
)
STREAM_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "names",
        "in": "query",
        "required": False,
        "description": (
            f"Only these prompts: comma-separated names (at most {MAX_NAMES} names and "
            f"{MAX_NAMES_LENGTH} characters, each {PROMPT_NAME})"
        ),
        "schema": {"type": "string", "maxLength": MAX_NAMES_LENGTH},
    },
    {
        "name": "last_event_id",
        "in": "query",
        "required": False,
        "description": "Resume after this event id, for clients that cannot set the Last-Event-ID header",
        "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
    },
    {
        "name": "Last-Event-ID",
        "in": "header",
        "required": False,
        "description": "Resume after this event id (EventSource sends it on reconnect); wins over the query",
        "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
    },
]
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": STREAM_DESCRIPTION,
        "content": {
            "text/event-stream": {
                # One Server-Sent Event; `data` is JSON: PromptChangeEvent, or StreamPosition (ready/reset).
                "schema": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "event": {"type": "string"},
                        "retry": {"type": "integer"},
                        "data": {
                            "type": "string",
                            "contentMediaType": "application/json",
                            "contentSchema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/PromptChangeEvent"},
                                    {"$ref": "#/components/schemas/StreamPosition"},
                                ]
                            },
                        },
                    },
                }
            }
        },
    },
    **error_responses(401, 403, 404, 422, 429),
}


@router.get(
    "/prompt-events",
    operation_id="prompts-stream-events",
    response_class=EventSourceResponse,
    responses=STREAM_RESPONSES,
    openapi_extra={"parameters": STREAM_PARAMETERS},
)
async def stream_prompt_events(request: Request, project_id: uuid.UUID) -> EventSourceResponse:
    """Stream the project's prompt changes (new versions, label moves and removals) with their new ETags."""
    messages = await open_stream(request, project_id)
    # ping=0: the stream sends its own keep-alive comments (after re-checking the credential).
    return EventSourceResponse(
        messages,
        ping=0,
        headers={"Cache-Control": "no-store"},
        send_timeout=request.app.state.settings.ws_send_timeout_seconds,
    )
