"""The relay: fans outbox events out into deliveries and sends the due ones, in every worker process.

All state is in the database, so any number of relays may run (one per worker process, across
machines) and a killed one loses nothing:

- fan-out locks each webhook row (`FOR UPDATE SKIP LOCKED`) while it turns the events past the
  webhook's `event_cursor` into deliveries and advances the cursor, in one transaction: every event
  becomes exactly one delivery per matching webhook;
- sending claims due deliveries the same way and sets their `next_attempt_at` to a lease end before
  the request goes out; a relay that dies mid-attempt leaves the delivery due again when the lease
  ends (at least once: receivers deduplicate on `Webhook-Id`).

The relay wakes on the outbox nudge (Redis pub/sub, or in-process) and polls as a fallback.
SQLite has no row locks, but the embedded default runs one process, hence one relay.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import timedelta

import structlog
from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.core.config import Settings
from promptforge.core.db import serialize_writers, utcnow
from promptforge.core.encryption import SecretBox
from promptforge.core.kv import KeyValueStore, consume_subscription
from promptforge.core.outbox import OUTBOX_CHANNEL, ProjectEvent, events_after, prune_events
from promptforge.core.resources import Resources
from promptforge.webhooks.attempts import (
    DISABLED_WEBHOOKS,
    apply_outcome,
    count_attempt,
    lease_end,
    message_of,
    secret_of,
)
from promptforge.webhooks.models import FAILED, OPEN_STATUSES, PENDING, SUCCEEDED, Webhook, WebhookDelivery
from promptforge.webhooks.sender import Outcome, WebhookSender

log = structlog.get_logger("promptforge.webhooks.relay")
FAN_OUT_BATCH = 50  # webhooks locked per fan-out transaction
EVENTS_PER_WEBHOOK = 500  # events turned into deliveries per webhook per transaction
MAX_IN_FLIGHT = 16  # attempts one relay sends at once
MAINTENANCE_SECONDS = 60.0
STOP_WAIT_SECONDS = 5.0


def matches(events: list[str], event_type: str) -> bool:
    """Whether a webhook subscribed to `events` receives `event_type`."""
    return events == ["*"] or event_type in events


async def fan_out(session: AsyncSession) -> int:
    """Turn new outbox events into deliveries for the active webhooks; returns how many were made."""
    pending_events = exists().where(
        ProjectEvent.project_id == Webhook.project_id, ProjectEvent.id > Webhook.event_cursor
    )
    stmt = (
        select(Webhook)
        .where(Webhook.active, pending_events)
        .limit(FAN_OUT_BATCH)
        .with_for_update(skip_locked=True, of=Webhook)
    )
    made = 0
    now = utcnow()
    for webhook in (await session.scalars(stmt)).all():
        events = await events_after(
            session, webhook.project_id, webhook.event_cursor, limit=EVENTS_PER_WEBHOOK
        )
        for event in events:
            if matches(webhook.events, event.type):
                session.add(
                    WebhookDelivery(
                        webhook_id=webhook.id,
                        event_pk=event.id,
                        event_uid=event.uid,
                        event_type=event.type,
                        event_created_at=event.created_at,
                        status=PENDING,
                        next_attempt_at=now,
                    )
                )
                made += 1
        if events:
            webhook.event_cursor = events[-1].id
    await session.flush()
    return made


async def claim_due(session: AsyncSession, settings: Settings, limit: int) -> list[tuple[uuid.UUID, int]]:
    """Claim up to `limit` due deliveries of active webhooks: (delivery id, attempt number) each."""
    stmt = (
        select(WebhookDelivery)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.status.in_(OPEN_STATUSES),
            WebhookDelivery.next_attempt_at <= utcnow(),
            Webhook.active,
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    )
    claimed = []
    until = lease_end(settings)
    for delivery in (await session.scalars(stmt)).all():
        delivery.attempt += 1
        delivery.next_attempt_at = until
        claimed.append((delivery.id, delivery.attempt))
    await session.flush()
    return claimed


async def prune(session: AsyncSession, settings: Settings) -> None:
    """Drop expired outbox events no delivery still needs, and old finished deliveries."""
    still_needed = exists().where(
        WebhookDelivery.event_pk == ProjectEvent.id, WebhookDelivery.status.in_(OPEN_STATUSES)
    )
    not_fanned_out = exists().where(
        Webhook.project_id == ProjectEvent.project_id, Webhook.active, Webhook.event_cursor < ProjectEvent.id
    )
    await prune_events(
        session, timedelta(hours=settings.event_retention_hours), keep=still_needed | not_fanned_out
    )
    cutoff = utcnow() - timedelta(days=settings.webhook_delivery_retention_days)
    await session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.status.in_((SUCCEEDED, FAILED)), WebhookDelivery.created_at < cutoff
        )
    )
    disabled = and_(Webhook.active.is_(False), Webhook.disabled_reason.is_not(None))
    DISABLED_WEBHOOKS.set(await session.scalar(select(func.count()).where(disabled)) or 0)


async def attempt_delivery(
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: WebhookSender,
    box: SecretBox,
    settings: Settings,
    delivery_id: uuid.UUID,
    attempt: int,
) -> None:
    """Send one claimed attempt and record its outcome (unless another relay took the delivery over)."""
    async with sessionmaker() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        webhook = await session.get(Webhook, delivery.webhook_id) if delivery is not None else None
        if delivery is None or webhook is None:
            return  # deleted meanwhile
        message = await message_of(session, webhook, delivery)
        url, secret = webhook.url, secret_of(webhook, box)
    if message is None:
        outcome = Outcome(False, False, None, 0, "The event has expired from the outbox", None)
    else:
        outcome = await sender.send(url, secret, message)
    async with sessionmaker() as session, session.begin():
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.attempt == attempt)
            .where(WebhookDelivery.status.in_(OPEN_STATUSES))
            .with_for_update()
        )
        delivery = await session.scalar(stmt)
        if delivery is None:
            return  # the lease ran out and another relay owns the delivery now
        apply_outcome(delivery, outcome, settings, retries=True)
        await count_attempt(session, delivery.webhook_id, outcome, settings)


class WebhookRelay:
    """One process's relay loop: started with the worker role, stopped before its resources close."""

    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        kv: KeyValueStore,
        box: SecretBox,
        sender: WebhookSender,
    ) -> None:
        self._settings = settings
        self._sessionmaker = sessionmaker
        self._kv = kv
        self._box = box
        self._sender = sender
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._next_maintenance = 0.0

    def start(self) -> None:
        """Start listening for nudges and working."""
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._loop())]

    async def stop(self) -> None:
        """Stop and close the sender; attempts in flight are cancelled and retried once their lease ends."""
        listener, work = self._tasks[:1], [*self._tasks[1:], *self._in_flight]
        for task in [*listener, *work]:
            task.cancel()
        # Bounded: shutdown must not hang on a stuck task (an attempt is retried after its lease). A
        # pub/sub read can ignore its cancellation until the store's connections close (resources.close).
        for tasks, seconds in ((work, STOP_WAIT_SECONDS), (listener, 0.5)):
            if tasks:
                _, stuck = await asyncio.wait(tasks, timeout=seconds)
                if stuck and tasks is work:
                    log.warning("webhook_relay_stop_timeout", stuck=len(stuck))
        self._tasks, self._in_flight = [], set()
        await self._sender.close()

    async def _listen(self) -> None:
        def wake(_channel: str, _message: bytes) -> None:
            self._wake.set()

        while True:  # Redis away: the poll still delivers; listen again shortly
            await consume_subscription(self._kv, OUTBOX_CHANNEL, wake, "webhook_relay_subscription_lost")
            await asyncio.sleep(1.0)

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # database away, rows vanishing under us: next round
                log.exception("webhook_relay_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.webhook_poll_seconds)

    async def run_once(self) -> None:
        """One round: fan out new events, start due attempts, and now and then prune."""
        room = MAX_IN_FLIGHT - len(self._in_flight)
        async with self._sessionmaker() as session, session.begin():  # one commit for both: faster
            await serialize_writers(session)  # SQLite has no SKIP LOCKED: relays there take turns
            await fan_out(session)
            claimed = await claim_due(session, self._settings, room) if room > 0 else []
        for delivery_id, attempt in claimed:
            task = asyncio.create_task(
                attempt_delivery(
                    self._sessionmaker, self._sender, self._box, self._settings, delivery_id, attempt
                )
            )
            self._in_flight.add(task)
            task.add_done_callback(self._finished)
        if time.monotonic() >= self._next_maintenance:
            self._next_maintenance = time.monotonic() + MAINTENANCE_SECONDS
            async with self._sessionmaker() as session, session.begin():
                await prune(session, self._settings)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook_attempt_failed", error=repr(task.exception()))
        self._wake.set()  # room for more, and a retry may be due soon


def relay_for(resources: Resources, sender: WebhookSender) -> WebhookRelay:
    """A relay over a process's resources (the worker role of `serve` and of `promptforge worker`)."""
    return WebhookRelay(
        resources.settings, resources.sessionmaker, resources.kv, resources.secret_box, sender
    )
