"""The client address (issue 8, finding 11): X-Forwarded-For counts only from PF_FORWARDED_ALLOW_IPS,
for the audit log and the per-IP limits alike; and sign-up is rate limited per IP (finding 10)."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import PASSWORD, Account, Factory, new_client, running
from promptforge.core.client_address import ProxyTrust
from promptforge.core.config import Settings
from promptforge.main import create_app

PROXY = "10.0.0.5"


def as_peer(app: FastAPI, account: Account, ip: str) -> httpx.AsyncClient:
    """The account's session, arriving from TCP peer `ip`."""
    client = new_client(app, ip)
    client.cookies = account.client.cookies
    client.headers["X-CSRF-Token"] = account.client.headers["X-CSRF-Token"]
    return client


async def audited_ip(app: FastAPI, account: Account, peer: str, forwarded_for: str) -> str | None:
    """Create a project from `peer` with the given X-Forwarded-For; the IP its audit event recorded."""
    async with as_peer(app, account, peer) as client:
        slug = f"p{len(forwarded_for)}-{peer.replace('.', '-')}"
        created = await client.post(
            f"/api/v1/workspaces/{account.workspace_id}/projects",
            json={"name": "P", "slug": slug},
            headers={"X-Forwarded-For": forwarded_for},
        )
        assert created.status_code == 201, created.text
    log = await account.client.get(
        f"/api/v1/workspaces/{account.workspace_id}/audit-log", params={"action": "project.created"}
    )
    ip: str | None = log.json()["items"][0]["ip"]
    return ip


@pytest.fixture
async def behind_proxy(settings: Settings, kv_prefix: str) -> AsyncIterator[FastAPI]:
    """The same server configured to trust the reverse proxies of 10.0.0.0/8."""
    application = create_app(
        settings.model_copy(update={"forwarded_allow_ips": "10.0.0.0/8"}), kv_prefix=kv_prefix
    )
    async with running(application):
        yield application


async def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    app: FastAPI, factory: Factory
) -> None:
    ada = await factory.account()
    assert await audited_ip(app, ada, "198.51.100.7", "1.2.3.4") == "198.51.100.7"


async def test_spoofed_forwarded_for_does_not_evade_the_login_limit(app: FastAPI) -> None:
    settings = app.state.settings
    before = settings.login_max_failures_per_ip
    settings.login_max_failures_per_ip = 3
    try:
        async with new_client(app, "198.51.100.8") as client:
            statuses = []
            for i in range(5):
                response = await client.post(
                    "/api/v1/auth/login",
                    json={"email": f"u{i}@example.com", "password": "Wrong-password-1"},
                    headers={"X-Forwarded-For": f"192.0.2.{i}"},
                )
                statuses.append(response.status_code)
    finally:
        settings.login_max_failures_per_ip = before
    assert statuses == [401, 401, 401, 429, 429]


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    behind_proxy: FastAPI, factory: Factory
) -> None:
    factory.app = behind_proxy
    ada = await factory.account()
    assert await audited_ip(behind_proxy, ada, PROXY, "203.0.113.9") == "203.0.113.9"
    # Right-most untrusted: what the client wrote itself (left of its real address) is ignored,
    # and hops through further trusted proxies are skipped.
    assert await audited_ip(behind_proxy, ada, PROXY, "6.6.6.6, 203.0.113.10, 10.1.1.1") == "203.0.113.10"
    # A peer outside the trusted ranges is still believed about nothing.
    assert await audited_ip(behind_proxy, ada, "198.51.100.9", "203.0.113.11") == "198.51.100.9"


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("10.0.0.5", [], "10.0.0.5"),
        ("10.0.0.5", ["203.0.113.1"], "203.0.113.1"),
        ("10.0.0.5", ["203.0.113.1", "10.0.0.6"], "203.0.113.1"),  # two headers, one list
        ("10.0.0.5", ["10.0.0.7, 10.0.0.6"], "10.0.0.7"),  # all trusted: the farthest one
        ("10.0.0.5", ["not-an-ip, 203.0.113.1"], "203.0.113.1"),
        ("10.0.0.5", ["203.0.113.1, not-an-ip"], "10.0.0.5"),  # garbage added after us: stop at the peer
        ("2001:db8::1", ["203.0.113.1"], "2001:db8::1"),
        (None, ["203.0.113.1"], None),
    ],
)
def test_client_ip_rules(peer: str | None, headers: list[str], expected: str | None) -> None:
    trust = ProxyTrust([ipaddress.ip_network("10.0.0.0/8")])
    assert trust.client_ip(peer, headers) == expected


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy() -> None:
    trust = ProxyTrust([ipaddress.ip_network("10.0.0.0/8")])
    assert trust.scheme("10.0.0.5", "http", "https") == "https"
    assert trust.scheme("198.51.100.1", "http", "https") == "http"
    assert trust.scheme("10.0.0.5", "http", "gopher") == "http"
    assert ProxyTrust([]).scheme("10.0.0.5", "http", "https") == "http"


def test_invalid_trusted_proxy_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="not an IP address or CIDR"):
        Settings(forwarded_allow_ips="10.0.0.0/8, localhost")


async def register(client: httpx.AsyncClient, n: int, **headers: Any) -> httpx.Response:
    body = {"email": f"new{n}@example.com", "password": PASSWORD, "display_name": "New"}
    return await client.post("/api/v1/auth/register", json=body, headers=headers)


async def test_registration_is_rate_limited_per_ip(app: FastAPI) -> None:
    settings = app.state.settings
    before = settings.register_max_per_ip
    settings.register_max_per_ip = 3
    try:
        async with new_client(app, "198.51.100.20") as client, new_client(app, "198.51.100.21") as other:
            statuses = [
                (await register(client, i, **{"X-Forwarded-For": f"192.0.2.{i}"})).status_code
                for i in range(3)
            ]
            assert statuses == [201, 201, 201]
            limited = await register(client, 3, **{"X-Forwarded-For": "192.0.2.99"})
            assert limited.status_code == 429
            assert limited.headers["content-type"] == "application/problem+json"
            assert limited.json()["code"] == "rate_limited"
            assert 0 < int(limited.headers["Retry-After"]) <= settings.register_window_seconds
            assert (await register(other, 4)).status_code == 201  # another address is not affected
    finally:
        settings.register_max_per_ip = before
    assert (await login_status(app, "new3@example.com")) == 401  # the refused one was not created


async def login_status(app: FastAPI, email: str) -> int:
    async with new_client(app, "198.51.100.30") as client:
        response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        return response.status_code


async def test_forwarded_proto_from_a_trusted_proxy_makes_the_https_origin_same_origin(
    behind_proxy: FastAPI, factory: Factory
) -> None:
    """TLS ends at the proxy: the browser's `Origin: https://...` must match the app's own origin."""
    factory.app = behind_proxy
    ada = await factory.account()
    headers = {"Origin": "https://testserver", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    url = f"/api/v1/workspaces/{ada.workspace_id}/projects"
    async with as_peer(behind_proxy, ada, PROXY) as client:
        created = await client.post(url, json={"name": "P", "slug": "via-proxy"}, headers=headers)
        assert created.status_code == 201, created.text
    async with as_peer(behind_proxy, ada, "198.51.100.40") as client:
        spoofed = await client.post(url, json={"name": "P", "slug": "spoofed"}, headers=headers)
        assert spoofed.status_code == 403
        assert spoofed.json()["code"] == "bad_origin"
