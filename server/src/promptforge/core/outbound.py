"""The one guarded HTTP client for URLs that users give us (provider base URLs; webhooks next).

A user-given URL is a request forgery risk: without a guard an admin could make the server call
its own loopback services, the cloud metadata endpoint (169.254.169.254) or the private network.
The guard sits where connections are made, so it holds for every request the client sends —
including each redirect hop — and not only for the URL that was checked when it was saved:

- the host name is resolved once, every resolved address is checked, and the connection goes to
  the checked address (no second lookup a rebinding DNS server could answer differently); the
  TLS server name and the Host header stay the original name;
- redirects are followed only to the same scheme, host and port;
- URLs with credentials (`user:pass@`) or another scheme than http/https are refused.

Which addresses are refused is an `OutboundPolicy`: production refuses every non-public address
unless the host is allowed by name; development allows them (local Ollama, the test server).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import anyio
import httpcore2
import httpx2

from promptforge.core.tracing import outbound_span

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

RESOLVE_TIMEOUT_SECONDS = 5.0
MAX_REDIRECTS = 5
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)
# A long streamed answer is mostly SSE framing (~300 bytes per token); a hostile server is cut off here.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# NAT64 embeds an IPv4 address in the last 32 bits; the embedded address is what gets reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class ResponseTooLarge(httpx2.ReadError):
    """The server sent more than the client's `max_response_bytes`; the connection is dropped."""


class ForbiddenDestination(httpx2.RequestError):
    """A user-given URL points where this server must not connect; `reason` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CrossOriginRedirect(ForbiddenDestination):
    """The server answered with a redirect to another scheme, host or port; it is not followed."""


@dataclass(frozen=True)
class OutboundPolicy:
    """Which destinations a guarded client may reach.

    `allow_private` lifts the address check entirely (development); `allowed_hosts` lifts it
    for these host names or IP literals only (e.g. an internal vLLM server in production).
    """

    allow_private: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, allow_private: bool, allowed_hosts: Iterable[str] = ()) -> OutboundPolicy:
        """A policy; host names are compared case-insensitively, IPv6 literals without brackets."""
        hosts = frozenset(h.strip().strip("[]").lower().rstrip(".") for h in allowed_hosts if h.strip())
        return cls(allow_private=allow_private, allowed_hosts=hosts)

    def checks(self, host: str) -> bool:
        """Whether addresses of `host` are checked at all under this policy."""
        return not self.allow_private and host.strip("[]").lower().rstrip(".") not in self.allowed_hosts


def refused_address(ip: IPAddress) -> str | None:
    """Why a connection to `ip` is refused under a checking policy, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refused_address(embedded)
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (this includes cloud metadata endpoints)"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved or non-public address"
    return None


def check_url(url: str) -> httpx2.URL:
    """Parse a user-given URL with the client's own parser; refuse other schemes and credentials."""
    try:
        parsed = httpx2.URL(url)
    except (httpx2.InvalidURL, TypeError, ValueError):
        raise ValueError("must be a valid http:// or https:// URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("must be an http:// or https:// URL")
    if parsed.userinfo:
        raise ValueError("must not contain credentials (user:password@): put them in the API key field")
    return parsed


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (an IP literal resolves to itself), in DNS order."""
    with anyio.fail_after(RESOLVE_TIMEOUT_SECONDS):
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


async def checked_addresses(host: str, port: int, policy: OutboundPolicy, resolver: Resolver) -> list[str]:
    """Resolve `host` and return the addresses to connect to; ForbiddenDestination if any is refused.

    A host that cannot be resolved raises OSError, like any failed connection attempt.
    """
    try:
        addresses = await resolver(host, port)
    except TimeoutError:
        raise OSError(f"resolving '{host}' timed out") from None
    if not addresses:
        raise OSError(f"'{host}' has no address")
    if not policy.checks(host):
        return addresses
    for address in addresses:
        reason = refused_address(ipaddress.ip_address(address.split("%", 1)[0]))
        if reason is not None:
            # one refused address refuses the host: which address a client gets is the DNS server's choice
            raise ForbiddenDestination(f"the host '{host}' resolves to {reason}")
    return addresses


async def check_destination(url: str, policy: OutboundPolicy, resolver: Resolver = resolve_host) -> None:
    """Check a URL before it is saved: its syntax always, its addresses when the policy checks them."""
    try:
        parsed = check_url(url)
    except ValueError as exc:
        raise ForbiddenDestination(f"the URL {exc}") from None
    if not policy.checks(parsed.host):
        return
    try:
        await checked_addresses(parsed.host, parsed.port or _default_port(parsed.scheme), policy, resolver)
    except OSError:
        raise ForbiddenDestination(
            f"the host '{parsed.host}' cannot be resolved, so it cannot be checked"
        ) from None


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


class _GuardedBackend(httpcore2.AsyncNetworkBackend):
    """Opens each TCP connection to a resolved and checked address of the requested host."""

    def __init__(self, policy: OutboundPolicy, resolver: Resolver) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = httpcore2.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore2's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        try:
            addresses = await checked_addresses(host, port, self._policy, self._resolver)
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from exc
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore2's interface)
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        raise ForbiddenDestination("unix sockets are not reachable from user-given URLs")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# httpcore2's errors as httpx2's, most specific first (what httpx2's own transport does).
_ERRORS: tuple[tuple[type[Exception], type[httpx2.TransportError]], ...] = (
    (httpcore2.ConnectTimeout, httpx2.ConnectTimeout),
    (httpcore2.ReadTimeout, httpx2.ReadTimeout),
    (httpcore2.WriteTimeout, httpx2.WriteTimeout),
    (httpcore2.PoolTimeout, httpx2.PoolTimeout),
    (httpcore2.TimeoutException, httpx2.TimeoutException),
    (httpcore2.ConnectError, httpx2.ConnectError),
    (httpcore2.ReadError, httpx2.ReadError),
    (httpcore2.WriteError, httpx2.WriteError),
    (httpcore2.NetworkError, httpx2.NetworkError),
    (httpcore2.ProxyError, httpx2.ProxyError),
    (httpcore2.UnsupportedProtocol, httpx2.UnsupportedProtocol),
    (httpcore2.LocalProtocolError, httpx2.LocalProtocolError),
    (httpcore2.RemoteProtocolError, httpx2.RemoteProtocolError),
    (httpcore2.ProtocolError, httpx2.ProtocolError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        mapped = next((target for source, target in _ERRORS if isinstance(exc, source)), None)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


class _ResponseStream(httpx2.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes], max_bytes: int) -> None:
        self._stream = stream
        self._max_bytes = max_bytes

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        with _httpx_errors():
            async for part in self._stream:
                received += len(part)
                if received > self._max_bytes:
                    raise ResponseTooLarge(f"the answer is larger than {self._max_bytes} bytes")
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class GuardedTransport(httpx2.AsyncBaseTransport):
    """An httpx2 transport over httpcore2 whose every new connection goes through the policy."""

    def __init__(
        self,
        policy: OutboundPolicy,
        *,
        resolver: Resolver = resolve_host,
        limits: httpx2.Limits = DEFAULT_LIMITS,
        ssl_context: ssl.SSLContext | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._max_response_bytes = max_response_bytes
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=ssl_context or httpx2.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(policy, resolver),
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        with outbound_span(request.method, request.url, request.headers) as span:
            response = await self._send(request)
            if span is not None:
                span.set_attribute("http.response.status_code", response.status_code)
            return response

    async def _send(self, request: httpx2.Request) -> httpx2.Response:
        core_request = httpcore2.Request(
            method=request.method,
            url=httpcore2.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        assert isinstance(response.stream, AsyncIterable)
        return httpx2.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, self._max_response_bytes),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


async def _refuse_credentials_and_schemes(request: httpx2.Request) -> None:
    try:
        check_url(str(request.url))
    except ValueError as exc:
        raise ForbiddenDestination(f"the URL {exc}") from None


async def _refuse_cross_origin_redirects(response: httpx2.Response) -> None:
    if not response.has_redirect_location:
        return
    source = response.request.url
    target = source.join(response.headers["location"])
    if (target.scheme, target.host, target.port) != (source.scheme, source.host, source.port):
        raise CrossOriginRedirect(
            f"'{source.host}' redirected to another origin ({target.host}), not followed"
        )


def guarded_async_client(
    policy: OutboundPolicy,
    *,
    timeout: float | httpx2.Timeout,
    resolver: Resolver = resolve_host,
    limits: httpx2.Limits = DEFAULT_LIMITS,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> httpx2.AsyncClient:
    """An httpx2.AsyncClient for user-given URLs: addresses checked per connection, same-origin
    redirects, answers cut off past `max_response_bytes`.

    Environment proxies are ignored (`trust_env=False`): a proxy would resolve the name itself,
    out of reach of the check.
    """
    return httpx2.AsyncClient(
        transport=GuardedTransport(
            policy, resolver=resolver, limits=limits, max_response_bytes=max_response_bytes
        ),
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
        event_hooks={
            "request": [_refuse_credentials_and_schemes],
            "response": [_refuse_cross_origin_redirects],
        },
    )
