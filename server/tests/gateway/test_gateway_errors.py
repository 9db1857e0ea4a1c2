"""Gateway errors as the OpenAI SDK sees them (its usual exception types, OpenAI's error shape),
never problem+json, and the runs that failed provider calls leave."""

from __future__ import annotations

import secrets

import httpx
import openai
import pytest
from gateway_harness import VARIABLES, gateway, new_project, sdk

from conftest import Factory
from fake_llm import UPSTREAM_MARKER, FakeLLM, connect


async def test_a_missing_variable_is_422_naming_it(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        await project.sdk.chat.completions.create(
            model="prompt:support", messages=[], extra_body={"variables": {"company": "Acme"}}
        )
    error = caught.value
    assert error.code == "missing_variable" and error.param == "variables.question"
    assert "question" in error.message
    assert await project.runs() == []  # nothing was sent: no run


@pytest.mark.parametrize(
    "model", ["prompt:nope", "prompt:support@nolabel", "prompt:support@9", "gpt-4o", "prompt:Bad Name"]
)
async def test_an_unknown_prompt_is_404(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str, model: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    with pytest.raises(openai.NotFoundError) as caught:
        await project.sdk.chat.completions.create(
            model=model, messages=[], extra_body={"variables": VARIABLES}
        )
    assert caught.value.response.headers["content-type"] == "application/json"
    assert caught.value.type == "invalid_request_error"


async def test_a_provider_429_is_a_rate_limit_error_with_its_retry_after(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(
        factory, fake_llm, gateway(live_server_url), model=f"fail-429-always-{secrets.token_hex(3)}"
    )
    for stream in (False, True):
        with pytest.raises(openai.RateLimitError) as caught:
            await project.sdk.chat.completions.create(
                model="prompt:support", messages=[], stream=stream, extra_body={"variables": VARIABLES}
            )
        response = caught.value.response
        assert response.headers["retry-after"] == "60"
        assert caught.value.code == "provider_rate_limited" and caught.value.type == "rate_limit_error"
        run_id = response.headers["x-prompt-forge-run-id"]
        assert response.headers["x-prompt-forge-prompt-version"] == "1"
        run = (await project.runs(1))[0]
        assert run["id"] == run_id and run["status"] == "failed" and run["source"] == "gateway"
        assert run["error"]["code"] == "provider_rate_limited"


@pytest.mark.parametrize(
    ("model", "status", "code"),
    [("fail-500-always", 502, "provider_unavailable"), ("fail-401", 502, "provider_auth_failed")],
)
async def test_provider_failures_are_502(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str, model: str, status: int, code: str
) -> None:
    project = await new_project(
        factory, fake_llm, gateway(live_server_url), model=f"{model}-{secrets.token_hex(3)}"
    )
    with pytest.raises(openai.APIStatusError) as caught:
        await project.sdk.chat.completions.create(
            model="prompt:support", messages=[], extra_body={"variables": VARIABLES}
        )
    assert caught.value.status_code == status and caught.value.code == code
    assert "sk-test" not in caught.value.message  # the connection's key never reaches the caller


async def test_a_failure_mid_stream_ends_it_with_an_error_event(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(
        factory, fake_llm, gateway(live_server_url), model=f"midstream-error-{secrets.token_hex(3)}"
    )
    stream = await project.sdk.chat.completions.create(
        model="prompt:support", messages=[], stream=True, extra_body={"variables": VARIABLES}
    )
    received = []
    with pytest.raises(openai.APIError):
        async for chunk in stream:
            received.append(chunk)
    assert received  # the chunks before the failure arrived
    [run] = await project.runs(1)
    assert run["status"] == "failed" and run["output"]


async def test_a_bad_key_is_an_authentication_error(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    await new_project(factory, fake_llm, gateway(live_server_url))
    for key in ("pf_not-a-real-key", "sk-something-else"):
        with pytest.raises(openai.AuthenticationError) as caught:
            await sdk(gateway(live_server_url), key).chat.completions.create(
                model="prompt:support", messages=[]
            )
        assert caught.value.type == "authentication_error"
        with pytest.raises(openai.AuthenticationError):
            await sdk(gateway(live_server_url), key).models.list()


async def test_gateway_paths_never_answer_problem_json(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    headers = {"Authorization": f"Bearer {project.key}"}
    async with httpx.AsyncClient(base_url=gateway(live_server_url), headers=headers) as client:
        answers = [
            await client.get("/embeddings"),  # not served
            await client.get("/chat/completions"),  # wrong method
            await client.post("/chat/completions", content=b"{not json"),
            await client.post("/chat/completions", json={"model": "prompt:support", "messages": "hi"}),
            await client.post(
                "/chat/completions",
                json={"model": "prompt:support", "variables": {"x": 1} | {f"v{i}": i for i in range(200)}},
            ),
            await client.post("/chat/completions", content=b"x" * (3 * 1024 * 1024)),
        ]
    assert [a.status_code for a in answers] == [404, 405, 422, 422, 422, 413]
    for answer in answers:
        assert answer.headers["content-type"] == "application/json", answer.text
        error = answer.json()["error"]
        assert set(error) == {"message", "type", "param", "code"} and error["message"]
    assert answers[3].json()["error"]["param"].startswith("messages")
    assert answers[4].json()["error"]["param"] == "variables"


async def test_too_many_messages_are_refused(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        await project.sdk.chat.completions.create(
            model="prompt:support",
            messages=[{"role": "user", "content": "hi"}] * 257,
            extra_body={"variables": VARIABLES},
        )
    assert caught.value.param == "messages"


async def test_the_playground_runs_api_still_answers_problem_json(factory: Factory) -> None:
    owner = await factory.account()
    response = await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs/{secrets.token_hex(4)}")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("mode", ["html", "wrong-shape", "not-json"])
async def test_an_answer_outside_the_protocol_is_502_and_not_relayed(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str, mode: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    await connect(
        project.owner,
        "openai_compatible",
        fake_llm,
        base_url=fake_llm.misbehaving_url("openai", mode),
        name="odd",
    )
    await project.prompt("odd", "Hi", kind="text", model_config={"connection": "odd", "model": "m"})
    for stream in (False, True):
        with pytest.raises(openai.APIStatusError) as caught:
            answer = await project.sdk.chat.completions.create(model="prompt:odd", messages=[], stream=stream)
            if stream:
                [chunk async for chunk in answer]  # type: ignore[union-attr]
        assert caught.value.status_code == 502 and caught.value.code == "provider_bad_response"
        assert UPSTREAM_MARKER not in caught.value.response.text
