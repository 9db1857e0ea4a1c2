"""The guarded outbound client: which addresses a policy refuses, that the check happens per
connection after DNS resolution with the checked address pinned, and that redirects stay on
their origin. Real connections go to the local protocol server (fake_llm)."""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path

import httpx2
import pytest

from fake_llm import FakeLLM, TlsServer
from promptforge.core.config import Settings
from promptforge.core.outbound import (
    CrossOriginRedirect,
    ForbiddenDestination,
    GuardedTransport,
    OutboundPolicy,
    Resolver,
    ResponseTooLarge,
    check_destination,
    check_url,
    guarded_async_client,
    refused_address,
)
from promptforge.providers.adapters import outbound_policy

REFUSING = OutboundPolicy.of(allow_private=False)
ALLOWING = OutboundPolicy.of(allow_private=True)

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped forms of the above
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "151.101.1.1", "2606:4700:4700::1111", "2a00:1450:4001::1"]


def resolver_for(addresses: dict[str, list[str]]) -> Resolver:
    """A DNS stand-in: names map to the given addresses, IP literals to themselves."""

    async def resolve(host: str, port: int) -> list[str]:
        if host in addresses:
            return addresses[host]
        ipaddress.ip_address(host)  # anything else must be a literal
        return [host]

    return resolve


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert refused_address(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert refused_address(ipaddress.ip_address(address)) is None


def test_production_refuses_by_default_development_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert outbound_policy(Settings(env="production")) == REFUSING
    assert outbound_policy(Settings(env="development")).allow_private
    assert outbound_policy(Settings(env="test")).allow_private
    monkeypatch.setenv("PF_ENV", "production")
    monkeypatch.setenv("PF_ALLOW_PRIVATE_PROVIDER_URLS", "true")
    assert outbound_policy(Settings()).allow_private
    monkeypatch.setenv("PF_ALLOW_PRIVATE_PROVIDER_URLS", "false")
    monkeypatch.setenv("PF_PROVIDER_ALLOWED_HOSTS", " vllm.internal, [fd00::5] ,10.1.2.3,")
    policy = outbound_policy(Settings())
    assert policy == OutboundPolicy(False, frozenset({"vllm.internal", "fd00::5", "10.1.2.3"}))
    assert not policy.checks("VLLM.internal") and not policy.checks("[fd00::5]")
    assert policy.checks("other.internal")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/v1",
        "file:///etc/passwd",
        "gopher://example.com",
        "http://",
        "http://user:secret@example.com/v1",
        "https://token@example.com/v1",
        "not a url",
    ],
)
async def test_urls_of_other_schemes_or_with_credentials_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        check_url(url)
    with pytest.raises(ForbiddenDestination):
        await check_destination(url, ALLOWING)


async def test_names_are_checked_after_resolution() -> None:
    resolve = resolver_for(
        {
            "metadata.example": ["169.254.169.254"],
            "mixed.example": ["93.184.216.34", "10.0.0.7"],  # one private answer refuses the name
            "public.example": ["93.184.216.34"],
        }
    )
    for url in (
        "http://metadata.example/v1",
        "http://mixed.example/v1",
        "http://10.0.0.1/v1",
        "http://[::1]/",
    ):
        with pytest.raises(ForbiddenDestination):
            await check_destination(url, REFUSING, resolve)
        await check_destination(url, ALLOWING, resolve)
    await check_destination("https://public.example/v1", REFUSING, resolve)
    allowed = OutboundPolicy.of(allow_private=False, allowed_hosts=["metadata.example"])
    await check_destination("http://metadata.example/v1", allowed, resolve)
    # the real resolver: localhost is loopback
    with pytest.raises(ForbiddenDestination, match="loopback"):
        await check_destination("http://localhost:11434/v1", REFUSING)


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/v1",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/v1",
        "http://017700000001/v1",
        "http://127.1/v1",
        "http://[0:0:0:0:0:ffff:7f00:1]/v1",
        "http://[::ffff:a9fe:a9fe]/latest",  # 169.254.169.254
        "http://LOCALHOST:8000/v1",
    ],
)
async def test_other_spellings_of_loopback_and_metadata_are_refused(url: str) -> None:
    with pytest.raises(ForbiddenDestination, match="resolves to"):
        await check_destination(url, REFUSING)


async def test_every_request_is_checked_at_connect_time(fake_llm: FakeLLM) -> None:
    before = len(fake_llm.requests)
    async with guarded_async_client(REFUSING, timeout=5) as client:
        for url in (f"{fake_llm.openai_url}/models", f"http://localhost:{fake_llm.port}/v1/models"):
            with pytest.raises(ForbiddenDestination, match="loopback"):
                await client.get(url)
    assert len(fake_llm.requests) == before  # nothing was sent
    allowed = OutboundPolicy.of(allow_private=False, allowed_hosts=["127.0.0.1"])
    async with guarded_async_client(allowed, timeout=5) as client:
        assert (await client.get(f"{fake_llm.openai_url}/models")).status_code == 200


async def test_the_checked_address_is_the_one_connected_to(fake_llm: FakeLLM) -> None:
    """A name only our resolver knows still connects: the address is pinned, not looked up again,
    and the Host header keeps the name."""
    resolve = resolver_for({"provider.test": ["127.0.0.1"]})
    policy = OutboundPolicy.of(allow_private=False, allowed_hosts=["provider.test"])
    async with guarded_async_client(policy, timeout=5, resolver=resolve) as client:
        response = await client.get(f"http://provider.test:{fake_llm.port}/v1/models")
    assert response.status_code == 200
    assert fake_llm.requests[-1]["headers"]["host"] == f"provider.test:{fake_llm.port}"
    # the same name resolving to loopback under a checking policy is refused
    async with guarded_async_client(REFUSING, timeout=5, resolver=resolve) as client:
        with pytest.raises(ForbiddenDestination):
            await client.get(f"http://provider.test:{fake_llm.port}/v1/models")


async def test_tls_is_verified_against_the_name_not_the_pinned_address(tmp_path: Path) -> None:
    resolve = resolver_for({"provider.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    with TlsServer(tmp_path, "provider.test") as server:
        context = ssl.create_default_context(cafile=str(server.ca_file))
        transport = GuardedTransport(ALLOWING, resolver=resolve, ssl_context=context)
        async with httpx2.AsyncClient(transport=transport, timeout=5) as client:
            response = await client.get(f"https://provider.test:{server.port}/v1/models")
            assert response.status_code == 200
            assert response.json()["host"] == f"provider.test:{server.port}"
            # same address, but the certificate is not for this name
            with pytest.raises(httpx2.ConnectError, match="certificate"):
                await client.get(f"https://other.test:{server.port}/v1/models")


async def test_redirects_stay_on_their_origin(fake_llm: FakeLLM) -> None:
    async with guarded_async_client(ALLOWING, timeout=5) as client:
        same = await client.get(f"{fake_llm.misbehaving_url('openai', 'redirect-same')}/models")
        assert same.status_code == 200 and len(same.history) == 1
        before = len(fake_llm.requests)
        with pytest.raises(CrossOriginRedirect, match="localhost"):
            await client.get(f"{fake_llm.misbehaving_url('openai', 'redirect-away')}/models")
    assert all(r["headers"]["host"].startswith("127.0.0.1") for r in fake_llm.requests[before:])


async def test_answers_are_cut_off_past_the_size_limit(fake_llm: FakeLLM) -> None:
    url = f"{fake_llm.misbehaving_url('openai', 'big')}/models"
    async with guarded_async_client(ALLOWING, timeout=5, max_response_bytes=1_000_000) as client:
        with pytest.raises(ResponseTooLarge):
            await client.get(url)
        async with client.stream("GET", url) as response:  # streamed reads count too
            with pytest.raises(ResponseTooLarge):
                async for _ in response.aiter_bytes():
                    pass
    async with guarded_async_client(ALLOWING, timeout=5) as client:
        assert len((await client.get(url)).content) == 2_000_000


async def test_credentials_in_a_request_url_are_refused(fake_llm: FakeLLM) -> None:
    async with guarded_async_client(ALLOWING, timeout=5) as client:
        with pytest.raises(ForbiddenDestination, match="credentials"):
            await client.get(f"http://user:pw@127.0.0.1:{fake_llm.port}/v1/models")
