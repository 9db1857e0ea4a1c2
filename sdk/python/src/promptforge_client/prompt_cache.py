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
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

import httpx

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
        if entry is not None and self.max_age > 0 and time.monotonic() - entry.checked_at < self.max_age:
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
