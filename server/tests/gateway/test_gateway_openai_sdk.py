"""The official `openai` SDK against the gateway on a real server, with the fake provider behind it:
answers, streams with usage, the run each call leaves, and pass-through of the request's fields."""

from __future__ import annotations

import secrets

import openai
import pytest
from gateway_harness import VARIABLES, gateway, key_of, new_project, sdk

from conftest import Factory
from fake_llm import FakeLLM, connect

QUESTION = {"role": "user", "content": "And when does it arrive?"}


async def test_a_prompt_answers_like_a_chat_completion(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    model = f"gpt-4o-mini-{secrets.token_hex(3)}"
    project = await new_project(factory, fake_llm, gateway(live_server_url), model=model)
    raw = await project.sdk.chat.completions.with_raw_response.create(
        model="prompt:support", messages=[QUESTION], extra_body={"variables": VARIABLES}
    )
    completion = raw.parse()
    assert (
        completion.choices[0].message.content == "Hello from fake OpenAI. You said: And when does it arrive?"
    )
    assert completion.usage is not None and completion.usage.prompt_tokens > 0
    run_id = raw.headers["x-prompt-forge-run-id"]
    assert raw.headers["x-prompt-forge-prompt-version"] == "1"
    # the rendered prompt, then the caller's conversation; model and parameters from model_config
    [sent] = fake_llm.calls(model)
    assert sent["json"]["messages"] == [
        {"role": "system", "content": "You help Acme's customers."},
        {"role": "user", "content": "Question: Where is my order?"},
        QUESTION,
    ]
    assert sent["json"]["temperature"] == 0.3
    [run] = await project.runs(1, source="gateway")
    assert run["id"] == run_id and run["source"] == "gateway" and run["status"] == "completed"
    assert run["prompt"] == {"name": "support", "version": 1}
    assert run["output"] == completion.choices[0].message.content
    assert run["usage"]["input_tokens"] == completion.usage.prompt_tokens
    assert run["variables"] == VARIABLES and run["stream"] is False
    assert run["input"]["messages"][-1] == QUESTION
    assert run["created_by"] == "api_key:editor-key" and run["latency_ms"] >= 0
    assert await project.runs(source="playground") == []


async def test_a_stream_relays_chunks_and_usage(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    raw = await project.sdk.chat.completions.with_raw_response.create(
        model="prompt:support@production",
        messages=[QUESTION],
        stream=True,
        stream_options={"include_usage": True},
        extra_body={"variables": VARIABLES},
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    run_id = raw.headers["x-prompt-forge-run-id"]
    chunks = [chunk async for chunk in raw.parse()]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from fake OpenAI. You said: And when does it arrive?"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == len(text.split())
    [run] = await project.runs(1, source="gateway")
    assert run["id"] == run_id and run["status"] == "completed" and run["stream"] is True
    assert run["output"] == text
    assert run["time_to_first_token_ms"] is not None
    assert run["usage"]["output_tokens"] == chunks[-1].usage.completion_tokens


async def test_a_stream_without_include_usage_has_no_usage_chunk(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    stream = await project.sdk.chat.completions.create(
        model="prompt:support", messages=[], stream=True, extra_body={"variables": VARIABLES}
    )
    chunks = [chunk async for chunk in stream]
    assert all(chunk.choices for chunk in chunks)
    [run] = await project.runs(1)
    assert run["usage"]["output_tokens"] is not None  # the gateway always asks the provider for it


async def test_request_fields_override_model_config_and_tools_pass_through(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    model = f"gpt-4o-{secrets.token_hex(3)}"
    project = await new_project(factory, fake_llm, gateway(live_server_url), model=model)
    tools = [
        {
            "type": "function",
            "function": {"name": "track", "parameters": {"type": "object", "properties": {}}},
        }
    ]
    await project.sdk.chat.completions.create(
        model="prompt:support",
        messages=[QUESTION],
        temperature=1.5,
        max_tokens=50,
        tools=tools,  # type: ignore[arg-type]
        tool_choice="auto",
        response_format={"type": "json_object"},
        extra_body={"variables": VARIABLES},
    )
    [sent] = fake_llm.calls(model)
    body = sent["json"]
    assert body["temperature"] == 1.5 and body["max_tokens"] == 50
    assert body["tools"] == tools and body["tool_choice"] == "auto"
    assert body["response_format"] == {"type": "json_object"}
    assert "variables" not in body


async def test_a_version_or_label_is_chosen_by_the_model_name(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    url = f"/api/v1/projects/{project.owner.project_id}/prompts/support"
    second = [{"role": "user", "content": "v2 for {{ company }}"}]
    created = await project.owner.client.post(
        f"{url}/versions", json={"template": second, "model_config": {"model": "gpt-4o-mini"}}
    )
    assert created.status_code == 201, created.text
    await project.owner.client.put(f"{url}/labels/staging", json={"version": 2})
    for model, version, said in (
        ("prompt:support@2", "2", "v2 for Acme"),
        ("prompt:support@staging", "2", "v2 for Acme"),
        ("prompt:support@latest", "2", "v2 for Acme"),
        ("prompt:support@1", "1", "Question: Where is my order?"),
    ):
        raw = await project.sdk.chat.completions.with_raw_response.create(
            model=model, messages=[], extra_body={"variables": VARIABLES}
        )
        assert raw.headers["x-prompt-forge-prompt-version"] == version
        assert raw.parse().choices[0].message.content == f"Hello from fake OpenAI. You said: {said}"


async def test_models_lists_each_label_of_each_prompt(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    await project.prompt("greet", "Hi {{ name }}", kind="text")
    viewer = sdk(gateway(live_server_url), await key_of(factory, project.owner, "viewer"))
    ids = sorted([model.id async for model in viewer.models.list()])
    assert ids == [
        "prompt:greet@latest",
        "prompt:greet@production",
        "prompt:support@latest",
        "prompt:support@production",
    ]


async def test_a_text_prompt_on_an_echo_connection(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    """Providers reached through their adapters answer in OpenAI's shape too (JSON and stream)."""
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    echo = await connect(project.owner, "echo", name="echo")
    await project.prompt("greet", "Hi {{ name }}", kind="text", model_config={"connection": echo["name"]})
    completion = await project.sdk.chat.completions.create(
        model="prompt:greet", messages=[], extra_body={"variables": {"name": "Ada"}}
    )
    assert completion.choices[0].message.content == "Hi Ada"
    stream = await project.sdk.chat.completions.create(
        model="prompt:greet",
        messages=[],
        stream=True,
        stream_options={"include_usage": True},
        extra_body={"variables": {"name": "Bo"}},
    )
    chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hi Bo"
    assert chunks[-1].usage is not None
    runs = await project.runs(2, source="gateway")
    assert {run["provider_kind"] for run in runs} == {"echo"} and len(runs) == 2


async def test_the_default_connection_is_the_oldest(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    await connect(project.owner, "echo")  # newer: not the default
    await project.sdk.chat.completions.create(
        model="prompt:support", messages=[], extra_body={"variables": VARIABLES}
    )
    [run] = await project.runs(1)
    assert run["provider_name"] == project.provider["name"]


@pytest.mark.parametrize("role", ["viewer"])
async def test_a_viewer_key_may_list_but_not_call(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str, role: str
) -> None:
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    viewer = sdk(gateway(live_server_url), await key_of(factory, project.owner, role))
    with pytest.raises(openai.PermissionDeniedError):
        await viewer.chat.completions.create(
            model="prompt:support", messages=[], extra_body={"variables": VARIABLES}
        )
    assert [m.id async for m in viewer.models.list()]


async def test_changes_are_seen_by_the_next_call(
    factory: Factory, fake_llm: FakeLLM, live_server_url: str
) -> None:
    """The gateway's near caches are checked against generations: a changed connection, a moved
    label and a revoked key take effect on the very next call."""
    project = await new_project(factory, fake_llm, gateway(live_server_url))
    call = {"model": "prompt:support", "messages": [], "extra_body": {"variables": VARIABLES}}
    await project.sdk.chat.completions.create(**call)  # type: ignore[call-overload]  (warm every cache)
    providers = f"/api/v1/projects/{project.owner.project_id}/providers"
    model = f"gpt-4o-mini-{secrets.token_hex(3)}"
    changed = await project.owner.client.patch(
        f"{providers}/{project.provider['id']}", json={"name": "renamed", "default_model": model}
    )
    assert changed.status_code == 200, changed.text
    await project.sdk.chat.completions.create(**call)  # type: ignore[call-overload]
    runs = await project.runs(2)
    assert runs[0]["provider_name"] == "renamed"
    deleted = await project.owner.client.delete(f"{providers}/{project.provider['id']}")
    assert deleted.status_code == 204
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        await project.sdk.chat.completions.create(**call)  # type: ignore[call-overload]
    assert caught.value.code == "no_provider_connection"
    keys = (await project.owner.client.get(f"/api/v1/projects/{project.owner.project_id}/api-keys")).json()
    [editor] = [k for k in keys["items"] if k["name"] == "editor-key"]
    revoked = await project.owner.client.delete(
        f"/api/v1/projects/{project.owner.project_id}/api-keys/{editor['id']}"
    )
    assert revoked.status_code == 204, revoked.text
    with pytest.raises(openai.AuthenticationError):
        await project.sdk.chat.completions.create(**call)  # type: ignore[call-overload]
