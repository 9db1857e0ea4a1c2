"""One delivery attempt over the guarded outbound client, and what its outcome means for retrying."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2

from promptforge.core.config import Settings
from promptforge.core.outbound import ForbiddenDestination, OutboundPolicy, guarded_async_client
from promptforge.webhooks.signing import sign

EXCERPT_BYTES = 1024
# Read a little past what is kept, then stop: a huge answer never costs more than this.
READ_LIMIT_BYTES = 2 * EXCERPT_BYTES
USER_AGENT = "Prompt-Forge"
# A Retry-After longer than this is capped: the retry schedule, not the receiver, bounds the wait.
MAX_RETRY_AFTER_SECONDS = 24 * 3600


def webhook_policy(settings: Settings) -> OutboundPolicy:
    """Where webhook URLs may point (PF_ALLOW_PRIVATE_WEBHOOK_URLS, PF_WEBHOOK_ALLOWED_HOSTS)."""
    return OutboundPolicy.of(
        allow_private=settings.private_webhook_urls_allowed, allowed_hosts=settings.webhook_allowed_host_list
    )


@dataclass(frozen=True)
class Message:
    """What is sent: the event id (also `Webhook-Id`) and the exact JSON body bytes."""

    event_id: str
    body: bytes


def build_message(
    event_id: str, event_type: str, created_at: datetime, project_id: str, data: dict[str, Any]
) -> Message:
    """The documented body `{id, type, created_at, project_id, data}`, compact JSON."""
    body = {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "project_id": project_id,
        "data": data,
    }
    return Message(event_id, json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())


@dataclass(frozen=True)
class Outcome:
    """The result of one attempt. `retry` says whether another attempt may help."""

    ok: bool
    retry: bool
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None
    retry_after_seconds: float | None = None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), MAX_RETRY_AFTER_SECONDS)


def _classify(status: int) -> tuple[bool, bool, str | None]:
    """(ok, retry, error) for an HTTP status: 2xx ok; 5xx and 429 retried; 3xx and other 4xx final."""
    if 200 <= status < 300:
        return True, False, None
    if 300 <= status < 400:
        return False, False, f"HTTP {status}: redirects are not followed"
    if status == 429 or status >= 500:
        return False, True, f"HTTP {status}"
    return False, False, f"HTTP {status}"


class WebhookSender:
    """Sends signed attempts; one guarded client per outbound policy, so settings changes take effect."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._clients: dict[OutboundPolicy, httpx2.AsyncClient] = {}

    def _client(self) -> httpx2.AsyncClient:
        policy = webhook_policy(self._settings)
        client = self._clients.get(policy)
        if client is None:
            timeout = self._settings.webhook_timeout_seconds
            client = guarded_async_client(policy, timeout=timeout, max_response_bytes=1 << 30)
            # Webhooks follow no redirect at all (a 3xx is a final failure), so the hook that refuses
            # cross-origin ones must not turn the answer into an error: its status is what we report.
            client.event_hooks = {**client.event_hooks, "response": []}
            self._clients[policy] = client
        return client

    async def send(self, url: str, secret: str, message: Message) -> Outcome:
        """POST the message to `url`: never raises, never follows a redirect, bounded in time and size."""
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "Accept-Encoding": "identity",  # the excerpt is kept as sent; nothing to decompress
            "User-Agent": USER_AGENT,
            "Webhook-Id": message.event_id,
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": sign(secret, message.event_id, timestamp, message.body),
        }
        started = time.perf_counter()

        def elapsed() -> int:
            return round((time.perf_counter() - started) * 1000)

        try:
            async with asyncio.timeout(self._settings.webhook_timeout_seconds):
                request = self._client().build_request("POST", url, content=message.body, headers=headers)
                response = await self._client().send(request, stream=True, follow_redirects=False)
                try:
                    received = bytearray()
                    async for chunk in response.aiter_raw():
                        received += chunk
                        if len(received) >= READ_LIMIT_BYTES:
                            break
                finally:
                    await response.aclose()
        except ForbiddenDestination as exc:
            return Outcome(False, False, None, elapsed(), f"Refused: {exc.reason}", None)
        except TimeoutError:
            limit = self._settings.webhook_timeout_seconds
            return Outcome(False, True, None, elapsed(), f"Timed out after {limit:g} s", None)
        except httpx2.TimeoutException:
            return Outcome(False, True, None, elapsed(), "Timed out", None)
        except httpx2.HTTPError as exc:
            return Outcome(
                False, True, None, elapsed(), f"Connection failed: {exc or type(exc).__name__}", None
            )
        ok, retry, error = _classify(response.status_code)
        excerpt = bytes(received[:EXCERPT_BYTES]).decode("utf-8", errors="replace") or None
        retry_after = _retry_after(response.headers.get("retry-after")) if retry else None
        return Outcome(ok, retry, response.status_code, elapsed(), error, excerpt, retry_after)

    async def close(self) -> None:
        """Close every client's connections."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
