"""Where a provider connection may send requests and its key: base URLs checked against the
outbound policy when saved and on every call, and a stored key never follows a changed URL."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from fastapi import FastAPI

from conftest import Account, Factory
from fake_llm import FakeLLM, connect, provider_settings

OPENAI_KEY = "sk-test-openai-key-1234"
FORBIDDEN_URLS = [
    "http://127.0.0.1:11434/v1",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/v1",
    "http://172.16.5.4:8000/v1",
    "http://192.168.1.20/v1",
    "http://[::1]:8000/v1",
    "http://[fe80::1]/v1",
    "http://[::ffff:127.0.0.1]/v1",
    "http://0.0.0.0:8000/v1",
    "http://localhost:11434/v1",  # a name that resolves to loopback
]


def providers_url(owner: Account) -> str:
    return f"/api/v1/projects/{owner.project_id}/providers"


def assert_problem(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code, problem
    if field is not None:
        assert problem["errors"][0]["loc"] == ["body", field], problem


async def run(owner: Account, provider: dict[str, Any], model: str, **body: Any) -> Any:
    return await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs",
        json={"template": "Hi", "provider_id": provider["id"], "model": model, **body},
    )


# ------------------------------------------------------------------ finding 6: where URLs may point


@pytest.mark.parametrize("base_url", FORBIDDEN_URLS)
async def test_production_refuses_private_addresses_when_saving(
    app: FastAPI, factory: Factory, base_url: str
) -> None:
    owner = await factory.account()
    with provider_settings(app, allow_private_provider_urls=False):
        created = await owner.client.post(
            providers_url(owner), json={"name": "local", "kind": "openai_compatible", "base_url": base_url}
        )
        assert_problem(created, 422, "provider_url_forbidden", "base_url")
        existing = await connect(owner, "echo")
        compatible = (
            await owner.client.post(
                providers_url(owner),
                json={"name": "public", "kind": "openai_compatible", "base_url": "https://93.184.216.34/v1"},
            )
        ).json()
        for provider in (compatible,):
            patched = await owner.client.patch(
                f"{providers_url(owner)}/{provider['id']}", json={"base_url": base_url}
            )
            assert_problem(patched, 422, "provider_url_forbidden", "base_url")
        assert existing["base_url"] is None
    listed = (await owner.client.get(providers_url(owner))).json()["items"]
    assert {p["base_url"] for p in listed} == {None, "https://93.184.216.34/v1"}


async def test_development_allows_local_servers_and_an_allowed_host_works_in_production(
    app: FastAPI, factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    local = await connect(owner, "openai_compatible", fake_llm)  # the test settings allow it
    assert local["base_url"] == fake_llm.openai_url
    with provider_settings(app, allow_private_provider_urls=False, provider_allowed_hosts="127.0.0.1"):
        again = await connect(owner, "openai_compatible", fake_llm)
        response = await run(owner, again, "fake-chat")
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "completed"


async def test_refused_at_call_time_even_when_saved_earlier(
    app: FastAPI, factory: Factory, fake_llm: FakeLLM
) -> None:
    """A URL saved while allowed (or a name whose DNS changed since) is checked again on every call."""
    owner = await factory.account()
    providers = [await connect(owner, kind, fake_llm) for kind in ("openai", "anthropic")]
    with provider_settings(app, allow_private_provider_urls=False):
        for provider in providers:
            model = f"gpt-{secrets.token_hex(3)}"
            for stream in (False, True):
                response = await run(owner, provider, model, stream=stream)
                assert_problem(response, 422, "provider_url_forbidden")
                assert "loopback" in response.json()["detail"]
            assert fake_llm.calls(model) == []  # nothing left the server
            checked = await owner.client.post(f"{providers_url(owner)}/{provider['id']}/test")
            assert checked.status_code == 200
            assert checked.json()["ok"] is False
            assert checked.json()["error"]["code"] == "provider_url_forbidden"
    stored = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert {(r["status"], r["error"]["code"]) for r in stored} == {("failed", "provider_url_forbidden")}


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_redirects_to_another_host_are_not_followed(
    factory: Factory, fake_llm: FakeLLM, kind: str
) -> None:
    owner = await factory.account()
    away = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, "redirect-away"))
    model = f"m-{secrets.token_hex(3)}"
    path = "/v1/messages" if kind == "anthropic" else "/chat/completions"
    response = await run(owner, away, model)
    assert_problem(response, 502, "provider_redirect_refused")
    # the redirect target never got the request (nor the key)
    assert [c["path"] for c in fake_llm.calls(model)] == [
        away["base_url"].split(str(fake_llm.port))[1] + path
    ]
    same = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, "redirect-same"))
    followed = await run(owner, same, model)
    assert followed.status_code == 201, followed.text
    assert followed.json()["status"] == "completed"


async def test_credentials_in_the_url_are_refused(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    url = f"http://user:hunter2@127.0.0.1:{fake_llm.port}/v1"
    created = await owner.client.post(
        providers_url(owner), json={"name": "creds", "kind": "openai_compatible", "base_url": url}
    )
    assert_problem(created, 422, "validation_error", "base_url")
    assert "api_key" in created.json()["errors"][0]["msg"] or "API key" in created.json()["errors"][0]["msg"]
    provider = await connect(owner, "openai_compatible", fake_llm)
    patched = await owner.client.patch(f"{providers_url(owner)}/{provider['id']}", json={"base_url": url})
    assert_problem(patched, 422, "validation_error", "base_url")


# ------------------------------------------------------------------ finding 5: the key stays with its URL


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_changing_the_url_requires_the_key_again(
    factory: Factory, fake_llm: FakeLLM, kind: str
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    url = f"{providers_url(owner)}/{provider['id']}"
    attacker = "http://127.0.0.1:9/v1"
    moved = await owner.client.patch(url, json={"base_url": attacker})
    assert_problem(moved, 422, "api_key_required", "api_key")
    unchanged = (await owner.client.get(url)).json()
    assert unchanged["base_url"] == provider["base_url"]
    assert unchanged["api_key_last4"] == provider["api_key_last4"]
    # the same URL sent again (e.g. by a form) is no change
    same = await owner.client.patch(url, json={"base_url": provider["base_url"] + "/", "name": "renamed"})
    assert same.status_code == 200 and same.json()["api_key_last4"] == provider["api_key_last4"]
    # with the key in the same request the URL may change
    rekeyed = await owner.client.patch(
        url, json={"base_url": attacker, "api_key": "sk-new-key-for-new-url-7777"}
    )
    assert rekeyed.status_code == 200, rekeyed.text
    assert rekeyed.json()["base_url"] == attacker and rekeyed.json()["api_key_last4"] == "7777"


async def test_changing_the_url_of_a_compatible_server_drops_its_key(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    provider = await connect(
        owner, "openai_compatible", fake_llm, base_url=f"http://localhost:{fake_llm.port}/v1"
    )
    assert provider["api_key_last4"] == "1234"
    url = f"{providers_url(owner)}/{provider['id']}"
    moved = await owner.client.patch(url, json={"base_url": fake_llm.openai_url})
    assert moved.status_code == 200, moved.text
    assert moved.json()["api_key_last4"] is None
    model = f"fake-chat-{secrets.token_hex(3)}"
    response = await run(owner, moved.json(), model)
    assert response.status_code == 201, response.text
    [call] = fake_llm.calls(model)
    assert OPENAI_KEY not in str(call["headers"])  # the old key did not follow the URL
    log = (await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log")).json()["items"]
    updated = next(e for e in log if e["action"] == "provider.updated")
    assert updated["data"]["changed"] == ["api_key", "base_url"]
