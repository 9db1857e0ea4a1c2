"""Opening a change stream: authorize, parse the filter and the resume position, then serve messages.

The messages of one stream (docs/change-stream.md): `retry: 2000`, then `ready` (no Last-Event-ID),
`reset` (the position is unknown or older than the retention window) or the replay of what was missed,
then live events from the project's feed (change_stream/feed.py), a `: keep-alive` comment every
`stream_heartbeat_seconds` (each one re-checks the credential), until the client leaves, the
credential is revoked, the client falls too far behind, the server shuts down or `stream_max_seconds`
pass (clients resume with Last-Event-ID).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import structlog
from fastapi import Request
from sse_starlette import ServerSentEvent

from promptforge.auth.dependencies import ACCESS_COOKIE, get_principal
from promptforge.change_stream.events import StreamEvent, can_resume_from, read_events
from promptforge.change_stream.feed import CLOSED, ChangeFeed, StreamClient
from promptforge.core.errors import Unprocessable
from promptforge.core.ws import Credential
from promptforge.live.service import credential_for
from promptforge.prompts.names import PROMPT_NAME
from promptforge.workspaces.permissions import Action, authorize_project

log = structlog.get_logger("promptforge.change_stream")

MAX_NAMES = 50
# The whole `names` value: a URL must fit a server's (and a proxy's) request-line limit, about 8-16 KB,
# even percent-encoded; 1,000 characters hold 50 names of up to 19 characters (fewer longer ones).
MAX_NAMES_LENGTH = 1000
RETRY_MILLISECONDS = 2000
NAME_RE = re.compile(PROMPT_NAME)
EVENT_ID_RE = re.compile(r"[0-9]{1,18}")  # below 2**63: a bigint id


@dataclass(frozen=True)
class StreamSpec:
    """What one client asked for."""

    project_id: uuid.UUID
    names: frozenset[str] | None  # None: every prompt
    after: int | None  # Last-Event-ID; None: live from now


def parse_names(raw: str | None) -> frozenset[str] | None:
    """`names=a,b`: at most MAX_NAMES valid prompt names (422 naming the parameter otherwise)."""
    if raw is None:
        return None
    if len(raw) > MAX_NAMES_LENGTH:
        raise Unprocessable.field(["query", "names"], f"At most {MAX_NAMES_LENGTH} characters of names.")
    names = raw.split(",")
    if len(names) > MAX_NAMES:
        raise Unprocessable.field(["query", "names"], f"At most {MAX_NAMES} prompt names.")
    for name in names:
        if not NAME_RE.match(name):
            shown = name[:40] + ("..." if len(name) > 40 else "")
            raise Unprocessable.field(
                ["query", "names"], f"'{shown}' is not a prompt name (pattern {PROMPT_NAME})."
            )
    return frozenset(names)


def parse_last_event_id(header: str | None, query: str | None) -> int | None:
    """The resume position; the header wins (a reconnecting EventSource keeps the URL, sends the header)."""
    sources: list[tuple[list[str | int], str | None]] = [
        (["header", "last-event-id"], header),
        (["query", "last_event_id"], query),
    ]
    for loc, raw in sources:
        if raw is None:
            continue
        value = raw.strip()
        if not EVENT_ID_RE.fullmatch(value):
            raise Unprocessable.field(loc, "An event id the stream sent (a non-negative integer).")
        return int(value)
    return None


async def open_stream(request: Request, project_id: uuid.UUID) -> AsyncIterator[ServerSentEvent]:
    """Authorize READ on the project, parse the request, admit the stream; returns its messages."""
    state = request.app.state
    principal = await get_principal(request)
    async with state.sessionmaker() as session:
        await authorize_project(session, principal, project_id, Action.READ)
    query = request.query_params
    spec = StreamSpec(
        project_id,
        parse_names(query.get("names")),
        parse_last_event_id(request.headers.get("last-event-id"), query.get("last_event_id")),
    )
    authorization = request.headers.get("authorization")
    credential = credential_for(state, principal, authorization, request.cookies.get(ACCESS_COOKIE))
    feed: ChangeFeed = state.change_feed
    client = await feed.connect(project_id, credential.identities)
    return _guarded(ChangeStream(feed, client, credential, spec).messages(), feed, client)


async def _guarded(
    messages: AsyncIterator[ServerSentEvent], feed: ChangeFeed, client: StreamClient
) -> AsyncIterator[ServerSentEvent]:
    """End the stream cleanly on any failure (the client resumes), and always leave the feed."""
    try:
        async for message in messages:
            yield message
    except Exception:  # a database outage mid-stream: end it; the client reconnects and resumes
        log.warning("change_stream_failed", project_id=str(client.project_id), exc_info=True)
    finally:
        feed.disconnect(client)


class ChangeStream:
    """The messages of one admitted stream."""

    def __init__(self, feed: ChangeFeed, client: StreamClient, credential: Credential, spec: StreamSpec):
        self.feed = feed
        self.client = client
        self.credential = credential
        self.spec = spec
        self.settings = feed.settings
        self.sent = 0  # the client's position: the last id it has been given

    def _render(self, batch: list[StreamEvent]) -> Iterator[ServerSentEvent]:
        """The batch's new events the client wants; a bare `id:` moves its position past the rest."""
        newest = self.sent
        for event in batch:
            if event.id <= self.sent:
                continue  # already replayed
            newest = event.id
            wanted = self.spec.names is None or event.prompt in self.spec.names
            if event.streamed and wanted:
                self.sent = event.id
                yield ServerSentEvent(event.data, event=event.type, id=str(event.id))
        if newest > self.sent:
            # No event fires for a message without data, but the client's Last-Event-ID moves on, so a
            # resume later does not start from an id that may have been pruned meanwhile.
            self.sent = newest
            yield ServerSentEvent(id=str(newest))

    def _marker(self, kind: str, position: int) -> ServerSentEvent:
        self.sent = position
        data = json.dumps({"last_event_id": position}, separators=(",", ":"))
        return ServerSentEvent(data, event=kind, id=str(position))

    async def messages(self) -> AsyncIterator[ServerSentEvent]:
        spec = self.spec
        position = self.feed.position(self.client)
        yield ServerSentEvent(retry=RETRY_MILLISECONDS)
        if spec.after is None:
            yield self._marker("ready", position)
        else:
            async with self.feed.sessionmaker() as session:
                resumable = await can_resume_from(session, spec.project_id, spec.after)
            if not resumable:
                yield self._marker("reset", position)
            else:
                self.sent = spec.after
                async for message in self._replay(position):
                    yield message
        async for message in self._live():
            yield message

    async def _replay(self, position: int) -> AsyncIterator[ServerSentEvent]:
        """Events after the client's position up to the feed's; later ones arrive through the queue."""
        while self.sent < position:
            async with self.feed.sessionmaker() as session:
                batch = await read_events(session, self.spec.project_id, self.sent)
            if not batch:
                return
            for message in self._render(batch):
                yield message

    async def _live(self) -> AsyncIterator[ServerSentEvent]:
        settings = self.settings
        started = time.monotonic()
        deadline = started + settings.stream_max_seconds
        next_beat = started + settings.stream_heartbeat_seconds
        authorized_at = started
        while True:
            now = time.monotonic()
            if now >= deadline:
                yield ServerSentEvent(comment="closing: reconnect with Last-Event-ID")
                return
            if now >= next_beat:
                # Every heartbeat, busy or quiet: the credential is still good, the project readable.
                next_beat = now + settings.stream_heartbeat_seconds
                if await self.credential.still_valid() is False:  # None: cannot tell now, go on
                    yield ServerSentEvent(comment="closing: credentials expired or revoked")
                    return
                if now - authorized_at >= settings.ws_reauthorize_seconds:
                    authorized_at = now
                    if await self.credential.can_read(self.spec.project_id) is False:
                        yield ServerSentEvent(comment="closing: project not readable any more")
                        return
                yield ServerSentEvent(comment="keep-alive")
                continue
            item: list[StreamEvent] | object | None = None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(next_beat, deadline) - now):
                    item = await self.client.queue.get()
            if item is CLOSED:
                yield ServerSentEvent(comment=f"closing: {self.client.reason}")
                return
            if isinstance(item, list):
                for message in self._render(item):
                    yield message
