"""Resolve prompts from an application with an ETag cache and a fallback (hand-written, kept by
`make sdk`).

    cache = PromptCache(AuthenticatedClient(base_url=HOST, token=API_KEY), project_id=PROJECT)
    prompt = cache.get("support-answer", label="production", fallback="Answer {{ question }}")
    prompt.template, prompt.version, prompt.is_fallback

Every call revalidates with `If-None-Match`, so an unchanged prompt costs a 304 with no body; within
`max_age` seconds the cached prompt is returned without a request. When the server cannot be
reached (or answers 5xx), the last good copy is returned (`stale=True`), else the fallback
(`is_fallback=True`), else the error is raised. A 4xx (unknown prompt or label, bad key) is never
papered over: it raises `PromptUnavailable`, even with a fallback.

    cache.start_watching()   # or: with cache.watch(): ...

Watching subscribes to the project's change stream (`GET .../prompt-events`, docs/change-stream.md)
on a background thread: a label moved or a version created refreshes the cached prompts of that name
at once (with If-None-Match; nothing when the event's ETag is the cached one), and while the stream is
connected `get()` answers from the cache without a request. The thread keeps the last event id and
reconnects with back-off and `Last-Event-ID`, so a change made while it was away still arrives; a
`reset` (it was away longer than the server keeps events) revalidates everything cached.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

import httpx
from httpx_sse import ServerSentEvent, connect_sse

from promptforge_client.api.prompts.prompts_resolve import _get_kwargs as resolve_request
from promptforge_client.client import AuthenticatedClient


class PromptUnavailable(Exception):
    """The server refused the request (4xx) or could not be reached and nothing could stand in."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CachedPrompt:
    """A resolved prompt as the application uses it."""

    name: str
    version: int
    kind: str
    template: Any  # a string (text) or a list of {role, content} messages (chat)
    variables: dict[str, Any] = field(default_factory=dict)
    model_config: dict[str, Any] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    is_fallback: bool = False  # the server was unreachable and nothing was cached: your fallback
    stale: bool = False  # the server was unreachable: the last copy fetched


@dataclass
class _Entry:
    etag: str
    prompt: CachedPrompt
    checked_at: float


Key = tuple[str, str | None, int | None]


class PromptCache:
    """Per-process cache of resolved prompts (thread-safe; one instance per application)."""

    def __init__(self, client: AuthenticatedClient, project_id: str | UUID, max_age: float = 0.0) -> None:
        self.client = client
        self.project_id = UUID(str(project_id))
        self.max_age = max_age
        self._entries: dict[Key, _Entry] = {}
        self._lock = threading.Lock()
        self.not_modified = 0  # 304s received: how often the cache saved a body
        self._watcher: _Watcher | None = None
        self.last_event_id: str | None = None  # the change stream's position, kept across stop/start
        self.events_received: Counter[str] = Counter()  # change-stream messages by event type

    def _request(self, name: str, label: str | None, version: int | None, etag: str | None) -> dict[str, Any]:
        kwargs = resolve_request(
            self.project_id, name, **({"version": version} if version else {"label": label or "production"})
        )
        if etag:
            kwargs["headers"] = {"If-None-Match": etag}
        return kwargs

    def _fresh(self, key: Key) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            return None
        watcher = self._watcher
        if watcher is not None and watcher.connected.is_set() and watcher.follows(key[0]):
            return entry  # the stream tells us of every change of it: no need to ask
        if self.max_age > 0 and time.monotonic() - entry.checked_at < self.max_age:
            return entry
        return None

    def _handle(
        self, key: Key, response: httpx.Response | None, failure: Exception | None, fallback: Any, kind: str
    ) -> CachedPrompt:
        with self._lock:
            entry = self._entries.get(key)
        if response is not None and response.status_code == 304 and entry is not None:
            self.not_modified += 1
            entry.checked_at = time.monotonic()
            return entry.prompt
        if response is not None and response.status_code == 200:
            body = response.json()
            prompt = CachedPrompt(
                name=body["name"],
                version=body["version"],
                kind=body["kind"],
                template=body["template"],
                variables=body.get("variables") or {},
                model_config=body.get("model_config") or {},
                labels=list(body.get("labels") or []),
            )
            with self._lock:
                self._entries[key] = _Entry(response.headers.get("ETag", ""), prompt, time.monotonic())
            return prompt
        if response is not None and response.status_code < 500:
            raise PromptUnavailable(
                f"resolving {key[0]}: HTTP {response.status_code} {response.text[:200]}", response.status_code
            )
        # unreachable or 5xx: the last good copy, else the caller's fallback
        if entry is not None:
            return replace(entry.prompt, stale=True)
        if fallback is not None:
            return CachedPrompt(name=key[0], version=0, kind=kind, template=fallback, is_fallback=True)
        status = response.status_code if response is not None else None
        raise PromptUnavailable(f"resolving {key[0]}: {failure or f'HTTP {status}'}", status)

    def get(
        self, name: str, label: str | None = "production", version: int | None = None, fallback: Any = None
    ) -> CachedPrompt:
        """The prompt at `label` (or `version`); see the module docstring for what happens offline."""
        key: Key = (name, None if version else label, version)
        fresh = self._fresh(key)
        if fresh is not None:
            return fresh.prompt
        with self._lock:
            entry = self._entries.get(key)
        kwargs = self._request(name, label, version, entry.etag if entry else None)
        response, failure = None, None
        try:
            response = self.client.get_httpx_client().request(**kwargs)
        except httpx.TransportError as exc:
            failure = exc
        return self._handle(
            key, response, failure, fallback, "chat" if isinstance(fallback, list) else "text"
        )

    async def aget(
        self, name: str, label: str | None = "production", version: int | None = None, fallback: Any = None
    ) -> CachedPrompt:
        """`get` for asyncio applications (the client's AsyncClient; the same cache)."""
        key: Key = (name, None if version else label, version)
        fresh = self._fresh(key)
        if fresh is not None:
            return fresh.prompt
        with self._lock:
            entry = self._entries.get(key)
        kwargs = self._request(name, label, version, entry.etag if entry else None)
        response, failure = None, None
        try:
            response = await self.client.get_async_httpx_client().request(**kwargs)
        except httpx.TransportError as exc:
            failure = exc
        return self._handle(
            key, response, failure, fallback, "chat" if isinstance(fallback, list) else "text"
        )

    # --- watching the change stream -----------------------------------------------------------

    def start_watching(
        self,
        names: list[str] | None = None,
        on_change: Callable[[CachedPrompt], None] | None = None,
    ) -> PromptCache:
        """Follow the project's change stream on a daemon thread (only `names`, if given).

        `on_change` is called (on that thread) with each prompt the stream made the cache refresh.
        """
        if self._watcher is None:
            self._watcher = _Watcher(self, names, on_change)
            self._watcher.start()
        return self

    def stop_watching(self) -> None:
        """Close the stream and wait for the thread to end."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()

    @contextlib.contextmanager
    def watch(
        self, names: list[str] | None = None, on_change: Callable[[CachedPrompt], None] | None = None
    ) -> Iterator[PromptCache]:
        """`start_watching` for the duration of a `with` block."""
        self.start_watching(names, on_change)
        try:
            yield self
        finally:
            self.stop_watching()

    @property
    def watching(self) -> bool:
        """Whether the change stream is connected right now."""
        return self._watcher is not None and self._watcher.connected.is_set()

    def wait_until_watching(self, timeout: float = 10.0) -> bool:
        """Block until the stream is connected (its `ready`, `reset` or replay arrived)."""
        watcher = self._watcher
        return watcher is not None and watcher.connected.wait(timeout)

    def _revalidate(self, key: Key, expected_etag: str | None) -> CachedPrompt | None:
        """Refetch one cached prompt with If-None-Match; None when it is gone (404) or unchanged."""
        name, label, _ = key
        for attempt in range(6):
            with self._lock:
                entry = self._entries.get(key)
            if entry is None:
                return None
            kwargs = self._request(name, label, None, entry.etag)
            try:
                response = self.client.get_httpx_client().request(**kwargs)
            except httpx.TransportError:
                return None  # the stream's reconnect will catch up (reset or replay)
            if response.status_code == 404:
                with self._lock:
                    self._entries.pop(key, None)  # the next get() raises or falls back, as without watching
                return None
            if response.status_code >= 400:
                return None
            prompt = self._handle(key, response, None, None, entry.prompt.kind)
            if expected_etag is None or response.headers.get("ETag") == expected_etag:
                return prompt if response.status_code == 200 else None
            # The replica answered before it saw the change (its cache is bumped just after the event
            # is published): ask again shortly.
            time.sleep(0.005 * 2**attempt)
        return None

    def _on_event(self, event: ServerSentEvent) -> list[CachedPrompt]:
        """Refresh what an event touches; returns the prompts that changed."""
        if event.event in ("ready", "reset"):
            # reset: events were missed. ready: what was cached before watching began may be older.
            with self._lock:
                keys = [k for k in self._entries if k[2] is None]
            return [p for k in keys if (p := self._revalidate(k, None)) is not None]
        if event.event not in ("label.moved", "label.removed", "prompt.version.created"):
            return []
        data = json.loads(event.data)
        name = data["prompt"]
        label = data.get("label") or "latest"
        etag = data.get("etag")
        changed = []
        with self._lock:
            keys = [k for k in self._entries if k[0] == name and k[2] is None]
            current = {k: e.etag for k, e in self._entries.items() if k in keys}
        for key in keys:
            if key[1] == label:
                if etag is not None and current[key] == etag:
                    continue  # already this state
                prompt = self._revalidate(key, etag)
            else:
                # Another label of the same prompt: its `labels` list may have changed (a cheap 304 if not).
                prompt = self._revalidate(key, None)
            if prompt is not None:
                changed.append(prompt)
        return changed


class _Watcher(threading.Thread):
    """The change-stream reader of one PromptCache."""

    def __init__(
        self,
        cache: PromptCache,
        names: list[str] | None,
        on_change: Callable[[CachedPrompt], None] | None,
    ) -> None:
        super().__init__(name="promptforge-watch", daemon=True)
        self.cache = cache
        self.names = names
        self.on_change = on_change
        self.connected = threading.Event()
        self.error: str | None = None  # why watching stopped for good (a 401 / 403 / 404)
        self._stopping = threading.Event()
        self._response: httpx.Response | None = None

    def follows(self, name: str) -> bool:
        return self.names is None or name in self.names

    def stop(self) -> None:
        self._stopping.set()
        response = self._response
        if response is not None:
            with contextlib.suppress(Exception):
                response.close()  # unblocks the read (at the latest the next keep-alive does)
        self.join(timeout=2)

    def _http(self) -> httpx.Client:
        c = self.cache.client
        headers = {**c._headers, c.auth_header_name: f"{c.prefix} {c.token}" if c.prefix else c.token}
        # Reads wait for the next message: the server sends a keep-alive comment every 15 s.
        timeout = httpx.Timeout(10.0, read=60.0)
        return httpx.Client(
            base_url=c._base_url, headers=headers, cookies=c._cookies, verify=c._verify_ssl, timeout=timeout
        )

    def run(self) -> None:
        backoff = 0.5
        url = f"/api/v1/projects/{self.cache.project_id}/prompt-events"
        params = {"names": ",".join(self.names)} if self.names else {}
        with self._http() as http:
            while not self._stopping.is_set():
                last = self.cache.last_event_id
                headers = {"Last-Event-ID": last} if last is not None else {}
                try:
                    with connect_sse(http, "GET", url, params=params, headers=headers) as source:
                        self._response = source.response
                        status = source.response.status_code
                        if status in (401, 403, 404, 422):
                            source.response.read()
                            self.error = f"HTTP {status}: {source.response.text[:200]}"
                            return  # will not get better by retrying
                        if status == 200:
                            backoff = 0.5
                            for event in source.iter_sse():
                                if self._stopping.is_set():
                                    return  # stopped while the read was blocked: touch nothing
                                self._dispatch(event)
                except (httpx.HTTPError, ValueError, KeyError, OSError):
                    pass  # reconnect below
                finally:
                    self._response = None
                    self.connected.clear()
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, 30.0)

    def _dispatch(self, event: ServerSentEvent) -> None:
        # The server's first message (`retry:`) opens every stream: from here on it tells us of changes.
        self.connected.set()
        if event.id:
            self.cache.last_event_id = event.id
        if not event.data:
            return  # `retry:`, a keep-alive comment or a bare position
        self.cache.events_received[event.event] += 1
        changed = self.cache._on_event(event)
        if self.on_change is not None:
            for prompt in changed:
                self.on_change(prompt)
