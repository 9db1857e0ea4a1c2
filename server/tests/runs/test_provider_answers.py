"""Answers from misbehaving provider servers: anything that is not the provider's protocol is a
502 `provider_bad_response` (never a 500), and no upstream body reaches the client."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from test_run_streaming import parse_sse

from conftest import Account, Factory
from fake_llm import UPSTREAM_MARKER, FakeLLM, connect


async def run(owner: Account, provider: dict[str, Any], **body: Any) -> Any:
    return await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs",
        json={"template": "Hi", "provider_id": provider["id"], "model": f"m-{secrets.token_hex(3)}", **body},
    )


def assert_problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code, response.text
    assert UPSTREAM_MARKER not in response.text


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize("mode", ["html", "not-json", "wrong-shape"])
@pytest.mark.parametrize("stream", [False, True])
async def test_an_answer_outside_the_protocol_is_a_502(
    factory: Factory, fake_llm: FakeLLM, kind: str, mode: str, stream: bool
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, mode))
    response = await run(owner, provider, stream=stream)
    assert_problem(response, 502, "provider_bad_response")
    runs = await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")
    [stored] = runs.json()["items"]
    assert stored["status"] == "failed" and stored["error"]["code"] == "provider_bad_response"
    assert UPSTREAM_MARKER not in runs.text
    checked = await owner.client.post(f"/api/v1/projects/{owner.project_id}/providers/{provider['id']}/test")
    assert checked.status_code == 200 and checked.json()["ok"] is False
    assert checked.json()["error"]["code"] == "provider_bad_response"
    assert UPSTREAM_MARKER not in checked.text


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize("stream", [False, True])
async def test_an_answer_too_deeply_nested_to_parse_is_a_502(
    factory: Factory, fake_llm: FakeLLM, kind: str, stream: bool
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, "deep-json"))
    response = await run(owner, provider, stream=stream)
    if stream:  # the first event is read after the stream began: the final event carries the failure
        assert response.status_code == 201, response.text
        [*_, (event, stored)] = parse_sse(response.text)
        assert event == "run"
    else:
        assert_problem(response, 502, "provider_bad_response")
        [stored] = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert stored["status"] == "failed" and stored["error"]["code"] == "provider_bad_response"
    checked = await owner.client.post(f"/api/v1/projects/{owner.project_id}/providers/{provider['id']}/test")
    assert checked.status_code == 200 and checked.json()["error"]["code"] == "provider_bad_response"


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_error_bodies_are_never_reflected(factory: Factory, fake_llm: FakeLLM, kind: str) -> None:
    owner = await factory.account()
    html_400 = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, "error-html"))
    response = await run(owner, html_400)
    assert_problem(response, 422, "provider_bad_request")
    assert response.json()["detail"].endswith("rejected the request (HTTP 400).")
    # a JSON error: its `message` may be shown as a short reason, nothing else from the body
    json_400 = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, "error-json"))
    response = await run(owner, json_400)
    assert_problem(response, 422, "provider_bad_request")
    assert response.json()["detail"].endswith("(HTTP 400): temperature is invalid")
    html_500 = await connect(owner, kind, fake_llm, base_url=fake_llm.misbehaving_url(kind, "error-html-500"))
    response = await run(owner, html_500, params={})
    assert_problem(response, 502, "provider_unavailable")
    runs = await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")
    assert UPSTREAM_MARKER not in runs.text


async def test_token_counts_that_cannot_be_stored_are_dropped(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(
        owner, "openai", fake_llm, base_url=fake_llm.misbehaving_url("openai", "huge-usage")
    )
    response = await run(owner, provider)
    assert response.status_code == 201, response.text
    assert response.json()["output"] == "hi"
    assert response.json()["usage"] == {"input_tokens": None, "output_tokens": None}


@pytest.mark.parametrize(("value", "header"), [("inf", None), ("nan", None), ("1e300", "86400"), ("0", "1")])
async def test_a_retry_after_of_any_value_answers_429(
    factory: Factory, fake_llm: FakeLLM, value: str, header: str | None
) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    response = await run(owner, provider, model=f"fail-429-after-{value}-{secrets.token_hex(3)}")
    assert_problem(response, 429, "provider_rate_limited")
    assert response.headers.get("retry-after") == header
