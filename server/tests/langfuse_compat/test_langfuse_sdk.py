"""The official `langfuse` Python SDK, unchanged, against a running Prompt-Forge server.

Accounts and the prompts an admin prepares are made through the test app; everything the SDK does
goes over HTTP to the live server (tracing disabled: prompt management only).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from langfuse import Langfuse
from langfuse.api import AccessDeniedError, NotFoundError, UnauthorizedError

from conftest import Account, Factory
from langfuse_server import Keys, new_key

PROMPTS = "/api/v1/projects/{project}/prompts"


def sdk(url: str, keys: Keys) -> Langfuse:
    return Langfuse(public_key=keys.public_key, secret_key=keys.secret, host=url, tracing_enabled=False)


@pytest.fixture
def clients() -> Iterator[list[Langfuse]]:
    made: list[Langfuse] = []
    yield made
    for client in made:
        client.shutdown()


async def prepare_greeting(owner: Account) -> str:
    """`greeting`: v1 (production), v2 (staging, latest), as an admin sets them up in Prompt-Forge."""
    url = PROMPTS.format(project=owner.project_id)
    created = await owner.client.post(
        url,
        json={
            "name": "greeting",
            "kind": "text",
            "template": "Hello {{ name }}!",
            "model_config": {"model": "gpt-4o-mini", "temperature": 0.2},
            "tags": ["support"],
            "commit_message": "first",
        },
    )
    assert created.status_code == 201, created.text
    assert (
        await owner.client.post(f"{url}/greeting/versions", json={"template": "Hi {{ name }}"})
    ).status_code == 201
    for label, version in (("production", 1), ("staging", 2)):
        moved = await owner.client.put(f"{url}/greeting/labels/{label}", json={"version": version})
        assert moved.status_code == 200, moved.text
    return url


async def test_get_prompt_by_default_label_and_version(
    factory: Factory, live_url: str, clients: list[Langfuse]
) -> None:
    owner = await factory.account()
    await prepare_greeting(owner)
    lf = sdk(live_url, await new_key(owner, "viewer"))
    clients.append(lf)

    default = lf.get_prompt("greeting", cache_ttl_seconds=0)
    assert (default.version, default.prompt, default.labels) == (1, "Hello {{ name }}!", ["production"])
    assert default.config == {"model": "gpt-4o-mini", "temperature": 0.2}
    assert default.tags == ["support"] and default.commit_message == "first"
    assert default.compile(name="Ada") == "Hello Ada!"
    assert not default.is_fallback

    staging = lf.get_prompt("greeting", label="staging", cache_ttl_seconds=0)
    assert (staging.version, staging.compile(name="Ada")) == (2, "Hi Ada")
    assert sorted(staging.labels) == ["latest", "staging"]
    assert lf.get_prompt("greeting", label="latest", cache_ttl_seconds=0).version == 2
    assert lf.get_prompt("greeting", version=1, cache_ttl_seconds=0).prompt == "Hello {{ name }}!"
    with pytest.raises(NotFoundError):
        lf.get_prompt("greeting", label="canary", cache_ttl_seconds=0, max_retries=0)


async def test_chat_prompt_compiles_with_a_placeholder(
    factory: Factory, live_url: str, clients: list[Langfuse]
) -> None:
    owner = await factory.account()
    url = PROMPTS.format(project=owner.project_id)
    template = [
        {"role": "system", "content": "You help {{ customer }}."},
        {"role": "placeholder", "name": "history"},
        {"role": "user", "content": "{{ question }}"},
    ]
    created = await owner.client.post(
        url, json={"name": "support-chat", "kind": "chat", "template": template}
    )
    assert created.status_code == 201, created.text
    await owner.client.put(f"{url}/support-chat/labels/production", json={"version": 1})
    lf = sdk(live_url, await new_key(owner, "viewer"))
    clients.append(lf)

    chat = lf.get_prompt("support-chat", type="chat", cache_ttl_seconds=0)
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    assert chat.compile(customer="Ada", question="Where is my order?", history=history) == [
        {"role": "system", "content": "You help Ada."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Where is my order?"},
    ]


async def test_create_and_update_prompts_through_the_sdk(
    factory: Factory, live_url: str, clients: list[Langfuse]
) -> None:
    owner = await factory.account()
    lf = sdk(live_url, await new_key(owner, "editor"))
    clients.append(lf)

    first = lf.create_prompt(
        name="summary",
        prompt="Summarize {{ text }}",
        labels=["staging"],
        config={"model": "gpt-4o-mini"},
        commit_message="first draft",
    )
    assert (first.version, sorted(first.labels)) == (1, ["latest", "staging"])
    second = lf.create_prompt(
        name="summary", prompt="Summarize briefly: {{ text }}", labels=["staging"], tags=["docs"]
    )
    assert (second.version, second.tags) == (2, ["docs"])
    lf.update_prompt(name="summary", version=1, new_labels=["canary"])
    assert lf.get_prompt("summary", label="canary", cache_ttl_seconds=0).version == 1
    assert (
        lf.get_prompt("summary", label="staging", cache_ttl_seconds=0).compile(text="x")
        == "Summarize briefly: x"
    )

    chat = lf.create_prompt(
        name="helper",
        type="chat",
        prompt=[{"role": "system", "content": "Be brief."}, {"type": "placeholder", "name": "history"}],
        labels=["staging"],
    )
    assert chat.compile(history=[{"role": "user", "content": "Hi"}]) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]

    # What the SDK wrote is an ordinary Prompt-Forge prompt, authored by the key.
    stored = (await owner.client.get(PROMPTS.format(project=owner.project_id) + "/summary")).json()
    assert stored["labels"] == {"canary": 1, "staging": 2} and stored["tags"] == ["docs"]
    versions = (await owner.client.get(PROMPTS.format(project=owner.project_id) + "/summary/versions")).json()
    assert {v["commit_message"] for v in versions["items"]} == {"first draft", ""}
    assert {v["author_label"] for v in versions["items"]} == {"api_key:lf-editor"}

    # `production` is protected: no API key may move it, exactly as in Prompt-Forge's own API.
    with pytest.raises(AccessDeniedError):
        lf.create_prompt(name="summary", prompt="Deploy me {{ text }}", labels=["production"])
    assert (
        len(
            (await owner.client.get(PROMPTS.format(project=owner.project_id) + "/summary/versions")).json()[
                "items"
            ]
        )
        == 2
    )


async def test_auth_check_and_wrong_keys(factory: Factory, live_url: str, clients: list[Langfuse]) -> None:
    owner = await factory.account()
    keys = await new_key(owner, "viewer")
    lf = sdk(live_url, keys)
    clients.append(lf)
    assert lf.auth_check() is True

    other = await new_key(owner, "viewer")
    # Two valid halves of different keys. (The SDK keeps one client per public key: use a fresh one.)
    mixed = sdk(live_url, Keys(other.public_key, keys.secret, ""))
    clients.append(mixed)
    with pytest.raises(UnauthorizedError):
        mixed.auth_check()


async def test_fallback_is_used_when_the_prompt_is_missing(
    factory: Factory, live_url: str, clients: list[Langfuse]
) -> None:
    owner = await factory.account()
    lf = sdk(live_url, await new_key(owner, "viewer"))
    clients.append(lf)
    # The SDK retries every failed fetch (a 404 too) with a jittered 0-1 s wait, up to max_retries;
    # what the server owes it is a 404 the SDK reads as "not found", which turns into the fallback.
    prompt = lf.get_prompt("not-there", fallback="Default for {{ who }}", cache_ttl_seconds=0, max_retries=0)
    assert prompt.is_fallback and prompt.compile(who="Ada") == "Default for Ada"
    chat = lf.get_prompt("not-there", type="chat", fallback=[{"role": "system", "content": "Hi {{ who }}"}])
    assert chat.is_fallback and chat.compile(who="Ada") == [{"role": "system", "content": "Hi Ada"}]
    with pytest.raises(NotFoundError):
        lf.get_prompt("not-there", cache_ttl_seconds=0, max_retries=0)


async def test_sdk_cache_refresh_sees_a_moved_label(
    factory: Factory, live_url: str, clients: list[Langfuse]
) -> None:
    owner = await factory.account()
    url = await prepare_greeting(owner)
    await owner.client.put(f"{url}/greeting/labels/staging", json={"version": 1})
    lf = sdk(live_url, await new_key(owner, "viewer"))
    clients.append(lf)
    assert lf.get_prompt("greeting", label="staging", cache_ttl_seconds=1).version == 1

    editor = await new_key(owner, "editor")
    async with httpx.AsyncClient(
        base_url=live_url, headers={"Authorization": f"Bearer {editor.secret}"}
    ) as api:
        moved = await api.put(f"{url}/greeting/labels/staging", json={"version": 2})
        assert moved.status_code == 200, moved.text

    deadline = time.monotonic() + 10
    seen = lf.get_prompt("greeting", label="staging", cache_ttl_seconds=1).version
    while seen != 2 and time.monotonic() < deadline:  # stale first, refreshed in the background
        time.sleep(0.2)
        seen = lf.get_prompt("greeting", label="staging", cache_ttl_seconds=1).version
    assert seen == 2


async def test_a_key_of_another_project_sees_nothing(
    factory: Factory, live_url: str, clients: list[Langfuse]
) -> None:
    owner = await factory.account()
    await prepare_greeting(owner)
    stranger = await factory.account()
    lf = sdk(live_url, await new_key(stranger, "editor"))
    clients.append(lf)
    with pytest.raises(NotFoundError):
        lf.get_prompt("greeting", cache_ttl_seconds=0, max_retries=0)
    viewer = await new_key(stranger, "viewer")
    projects = httpx.get(f"{live_url}/api/public/projects", auth=(viewer.public_key, viewer.secret))
    assert [p["id"] for p in projects.json()["data"]] == [stranger.project_id]
