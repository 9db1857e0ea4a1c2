"""The WebSocket handshake: Origin rule, authentication, connection limit; then core/ws.py serves it.

Authentication reuses the REST code (auth/dependencies.py) and subscriptions the REST authorization
(`authorize_project` with READ), so the WebSocket can see exactly what the API can.
"""

from __future__ import annotations

import uuid

import structlog
from starlette.datastructures import State
from starlette.websockets import WebSocket

from promptforge.auth.dependencies import ACCESS_COOKIE, authenticate_credentials, origin_allowed
from promptforge.auth.principal import Principal
from promptforge.core.errors import AppError, Forbidden, NotFound, TooManyRequests, problem_response
from promptforge.core.ws import Credential, EventHub, LiveConnection
from promptforge.workspaces.permissions import Action, authorize_project

log = structlog.get_logger("promptforge.live")
POLICY_VIOLATION = 1008


def own_origin(websocket: WebSocket) -> str:
    """The app's origin as the browser sees it (the scheme honours trusted proxies, see middleware)."""
    scheme = "https" if websocket.url.scheme in ("wss", "https") else "http"
    return f"{scheme}://{websocket.url.netloc}"


async def refuse(websocket: WebSocket, error: AppError) -> None:
    """Refuse the handshake with a problem+json HTTP answer, or a bare 403 without that extension."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        response = problem_response(error.status, error.detail, error.code, headers=error.headers)
        await websocket.send_denial_response(response)
    else:
        await websocket.close(POLICY_VIOLATION, error.code)


def credential_for(
    state: State, principal: Principal, authorization: str | None, token: str | None
) -> Credential:
    """The connection's owner and identities, and the checks core/ws.py re-runs while it is open."""

    async def still_valid() -> bool | None:
        try:
            await authenticate_credentials(state, authorization, None if authorization else token)
        except AppError as exc:
            return False if exc.status == 401 else None
        except Exception:  # an outage is not a revocation: keep the connection, check again later
            log.warning("ws_recheck_failed", exc_info=True)
            return None
        return True

    async def can_read(project_id: uuid.UUID) -> bool | None:
        try:
            async with state.sessionmaker() as session:
                await authorize_project(session, principal, project_id, Action.READ)
        except (NotFound, Forbidden):
            return False
        except Exception:
            log.warning("ws_authorize_failed", exc_info=True)
            return None
        return True

    if principal.api_key_id is not None:
        owner = f"key:{principal.api_key_id}"
        identities = frozenset({("key", str(principal.api_key_id))})
    else:
        owner = f"user:{principal.user_id}"
        identities = frozenset({("session", str(principal.session_id)), ("user", str(principal.user_id))})
    return Credential(owner=owner, identities=identities, still_valid=still_valid, can_read=can_read)


async def serve_live_events(websocket: WebSocket) -> None:
    """Check the handshake before accepting it, then serve the connection until it closes."""
    state = websocket.app.state
    hub: EventHub = state.event_hub
    hub.ensure_started()
    authorization = websocket.headers.get("authorization")
    token = websocket.cookies.get(ACCESS_COOKIE)
    try:
        if not authorization and token:
            # A browser sends its cookies to any site's WebSocket: only our own pages may use them.
            origin = websocket.headers.get("origin")
            if not origin or not origin_allowed(origin, own_origin(websocket), state.settings):
                raise Forbidden("Cross-origin WebSocket refused.", code="bad_origin")
        principal = await authenticate_credentials(state, authorization, token)
    except AppError as exc:
        await refuse(websocket, exc)
        return
    connection = LiveConnection(hub, websocket, credential_for(state, principal, authorization, token))
    if not hub.register(connection):
        limit = state.settings.ws_max_connections_per_principal
        await refuse(
            websocket,
            TooManyRequests(f"At most {limit} open WebSocket connections.", code="too_many_connections"),
        )
        return
    try:
        await websocket.accept()
    except Exception:  # the client left during the handshake
        hub.unregister(connection)
        return
    await connection.run()
