"""`GET /api/v1/ws`: the WebSocket of live project events (not in OpenAPI; docs/api.md describes it)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from promptforge.live.service import serve_live_events

router = APIRouter()


@router.websocket("/api/v1/ws", name="live-events")
async def live_events(websocket: WebSocket) -> None:
    """Subscribe to projects and receive their events; see docs/api.md "Live events"."""
    await serve_live_events(websocket)
