"""One pure-ASGI middleware for request ids, client address, access logs, Prometheus metrics, the body
size limit, security headers and URLs holding NUL characters.

Pure ASGI (not BaseHTTPMiddleware) because it wraps the resolve hot path.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from promptforge.core.client_address import ProxyTrust
from promptforge.core.context import client_ip_var, request_id_var
from promptforge.core.errors import shaped_error_response

log = structlog.get_logger("promptforge.access")

REQUESTS = Counter("promptforge_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "promptforge_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# One policy for the SPA, Swagger UI and the API: neither page runs inline script (Vite emits module
# files; /docs starts from /docs/init.js). Styles allow inline because CodeMirror and Swagger UI
# inject <style> elements; their icons are data: URIs. Nothing loads from another origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # for browsers without CSP frame-ancestors
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
# Only over HTTPS (RFC 6797 §7.2: ignored over HTTP, and it would pin a plain-HTTP dev server).
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
NUL_CHARACTER = "NUL characters (\\u0000) are not allowed"


def _security_headers(scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers plus each security header the route did not set itself."""
    present = {name.lower() for name, _ in headers}
    added = [h for h in SECURITY_HEADERS if h[0] not in present]
    if scope.get("scheme") == "https" and HSTS[0] not in present:
        added.append(HSTS)
    return [*headers, *added]


def _nul_in_url(scope: Scope) -> str | None:
    """`path` or `query` when the URL carries a NUL character (PostgreSQL text cannot hold one)."""
    if "\x00" in scope["path"]:
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return "query"
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over an already read body, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


@dataclass(frozen=True)
class LargeBodyRoute:
    """A route allowed a body above max_body_bytes: it streams the body itself and counts it.

    Matched by method and path before routing (this middleware runs first). Kept to the upload
    routes that need it (dataset imports), so every other route keeps the small global limit.
    """

    method: str
    path: re.Pattern[str]
    max_bytes: int


def _route_template(scope: Scope) -> str:
    """The metrics label: the route's template (bounded), never the raw path.

    Static files (a Mount, which sets no `route`) and the SPA fallback name their label with a
    `route_label` attribute: `/assets/{file}` and `/`.
    """
    route = scope.get("route") or scope.get("endpoint")
    label = getattr(route, "route_label", None) or getattr(route, "path", None)
    return label if isinstance(label, str) else "unmatched"


class RequestMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        proxy_trust: ProxyTrust | None = None,
        large_body_routes: Sequence[LargeBodyRoute] = (),
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.large_body_routes = tuple(large_body_routes)
        self.proxy_trust = proxy_trust or ProxyTrust([])

    def _locate_client(self, scope: Scope) -> None:
        """Rewrite the scope's client and scheme from trusted proxies' headers; publish the client IP."""
        client = scope.get("client")
        peer = client[0] if client else None
        if not self.proxy_trust.trusts_any:  # the default: no header to read (resolve hot path)
            client_ip_var.set(peer)
            return
        forwarded_for = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
        ip = self.proxy_trust.client_ip(peer, forwarded_for)
        proto = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-proto"), None)
        scope["scheme"] = self.proxy_trust.scheme(peer, scope.get("scheme", "http"), proto)
        if ip != peer and ip is not None:
            scope["client"] = (ip, 0)
        client_ip_var.set(ip)

    def _locate_websocket_client(self, scope: Scope) -> None:
        """The same for a WebSocket handshake, whose scheme is `ws` / `wss` (the Origin check needs it)."""
        default = "https" if scope.get("scheme") in ("wss", "https") else "http"
        scope["scheme"] = default
        self._locate_client(scope)
        scope["scheme"] = "wss" if scope["scheme"] == "https" else "ws"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            self._locate_websocket_client(scope)
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else uuid.uuid4().hex
        request_id_var.set(request_id)
        self._locate_client(scope)
        start = time.perf_counter()
        status = 500
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = message.get("headers", [])
                if status == 204:  # no body, so no content type (FastAPI adds one anyway)
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
                headers = _security_headers(scope, list(headers))
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self._dispatch(scope, receive, send_wrapper, headers.get(b"content-length"))
        except Exception:
            # Answered here rather than by Starlette's outermost handler, so that a 500 still
            # carries X-Request-ID and is counted and logged like any other response.
            if started:
                raise
            log.exception("unhandled_error", path=scope["path"])
            response = shaped_error_response(
                scope.get("app"),
                scope.get("path", ""),
                500,
                "An unexpected error occurred.",
                "internal_error",
            )
            await response(scope, receive, send_wrapper)
        elapsed = time.perf_counter() - start
        route = _route_template(scope)
        method = scope["method"]
        REQUESTS.labels(method, route, status).inc()
        LATENCY.labels(method, route, status).observe(elapsed)
        log.info(
            "request",
            method=method,
            path=scope["path"],
            route=route,
            status=status,
            duration_ms=round(elapsed * 1000, 2),
            client_ip=client_ip_var.get(),
        )

    def _large_body_limit(self, scope: Scope) -> int | None:
        for route in self.large_body_routes:
            if scope["method"] == route.method and route.path.fullmatch(scope["path"]):
                return route.max_bytes
        return None

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send, declared: bytes | None) -> None:
        large = self._large_body_limit(scope) if self.large_body_routes else None
        limit = self.max_body_bytes if large is None else large
        if (part := _nul_in_url(scope)) is not None:
            error = {"loc": [part], "msg": NUL_CHARACTER, "type": "unstorable_value"}
            response = shaped_error_response(
                scope.get("app"),
                scope.get("path", ""),
                422,
                f"{part}: {NUL_CHARACTER}",
                "validation_error",
                errors=[error],
            )
            await response(scope, receive, send)
        elif declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
        elif large is not None:
            # Never buffered here: the route streams the body into storage and counts it as it goes.
            await self.app(scope, receive, send)
        elif declared is None and scope["method"] in BODY_METHODS:
            # No length announced (chunked): read up to the limit here, so an oversized body is a
            # 413 rather than a parse error inside the framework, then replay what was read.
            body = await self._read_limited(receive)
            if body is None:
                await self._too_large(scope, receive, send)
            else:
                await self.app(scope, _replay(body, receive), send)
        else:
            await self.app(scope, receive, send)

    async def _read_limited(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, scope: Scope, receive: Receive, send: Any, limit: int | None = None) -> None:
        limit = self.max_body_bytes if limit is None else limit
        detail = f"Request body is larger than {limit} bytes."
        response = shaped_error_response(
            scope.get("app"), scope.get("path", ""), 413, detail, "payload_too_large"
        )
        await response(scope, receive, send)
