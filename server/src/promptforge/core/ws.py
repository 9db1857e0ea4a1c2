"""Live project events over WebSocket: the per-process fan-out hub and one client connection.

Every api process holds one `EventHub`. It listens on the store's project event channels (Redis
pub/sub, or in-process when embedded), so an event published by any replica or worker reaches the
clients of every replica. Each `LiveConnection` owns a bounded send queue written by one sender
task: a client that stops reading is closed (4008) instead of being buffered without bound.
Credentials are re-checked periodically and revocation notices (`publish_revocation`) close the
connections of a revoked key, an ended session or a deactivated user at once, on every replica.

Authentication and authorization live outside core: the route hands in a `Credential`.
Timeouts use `asyncio.timeout`, never `wait_for`: on Python 3.11 `wait_for` can swallow a
cancellation that races the inner call's completion, leaving a loop task that never ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from prometheus_client import Counter, Gauge
from starlette.websockets import WebSocket

from promptforge.core.config import Settings
from promptforge.core.db import utcnow
from promptforge.core.events import project_channel
from promptforge.core.kv import KeyValueStore, StoreUnavailable, consume_subscription

log = structlog.get_logger("promptforge.ws")

REVOCATIONS_CHANNEL = "ws:revocations"
PROBE_PROJECT = "probe"  # a channel no project uses: the hub's own liveness probe
EVENTS_PATTERN = project_channel("*")

# Close codes (docs/api.md "Live events"): 1000-range from RFC 6455, 4000-range our own.
CLOSE_GOING_AWAY = 1001
CLOSE_TOO_BIG = 1009
CLOSE_CREDENTIALS = 4001  # the key was revoked or expired, the session ended, the user deactivated
CLOSE_TOO_SLOW = 4008  # the client did not read: its send queue filled or a send timed out
CLOSE_RATE_LIMITED = 4029  # the client sent more messages than allowed

CONNECTIONS = Gauge("promptforge_ws_connections", "Open WebSocket connections", multiprocess_mode="livesum")
CLOSES = Counter("promptforge_ws_closes_total", "WebSocket connections closed by the server", ["code"])
EVENTS = Counter("promptforge_ws_events_total", "Project events received for fan-out by this process")


async def publish_revocation(kv: KeyValueStore, kind: str, ident: uuid.UUID | str) -> None:
    """Tell every replica to close the connections of a revoked `key`, `session` or `user` now."""
    try:
        await kv.publish(REVOCATIONS_CHANNEL, f"{kind} {ident}".encode())
    except StoreUnavailable:  # the periodic re-check still closes them
        log.warning("revocation_not_published", kind=kind)


@dataclass(frozen=True)
class Credential:
    """Who a connection belongs to, and the checks the route supplies (core knows no auth rules)."""

    owner: str  # per-owner connection limit: `user:<id>` or `key:<id>`
    identities: frozenset[tuple[str, str]]  # what revocation notices match: (`key`|`session`|`user`, id)
    still_valid: Callable[[], Awaitable[bool | None]]  # None: cannot tell now (store or database down)
    can_read: Callable[[uuid.UUID], Awaitable[bool | None]]  # may it see this project's events?


@dataclass
class _Bucket:
    """Token bucket for the messages a client sends."""

    rate: float
    burst: int
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _frame(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))


def _error(code: str, message: str, **extra: Any) -> str:
    return _frame({"type": "error", "code": code, "message": message, **extra})


class EventHub:
    """One per process: subscribes to the event and revocation channels and fans out to connections."""

    def __init__(self, kv: KeyValueStore, settings: Settings) -> None:
        self.kv = kv
        self.settings = settings
        self.connections: set[LiveConnection] = set()
        self._followers: dict[str, set[LiveConnection]] = {}
        self._owners: dict[str, int] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()

    def ensure_started(self) -> None:
        """Open the subscriptions on first use: a process that never serves a WebSocket holds none."""
        if self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self._listen(EVENTS_PATTERN, self._on_event, probe=True)),
            asyncio.create_task(self._listen(REVOCATIONS_CHANNEL, self._on_revocation)),
        ]

    async def stop(self) -> None:
        for connection in list(self.connections):
            connection.request_close(CLOSE_GOING_AWAY, "server shutting down")
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_ready(self, within: float = 2.0) -> bool:
        """Whether the event subscription is live (so a `subscribed` reply means events will flow)."""
        try:
            async with asyncio.timeout(within):
                await self._ready.wait()
        except TimeoutError:
            return False
        return True

    async def _listen(self, pattern: str, handle: Callable[[str, bytes], None], probe: bool = False) -> None:
        """Keep a subscription open, re-opening it after a store failure (events meanwhile are lost)."""
        while True:
            prober = asyncio.create_task(self._probe()) if probe else None
            try:
                await consume_subscription(self.kv, pattern, handle, "ws_subscription_lost")
            finally:
                if prober is not None:
                    prober.cancel()
                if probe:
                    self._ready.clear()
            # Revocation notices may have been missed meanwhile: re-check every credential now.
            for connection in list(self.connections):
                connection.recheck_soon()
            await asyncio.sleep(1.0)

    async def _probe(self) -> None:
        """Publish on our own pattern until the subscription delivers it: then it is live."""
        while not self._ready.is_set():
            with contextlib.suppress(StoreUnavailable):
                await self.kv.publish(project_channel(PROBE_PROJECT), b"{}")
            await asyncio.sleep(0.05)

    def _on_event(self, channel: str, message: bytes) -> None:
        project_id = channel.rpartition(":")[2]
        if project_id == PROBE_PROJECT:
            self._ready.set()
            return
        followers = self._followers.get(project_id)
        EVENTS.inc()
        if not followers:
            return
        try:
            event = json.loads(message)
            frame = _frame(
                {
                    "type": "event",
                    "event": str(event["type"]),
                    "project_id": project_id,
                    "data": event.get("data", {}),
                    "at": event.get("at"),
                }
            )
        except (ValueError, KeyError, TypeError):
            log.warning("ws_bad_event", project_id=project_id)
            return
        for connection in list(followers):
            connection.offer(frame)

    def _on_revocation(self, _channel: str, message: bytes) -> None:
        kind, _, ident = message.decode(errors="replace").partition(" ")
        for connection in list(self.connections):
            if (kind, ident) in connection.credential.identities:
                connection.request_close(CLOSE_CREDENTIALS, "credentials revoked")

    def register(self, connection: LiveConnection) -> bool:
        """Admit a connection unless its owner already has the maximum open here."""
        owner = connection.credential.owner
        if self._owners.get(owner, 0) >= self.settings.ws_max_connections_per_principal:
            return False
        self._owners[owner] = self._owners.get(owner, 0) + 1
        self.connections.add(connection)
        CONNECTIONS.inc()
        return True

    def unregister(self, connection: LiveConnection) -> None:
        if connection not in self.connections:
            return
        self.connections.discard(connection)
        CONNECTIONS.dec()
        for project_id in list(connection.projects):
            self.unfollow(connection, project_id)
        owner = connection.credential.owner
        self._owners[owner] -= 1
        if not self._owners[owner]:
            del self._owners[owner]

    def follow(self, connection: LiveConnection, project_id: str) -> None:
        connection.projects.add(project_id)
        self._followers.setdefault(project_id, set()).add(connection)

    def unfollow(self, connection: LiveConnection, project_id: str) -> None:
        connection.projects.discard(project_id)
        followers = self._followers.get(project_id)
        if followers is not None:
            followers.discard(connection)
            if not followers:
                del self._followers[project_id]


class LiveConnection:
    """One accepted WebSocket: reads client messages, writes queued frames, pings and re-checks."""

    def __init__(self, hub: EventHub, websocket: WebSocket, credential: Credential) -> None:
        self.hub = hub
        self.websocket = websocket
        self.credential = credential
        self.settings = hub.settings
        self.projects: set[str] = set()
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=self.settings.ws_send_queue_size)
        self._closing = asyncio.Event()
        self._close: tuple[int, str] | None = None  # None once the client went away by itself
        self._recheck = asyncio.Event()
        self._bucket = _Bucket(
            self.settings.ws_client_messages_per_second, self.settings.ws_client_message_burst
        )

    # --- called from the hub ------------------------------------------------------------------

    def offer(self, frame: str) -> None:
        """Queue a frame; a full queue means the client is not reading: close it."""
        if self._closing.is_set():
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.request_close(CLOSE_TOO_SLOW, "client too slow: send queue full")

    def request_close(self, code: int, reason: str) -> None:
        if not self._closing.is_set():
            self._close = (code, reason)
            self._closing.set()

    def recheck_soon(self) -> None:
        self._recheck.set()

    # --- the connection's life ------------------------------------------------------------------

    async def run(self) -> None:
        """Serve the accepted connection until either side closes it; always unregisters."""
        tasks = [
            asyncio.create_task(self._receive_loop()),
            asyncio.create_task(self._send_loop()),
            asyncio.create_task(self._ping_loop()),
            asyncio.create_task(self._recheck_loop()),
            asyncio.create_task(self._reauthorize_loop()),
        ]
        closing = asyncio.create_task(self._closing.wait())
        try:
            await asyncio.wait([closing, *tasks], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (closing, *tasks):
                task.cancel()
            await asyncio.gather(closing, *tasks, return_exceptions=True)
            self.hub.unregister(self)
        if self._close is not None:
            code, reason = self._close
            CLOSES.labels(str(code)).inc()
            # The close frame waits behind what the client has not read yet: give it the send
            # timeout, then let the server drop the socket.
            try:
                async with asyncio.timeout(self.settings.ws_send_timeout_seconds):
                    await self.websocket.close(code, reason)
            except Exception as exc:  # gone meanwhile, or still not reading: the server drops the socket
                log.warning("ws_close_failed", code=code, error=repr(exc))

    async def _send_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                async with asyncio.timeout(self.settings.ws_send_timeout_seconds):
                    await self.websocket.send_text(frame)
            except TimeoutError:
                self.request_close(CLOSE_TOO_SLOW, "client too slow: send timed out")
                return
            except Exception:  # the client went away mid-send
                self._gone()
                return

    def _gone(self) -> None:
        if not self._closing.is_set():
            self._close = None
            self._closing.set()

    async def _receive_loop(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                self._gone()
                return
            if not self._bucket.take():
                self.request_close(CLOSE_RATE_LIMITED, "too many messages")
                return
            text = message.get("text")
            if text is None:
                self.offer(_error("bad_message", "Send JSON text frames, not binary ones."))
                continue
            if len(text) > self.settings.ws_max_message_bytes or (
                len(text.encode()) > self.settings.ws_max_message_bytes
            ):
                self.request_close(CLOSE_TOO_BIG, "message too big")
                return
            await self._handle(text)
            await asyncio.sleep(0)  # frames arrive in batches: let the sender drain between them

    async def _handle(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            self.offer(_error("bad_message", "The message is not valid JSON."))
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            self.offer(_frame({"type": "pong", "at": utcnow().isoformat()}))
        elif kind in ("subscribe", "unsubscribe"):
            raw = message.get("project_id")
            try:
                project_id = uuid.UUID(raw) if isinstance(raw, str) and len(raw) <= 64 else None
            except ValueError:
                project_id = None
            if project_id is None:
                self.offer(_error("validation_error", "project_id must be a project id (UUID)."))
            elif kind == "subscribe":
                await self._subscribe(project_id)
            else:
                self.hub.unfollow(self, str(project_id))
                self.offer(_frame({"type": "unsubscribed", "project_id": str(project_id)}))
        else:
            self.offer(_error("unknown_type", "type must be subscribe, unsubscribe or ping."))

    async def _subscribe(self, project_id: uuid.UUID) -> None:
        key = str(project_id)
        if key not in self.projects and len(self.projects) >= self.settings.ws_max_subscriptions:
            self.offer(
                _error(
                    "too_many_subscriptions",
                    f"At most {self.settings.ws_max_subscriptions} projects per connection.",
                    project_id=key,
                )
            )
            return
        allowed = await self.credential.can_read(project_id)
        if allowed is None or not await self.hub.wait_ready():
            self.offer(_error("unavailable", "Events are unavailable right now; retry.", project_id=key))
        elif not allowed:
            self.offer(_error("not_found", "Project not found.", project_id=key))
        else:
            self.hub.follow(self, key)
            self.offer(_frame({"type": "subscribed", "project_id": key}))

    async def _ping_loop(self) -> None:
        # Keeps proxies from timing out idle connections, and lets browser code notice a dead one.
        while True:
            await asyncio.sleep(self.settings.ws_ping_seconds)
            self.offer(_frame({"type": "ping", "at": utcnow().isoformat()}))

    async def _recheck_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.ws_recheck_seconds):
                    await self._recheck.wait()
            self._recheck.clear()
            if await self.credential.still_valid() is False:  # None: cannot tell now, keep it
                self.request_close(CLOSE_CREDENTIALS, "credentials expired or revoked")
                return

    async def _reauthorize_loop(self) -> None:
        # A member removed from the workspace (or a deleted project) stops receiving its events.
        while True:
            await asyncio.sleep(self.settings.ws_reauthorize_seconds)
            for key in list(self.projects):
                if await self.credential.can_read(uuid.UUID(key)) is False:
                    self.hub.unfollow(self, key)
                    self.offer(_frame({"type": "unsubscribed", "project_id": key, "reason": "not_found"}))
