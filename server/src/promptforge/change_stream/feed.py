"""The per-process fan-out of the change stream: one outbox reader per project, however many streams.

Each project with open streams in this process has one `ProjectFeed` task. It wakes on the outbox
nudge (`OUTBOX_CHANNEL`, published after every commit that recorded an event, by any replica) or every
`stream_poll_seconds` when no nudge comes (Redis down, a nudge lost), reads the new events once from the
database (the source of truth) and hands the batch to every stream of the project. Revocation notices
(core/ws.py `publish_revocation`) end the streams of a revoked key, ended session or deactivated user.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.change_stream.events import PAGE_SIZE, StreamEvent, last_event_id, read_events
from promptforge.core.config import Settings
from promptforge.core.errors import TooManyRequests
from promptforge.core.kv import KeyValueStore, consume_subscription
from promptforge.core.outbox import OUTBOX_CHANNEL
from promptforge.core.ws import REVOCATIONS_CHANNEL

log = structlog.get_logger("promptforge.change_stream")

STREAMS = Gauge("promptforge_change_streams", "Open change streams in this process")
READS = Counter("promptforge_change_stream_reads_total", "Outbox reads by the change-stream feeds")
CLOSED = object()  # queued to a stream: the server ends it (revoked, too slow, shutting down)


@dataclass(eq=False)
class StreamClient:
    """One open stream: its queue of event batches and what revocation notices match."""

    project_id: uuid.UUID
    identities: frozenset[tuple[str, str]]
    queue: asyncio.Queue[list[StreamEvent] | object]
    limit: int  # batches queued at most; one more slot is kept for CLOSED
    reason: str = ""

    def offer(self, batch: list[StreamEvent]) -> None:
        if self.reason:
            return
        if self.queue.qsize() >= self.limit:  # not reading: end it, it resumes with Last-Event-ID
            self.close("client too slow")
            return
        self.queue.put_nowait(batch)

    def close(self, reason: str) -> None:
        if not self.reason:
            self.reason = reason
            with contextlib.suppress(asyncio.QueueFull):  # cannot be full: `offer` keeps a slot
                self.queue.put_nowait(CLOSED)


@dataclass(eq=False)
class ProjectFeed:
    """The reader of one project's events in this process."""

    project_id: uuid.UUID
    clients: set[StreamClient] = field(default_factory=set)
    position: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class ChangeFeed:
    """One per api process: project feeds, the nudge and revocation listeners, connection limits."""

    def __init__(
        self, kv: KeyValueStore, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
    ) -> None:
        self.kv = kv
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.projects: dict[uuid.UUID, ProjectFeed] = {}
        self._listeners: list[asyncio.Task[None]] = []
        self.stopping = False

    def _ensure_listening(self) -> None:
        if not self._listeners:
            self._listeners = [
                asyncio.create_task(self._listen(OUTBOX_CHANNEL, self._on_nudge)),
                asyncio.create_task(self._listen(REVOCATIONS_CHANNEL, self._on_revocation)),
            ]

    async def stop(self) -> None:
        """End every stream and stop the readers (application shutdown)."""
        self.stopping = True
        for feed in list(self.projects.values()):
            for client in list(feed.clients):
                client.close("server shutting down")
            if feed.task is not None:
                feed.task.cancel()
        for task in self._listeners:
            task.cancel()
        for task in [*self._listeners, *(f.task for f in self.projects.values() if f.task)]:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- streams ------------------------------------------------------------------------------

    async def connect(self, project_id: uuid.UUID, identities: frozenset[tuple[str, str]]) -> StreamClient:
        """Admit a stream (429 beyond the per-project limit); the feed's position is known on return."""
        feed = self.projects.get(project_id)
        limit = self.settings.stream_max_connections_per_project
        if self.stopping or (feed is not None and len(feed.clients) >= limit):
            raise TooManyRequests(
                f"At most {limit} open change streams per project.",
                code="too_many_streams",
                headers={"Retry-After": "5"},
            )
        self._ensure_listening()
        if feed is None:
            feed = self.projects[project_id] = ProjectFeed(project_id)
            feed.task = asyncio.create_task(self._run(feed))
        size = self.settings.stream_queue_size
        client = StreamClient(project_id, identities, asyncio.Queue(size + 1), size)
        feed.clients.add(client)
        STREAMS.inc()
        try:
            await feed.ready.wait()
        except BaseException:
            self.disconnect(client)
            raise
        return client

    def position(self, client: StreamClient) -> int:
        """The last event id the client's feed has read: the client receives every later one."""
        return self.projects[client.project_id].position

    def disconnect(self, client: StreamClient) -> None:
        feed = self.projects.get(client.project_id)
        if feed is None or client not in feed.clients:
            return
        feed.clients.discard(client)
        STREAMS.dec()
        if not feed.clients:  # the last stream of the project here: stop reading it
            del self.projects[client.project_id]
            if feed.task is not None:
                feed.task.cancel()

    # --- reading ------------------------------------------------------------------------------

    async def _run(self, feed: ProjectFeed) -> None:
        while not feed.ready.is_set():
            try:
                async with self.sessionmaker() as session:
                    feed.position = await last_event_id(session, feed.project_id)
                feed.ready.set()
            except Exception:  # the database is down: streams wait for it
                log.warning("change_feed_start_failed", project_id=str(feed.project_id), exc_info=True)
                await asyncio.sleep(self.settings.stream_poll_seconds)
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.stream_poll_seconds):
                    await feed.wake.wait()
            feed.wake.clear()
            try:
                await self._read(feed)
            except Exception:  # a database hiccup: the next wake or poll tries again
                log.warning("change_feed_read_failed", project_id=str(feed.project_id), exc_info=True)

    async def _read(self, feed: ProjectFeed) -> None:
        async with self.sessionmaker() as session:
            while True:
                READS.inc()
                batch = await read_events(session, feed.project_id, feed.position)
                if not batch:
                    return
                feed.position = batch[-1].id
                for client in list(feed.clients):
                    client.offer(batch)
                if len(batch) < PAGE_SIZE:
                    return

    # --- listeners ----------------------------------------------------------------------------

    async def _listen(self, channel: str, handle: Callable[[bytes], None]) -> None:
        """Keep a subscription open; after a store failure re-open it (the poll covers meanwhile)."""
        while True:
            await consume_subscription(
                self.kv, channel, lambda _channel, message: handle(message), "change_feed_subscription_lost"
            )
            await asyncio.sleep(1.0)

    def _on_nudge(self, message: bytes) -> None:
        try:
            project_id = uuid.UUID(message.decode())
        except (ValueError, UnicodeDecodeError):
            return
        feed = self.projects.get(project_id)
        if feed is not None:
            feed.wake.set()

    def _on_revocation(self, message: bytes) -> None:
        kind, _, ident = message.decode(errors="replace").partition(" ")
        for feed in list(self.projects.values()):
            for client in list(feed.clients):
                if (kind, ident) in client.identities:
                    client.close("credentials revoked")
