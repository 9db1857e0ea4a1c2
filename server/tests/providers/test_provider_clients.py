"""The pool of SDK clients: reused per connection, least recently used evicted and closed, and a
new client whenever anything it was built from changes (URL, key, timeout, outbound policy)."""

from __future__ import annotations

import asyncio

from promptforge.core.outbound import OutboundPolicy
from promptforge.providers.adapters import ProviderClients
from promptforge.providers.calls import Connection

POLICY = OutboundPolicy.of(allow_private=True)


def connection(name: str, key: str = "sk-one") -> Connection:
    return Connection(kind="openai_compatible", name=name, base_url=f"http://{name}.test/v1", api_key=key)


async def test_least_recently_used_client_is_evicted_and_closed() -> None:
    clients = ProviderClients(size=2)
    a = clients.openai(connection("a"), 5.0, POLICY)
    b = clients.openai(connection("b"), 5.0, POLICY)
    assert clients.openai(connection("a"), 5.0, POLICY) is a  # reused, and now the most recent
    c = clients.openai(connection("c"), 5.0, POLICY)
    await asyncio.sleep(0)  # the evicted client closes in the background
    assert b.is_closed() and not a.is_closed() and not c.is_closed()
    assert clients.openai(connection("a"), 5.0, POLICY) is a
    assert clients.openai(connection("b"), 5.0, POLICY) is not b
    await clients.close()
    assert a.is_closed() and c.is_closed()


async def test_a_changed_key_timeout_or_policy_gets_a_new_client() -> None:
    clients = ProviderClients()
    first = clients.anthropic(connection("a"), 5.0, POLICY)
    assert clients.anthropic(connection("a"), 5.0, POLICY) is first
    assert clients.anthropic(connection("a", key="sk-two"), 5.0, POLICY) is not first
    assert clients.anthropic(connection("a"), 6.0, POLICY) is not first
    assert clients.anthropic(connection("a"), 5.0, OutboundPolicy.of(allow_private=False)) is not first
    await clients.close()
