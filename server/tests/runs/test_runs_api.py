"""Runs through the API against the local protocol server: both protocols and echo, parameters,
cost, every provider error mapping, retries, history and access."""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import Account, Factory
from fake_llm import FakeLLM, connect, provider_settings
from promptforge.providers.pricing import pricing_table

ANTHROPIC_KEY = "sk-ant-test-key-5678"


async def make_prompt(owner: Account, name: str, template: Any, kind: str = "text", **extra: Any) -> None:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    response = await owner.client.post(url, json={"name": name, "kind": kind, "template": template, **extra})
    assert response.status_code == 201, response.text


async def run(client: httpx.AsyncClient, project_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/api/v1/projects/{project_id}/runs", json=body)


def unique(model: str) -> str:
    return f"{model}-{secrets.token_hex(3)}"


async def test_openai_run_of_a_saved_prompt(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    await make_prompt(owner, "greet", "Hello {{ name }}")
    response = await run(
        owner.client,
        owner.project_id,
        prompt={"name": "greet"},
        variables={"name": "Ada"},
        provider_id=provider["id"],
        model="gpt-4o",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "completed"
    assert body["output"] == "Hello from fake OpenAI. You said: Hello Ada"
    assert body["prompt"] == {"name": "greet", "version": 1}
    assert body["input"] == {"text": "Hello Ada", "messages": None}
    assert body["usage"] == {"input_tokens": 2, "output_tokens": 8}
    price = pricing_table().models["gpt-4o"]
    assert body["cost_usd"] == pytest.approx((2 * price.input + 8 * price.output) / 1_000_000)
    assert body["latency_ms"] >= 0 and body["time_to_first_token_ms"] is None
    assert body["error"] is None and body["provider_name"] == provider["name"]
    [call] = fake_llm.calls("gpt-4o")[-1:]
    assert call["json"]["messages"] == [{"role": "user", "content": "Hello Ada"}]
    assert call["headers"]["authorization"] == "Bearer sk-test-openai-key-1234"


async def test_anthropic_chat_run_sends_system_separately(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "anthropic", fake_llm, default_model="claude-sonnet-4-5-test")
    template = [
        {"role": "system", "content": "Be {{ tone }}."},
        {"role": "user", "content": "{{ question }}"},
    ]
    await make_prompt(owner, "ask", template, kind="chat")
    response = await run(
        owner.client,
        owner.project_id,
        prompt={"name": "ask", "version": 1},
        variables={"tone": "brief", "question": "Why is the sky blue?"},
        provider_id=provider["id"],
        params={"temperature": 0.3, "max_tokens": 64, "stop": "END", "seed": 7},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "completed"
    assert body["model"] == "claude-sonnet-4-5-test"
    assert body["output"] == "Hello from fake Anthropic. You said: Why is the sky blue?"
    assert body["usage"] == {"input_tokens": 7, "output_tokens": 11}
    price = pricing_table().models["claude-sonnet-4-5"]  # dated ids are priced by their family
    assert body["cost_usd"] == pytest.approx((7 * price.input + 11 * price.output) / 1_000_000)
    sent = fake_llm.calls("claude-sonnet-4-5-test")[-1]["json"]
    assert sent["system"] == "Be brief."
    assert sent["messages"] == [{"role": "user", "content": "Why is the sky blue?"}]
    assert sent["max_tokens"] == 64 and sent["temperature"] == 0.3 and sent["stop_sequences"] == ["END"]
    assert "seed" not in sent


async def test_echo_returns_the_rendered_input_for_free(factory: Factory) -> None:
    owner = await factory.account()
    provider = await connect(owner, "echo")
    assert provider["label"] == "echo (no model call)"
    await make_prompt(owner, "plain", "Dear {{ who }},")
    text = await run(
        owner.client,
        owner.project_id,
        prompt={"name": "plain"},
        variables={"who": "Bob"},
        provider_id=provider["id"],
    )
    assert text.status_code == 201, text.text
    assert text.json()["output"] == "Dear Bob,"
    assert text.json()["model"] == "echo" and text.json()["cost_usd"] == 0
    chat = await run(
        owner.client,
        owner.project_id,
        template=[{"role": "system", "content": "S"}, {"role": "user", "content": "U {{ x }}"}],
        variables={"x": 1},
        provider_id=provider["id"],
    )
    assert chat.status_code == 201, chat.text
    assert chat.json()["output"] == "[system]\nS\n\n[user]\nU 1"
    assert chat.json()["prompt"] is None and chat.json()["kind"] == "chat"


async def test_version_model_config_merged_with_run_params(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    config = {"model": "gpt-4o-mini", "temperature": 0.2, "max_tokens": 50, "top_p": 0.5, "vendor_thing": 1}
    await make_prompt(owner, "cfg", "Hi", model_config=config)
    schema_format = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    response = await run(
        owner.client,
        owner.project_id,
        prompt={"name": "cfg"},
        provider_id=provider["id"],
        params={"temperature": 0.9, "seed": 3, "response_format": schema_format},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["model"] == "gpt-4o-mini"
    assert body["params"] == {
        "temperature": 0.9,
        "max_tokens": 50,
        "top_p": 0.5,
        "seed": 3,
        "response_format": schema_format,
    }
    sent = fake_llm.calls("gpt-4o-mini")[-1]["json"]
    assert sent["temperature"] == 0.9 and sent["top_p"] == 0.5 and sent["seed"] == 3
    assert sent["max_completion_tokens"] == 50 and "max_tokens" not in sent  # OpenAI's current field
    assert sent["response_format"] == schema_format
    assert "vendor_thing" not in sent


async def test_compatible_server_gets_max_tokens_and_connection_prices(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    provider = await connect(
        owner,
        "openai_compatible",
        fake_llm,
        default_model="fake-chat",
        pricing={"fake-chat": {"input": 1.5, "output": 4}},
    )
    response = await run(
        owner.client,
        owner.project_id,
        template="Say hi",
        provider_id=provider["id"],
        params={"max_tokens": 9},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["usage"] == {"input_tokens": 2, "output_tokens": 8}
    assert body["cost_usd"] == pytest.approx((2 * 1.5 + 8 * 4) / 1_000_000)
    assert fake_llm.calls("fake-chat")[-1]["json"]["max_tokens"] == 9
    # a model without any known price: the cost is unknown, not zero
    unpriced = await run(
        owner.client, owner.project_id, template="Say hi", provider_id=provider["id"], model="llama3.1:8b"
    )
    assert unpriced.json()["cost_usd"] is None


async def test_run_needs_a_model_prompt_or_template(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    no_model = await run(owner.client, owner.project_id, template="x", provider_id=provider["id"])
    assert no_model.status_code == 422 and no_model.json()["errors"][0]["loc"] == ["body", "model"]
    both = await run(
        owner.client, owner.project_id, template="x", prompt={"name": "a"}, provider_id=provider["id"]
    )
    assert both.status_code == 422
    missing_var = await run(
        owner.client, owner.project_id, template="Hi {{ who }}", provider_id=provider["id"], model="gpt-4o"
    )
    assert missing_var.status_code == 422 and "who" in missing_var.json()["detail"]
    unknown_provider = await run(
        owner.client, owner.project_id, template="x", provider_id="01a20f88-e5b5-7f2f-9e94-a7205b7ada9d"
    )
    assert unknown_provider.status_code == 404
    no_prompt = await run(owner.client, owner.project_id, prompt={"name": "nope"}, provider_id=provider["id"])
    assert no_prompt.status_code == 404
    runs = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()
    assert runs["items"] == []  # nothing was run, nothing stored


ERROR_CASES = [
    # (model, status, code)
    ("fail-401", 424, "provider_auth_failed"),
    ("fail-403", 424, "provider_auth_failed"),
    ("missing-model", 422, "provider_model_not_found"),
    ("fail-400", 422, "provider_bad_request"),
    ("fail-429-always", 429, "provider_rate_limited"),
]


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize(("model", "status", "code"), ERROR_CASES)
async def test_provider_errors_map_to_problems_and_are_stored(
    factory: Factory,
    fake_llm: FakeLLM,
    capfd: pytest.CaptureFixture[str],
    kind: str,
    model: str,
    status: int,
    code: str,
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    response = await run(
        owner.client, owner.project_id, template="Hi", provider_id=provider["id"], model=model
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    if code == "provider_rate_limited":
        assert response.headers["retry-after"] == "60"
    for secret in ("sk-test-openai-key-1234", ANTHROPIC_KEY):
        assert secret not in response.text
    [stored] = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert stored["status"] == "failed"
    assert stored["error"]["code"] == code
    out, err = capfd.readouterr()
    assert "sk-test-openai-key-1234" not in out + err and ANTHROPIC_KEY not in out + err


async def test_bad_key_message_never_echoes_the_key(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm, api_key="sk-bad-secret-0000")
    response = await run(
        owner.client, owner.project_id, template="Hi", provider_id=provider["id"], model="gpt-4o"
    )
    assert response.status_code == 424
    assert "sk-bad-secret-0000" not in response.text
    # a provider message that quotes the key is scrubbed before it is shown
    good = await connect(owner, "openai", fake_llm)
    rejected = await run(
        owner.client, owner.project_id, template="Hi", provider_id=good["id"], model="fail-400"
    )
    assert "sk-test-openai-key-1234" not in rejected.text and "***" in rejected.json()["detail"]


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_429_is_retried_after_retry_after(factory: Factory, fake_llm: FakeLLM, kind: str) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    model = unique("fail-429-once")
    started = time.perf_counter()
    response = await run(
        owner.client, owner.project_id, template="Hi", provider_id=provider["id"], model=model
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "completed"
    assert len(fake_llm.calls(model)) == 2
    assert elapsed >= 0.95  # the fake asked for `retry-after: 1`


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_5xx_is_retried_then_reported(
    app: FastAPI, factory: Factory, fake_llm: FakeLLM, kind: str
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    with provider_settings(app, provider_retry_base_seconds=0.01) as fast:
        once = unique("fail-500-once")
        response = await run(
            owner.client, owner.project_id, template="Hi", provider_id=provider["id"], model=once
        )
        assert response.status_code == 201 and len(fake_llm.calls(once)) == 2
        always = unique("fail-500-always")
        response = await run(
            owner.client, owner.project_id, template="Hi", provider_id=provider["id"], model=always
        )
    assert response.status_code == 502 and response.json()["code"] == "provider_unavailable"
    assert len(fake_llm.calls(always)) == fast.provider_max_attempts


async def test_timeout_and_unreachable_provider(app: FastAPI, factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    down = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/providers",
        json={"name": "down", "kind": "openai_compatible", "base_url": "http://127.0.0.1:9/v1"},
    )
    with provider_settings(app, provider_timeout_seconds=0.3, provider_retry_base_seconds=0.01):
        slow = await run(
            owner.client,
            owner.project_id,
            template="Hi",
            provider_id=provider["id"],
            model=unique("slow-1500ms"),
        )
        response = await run(
            owner.client, owner.project_id, template="Hi", provider_id=down.json()["id"], model="m"
        )
    assert slow.status_code == 504 and slow.json()["code"] == "provider_timeout"
    assert response.status_code == 502 and response.json()["code"] == "provider_unavailable"
    listed = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert [r["status"] for r in listed] == ["failed", "failed"]
    assert [r["error"]["code"] for r in listed] == ["provider_unavailable", "provider_timeout"]


async def test_history_filters_and_access(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    echo = await connect(owner, "echo")
    await make_prompt(owner, "one", "1")
    await make_prompt(owner, "two", "2")
    editor_key = await factory.api_key(owner, "editor")
    ids = []
    for name in ("one", "two", "one"):
        response = await run(editor_key, owner.project_id, prompt={"name": name}, provider_id=echo["id"])
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    url = f"/api/v1/projects/{owner.project_id}/runs"
    only_one = (await owner.client.get(url, params={"prompt": "one"})).json()["items"]
    assert [r["id"] for r in only_one] == [ids[2], ids[0]]  # newest first
    assert only_one[0]["created_by"] == "api_key:editor-key"
    page = (await owner.client.get(url, params={"limit": 2})).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = (await owner.client.get(url, params={"limit": 2, "cursor": page["next_cursor"]})).json()
    assert [r["id"] for r in rest["items"]] == [ids[0]]
    viewer = await factory.member(owner, "viewer")
    assert (await viewer.client.get(f"{url}/{ids[1]}")).json()["prompt"]["name"] == "two"
    denied = await run(viewer.client, owner.project_id, prompt={"name": "one"}, provider_id=echo["id"])
    assert denied.status_code == 403
    stranger = await factory.account()
    assert (await stranger.client.get(f"{url}/{ids[1]}")).status_code == 404
    assert (
        await stranger.client.get(f"/api/v1/projects/{stranger.project_id}/runs/{ids[1]}")
    ).status_code == 404
    other = await run(stranger.client, stranger.project_id, template="x", provider_id=echo["id"])
    assert other.status_code == 404  # another tenant's provider


async def test_deleting_a_provider_keeps_its_runs(factory: Factory) -> None:
    owner = await factory.account()
    echo = await connect(owner, "echo", name="scratch")
    created = (await run(owner.client, owner.project_id, template="x", provider_id=echo["id"])).json()
    assert (
        await owner.client.delete(f"/api/v1/projects/{owner.project_id}/providers/{echo['id']}")
    ).status_code == 204
    kept = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs/{created['id']}")).json()
    assert kept["provider_id"] is None and kept["provider_name"] == "scratch" and kept["output"] == "x"
