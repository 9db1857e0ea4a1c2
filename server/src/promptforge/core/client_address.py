"""Who is on the other end: the TCP peer, or what trusted reverse proxies report about the client.

`X-Forwarded-For` and `X-Forwarded-Proto` are only believed when the direct peer is one of
`PF_FORWARDED_ALLOW_IPS`; otherwise anyone could pick the IP written to the audit log and counted
by the per-IP limits. The one place that reads those headers.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from promptforge.core.config import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class ProxyTrust:
    """Decides the client address and scheme of a request from its peer and forwarding headers."""

    def __init__(self, trusted: Sequence[IPNetwork]) -> None:
        self.trusted = tuple(trusted)

    @property
    def trusts_any(self) -> bool:
        return bool(self.trusted)

    def trusts(self, address: IPAddress | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def client_ip(self, peer: str | None, forwarded_for: Sequence[str]) -> str | None:
        """The right-most address not added by a trusted proxy (the peer itself when it is untrusted)."""
        if not self.trusted or not self.trusts(_parse(peer or "")):
            return peer
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
        client = peer
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:  # garbage from before the first trusted proxy: stop at the last good hop
                return client
            client = str(address)
            if not self.trusts(address):
                return client
        return client

    def scheme(self, peer: str | None, default: str, forwarded_proto: str | None) -> str:
        """`X-Forwarded-Proto` as set by the nearest trusted proxy (e.g. `https` when it terminates TLS)."""
        if forwarded_proto is None or not self.trusts(_parse(peer or "")):
            return default
        proto = forwarded_proto.split(",")[-1].strip().lower()
        return proto if proto in {"http", "https"} else default
