"""Streaming runs: server-sent events for both protocols and echo, failures before and during the
stream, a client that disconnects mid-stream, and the latency Prompt-Forge adds to the first token."""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openai
import pytest
import uvicorn
from fastapi import FastAPI

from conftest import Account, Factory
from fake_llm import DRIP_WORDS, FakeLLM, connect


def parse_sse(body: str) -> list[tuple[str, Any]]:
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def stream_run(owner: Account, **body: Any) -> httpx.Response:
    return await owner.client.post(f"/api/v1/projects/{owner.project_id}/runs", json={**body, "stream": True})


@pytest.fixture(scope="module")
async def live_url(app: FastAPI) -> AsyncIterator[str]:
    """The test app served by uvicorn on a real socket (the ASGI test transport buffers whole bodies)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.mark.parametrize("kind", ["openai", "anthropic", "echo"])
async def test_stream_deltas_then_the_stored_run(factory: Factory, fake_llm: FakeLLM, kind: str) -> None:
    owner = await factory.account()
    model = {"openai": "gpt-4o", "anthropic": "claude-haiku-4-5", "echo": None}[kind]
    provider = await connect(owner, kind, fake_llm, **({"default_model": model} if model else {}))
    response = await stream_run(
        owner, template="Tell me about {{ topic }}", variables={"topic": "tides"}, provider_id=provider["id"]
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[0] == "start" and names[-1] == "run"
    assert set(names[1:-1]) == {"delta"} and len(names) > 3
    run = events[-1][1]
    assert run["id"] == events[0][1]["id"]
    assert run["status"] == "completed" and run["stream"] is True
    assert "".join(data["text"] for name, data in events if name == "delta") == run["output"]
    expected = {
        "openai": "Hello from fake OpenAI. You said: Tell me about tides",
        "anthropic": "Hello from fake Anthropic. You said: Tell me about tides",
        "echo": "Tell me about tides",
    }[kind]
    assert run["output"] == expected
    assert run["usage"]["input_tokens"] and run["usage"]["output_tokens"]
    assert run["time_to_first_token_ms"] is not None and run["latency_ms"] >= run["time_to_first_token_ms"]
    assert run["cost_usd"] is not None
    stored = await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs/{run['id']}")
    assert stored.json() == run
    if kind == "openai":
        assert fake_llm.calls("gpt-4o")[-1]["json"]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_failure_before_the_first_token_is_a_problem(
    factory: Factory, fake_llm: FakeLLM, kind: str
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    response = await stream_run(owner, template="Hi", provider_id=provider["id"], model="missing-model")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "provider_model_not_found"
    [stored] = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert stored["status"] == "failed" and stored["error"]["code"] == "provider_model_not_found"


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_failure_mid_stream_ends_with_a_failed_run(
    factory: Factory, fake_llm: FakeLLM, kind: str
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    response = await stream_run(owner, template="Hi", provider_id=provider["id"], model="midstream-error")
    assert response.status_code == 201
    events = parse_sse(response.text)
    run = events[-1][1]
    assert events[-1][0] == "run" and run["status"] == "failed"
    assert run["error"]["code"] == "provider_unavailable"
    assert run["output"] == "Hello from "  # what arrived before the failure is kept


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_a_connection_lost_mid_stream_ends_with_a_failed_run(
    factory: Factory, fake_llm: FakeLLM, kind: str
) -> None:
    """The HTTP client's own error (which Anthropic's SDK lets through) is a provider failure too."""
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    model = f"cut-stream-{secrets.token_hex(3)}"
    response = await stream_run(owner, template="Hi", provider_id=provider["id"], model=model)
    assert response.status_code == 201
    events = parse_sse(response.text)
    run = events[-1][1]
    assert events[-1][0] == "run" and run["status"] == "failed", events
    assert run["error"]["code"] == "provider_unavailable"
    assert run["output"] == "Hello from "


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_client_disconnect_mid_stream_stores_a_cancelled_run(
    factory: Factory, fake_llm: FakeLLM, live_url: str, kind: str
) -> None:
    owner = await factory.account()
    provider = await connect(owner, kind, fake_llm)
    key = await factory.api_key(owner, "editor")
    model = f"drip-50ms-{secrets.token_hex(3)}"  # 40 words, 50 ms apart: about 2 s in all
    deltas = 0
    run_id = None
    async with httpx.AsyncClient(
        base_url=live_url, headers={"Authorization": key.headers["Authorization"]}
    ) as client:
        body = {"template": "Hi", "provider_id": provider["id"], "model": model, "stream": True}
        async with client.stream("POST", f"/api/v1/projects/{owner.project_id}/runs", json=body) as response:
            assert response.status_code == 201
            async for line in response.aiter_lines():
                if line.startswith("data: ") and run_id is None:
                    run_id = json.loads(line[6:])["id"]
                if line == "event: delta":
                    deltas += 1
                    if deltas == 3:
                        break  # leave: closing the response drops the connection
    assert run_id is not None
    url = f"/api/v1/projects/{owner.project_id}/runs/{run_id}"
    deadline = time.monotonic() + 5
    while True:
        run = (await owner.client.get(url)).json()
        if run["status"] != "running" or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert run["status"] == "cancelled", run
    assert run["error"]["code"] == "client_disconnected"
    assert run["output"].startswith("w0 w1 w2")
    assert len(run["output"].split()) < DRIP_WORDS  # stopped early: the provider stream was closed
    assert run["finished_at"] is not None


async def test_disconnect_after_the_answer_keeps_it_completed(
    factory: Factory, fake_llm: FakeLLM, live_url: str
) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    key = await factory.api_key(owner, "editor")
    async with httpx.AsyncClient(
        base_url=live_url, headers={"Authorization": key.headers["Authorization"]}
    ) as client:
        body = {"template": "Hi", "provider_id": provider["id"], "model": "gpt-4o", "stream": True}
        async with client.stream("POST", f"/api/v1/projects/{owner.project_id}/runs", json=body) as response:
            first = await response.aiter_lines().__anext__()
            assert first == "event: start"
            await asyncio.sleep(0.3)  # the whole (short) answer has been relayed and stored meanwhile
    listed = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert listed[0]["status"] == "completed"
    assert listed[0]["output"] == "Hello from fake OpenAI. You said: Hi"


async def test_added_latency_to_first_token(factory: Factory, fake_llm: FakeLLM, live_url: str) -> None:
    """Time to first token through Prompt-Forge minus straight to the provider (the local server)."""
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/prompts",
        json={"name": "bench", "kind": "text", "template": "Hello {{ name }}"},
    )
    key = await factory.api_key(owner, "editor")
    direct = openai.AsyncOpenAI(api_key="sk-direct", base_url=fake_llm.openai_url, max_retries=0)
    through = httpx.AsyncClient(base_url=live_url, headers={"Authorization": key.headers["Authorization"]})
    body = {
        "prompt": {"name": "bench"},
        "variables": {"name": "Ada"},
        "provider_id": provider["id"],
        "model": "gpt-4o",
        "stream": True,
    }

    async def ttft_direct() -> float:
        started = time.perf_counter()
        stream = await direct.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Hello Ada"}], stream=True
        )
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                elapsed = time.perf_counter() - started
                break
        await stream.close()
        return elapsed

    async def ttft_through() -> float:
        started = time.perf_counter()
        async with through.stream("POST", f"/api/v1/projects/{owner.project_id}/runs", json=body) as response:
            async for line in response.aiter_lines():
                if line == "event: delta":
                    elapsed = time.perf_counter() - started
                    break
        return elapsed

    try:
        for _ in range(5):  # warm up connections and caches
            await ttft_direct()
            await ttft_through()
        samples_direct, samples_through = [], []
        for _ in range(40):
            samples_direct.append(await ttft_direct())
            samples_through.append(await ttft_through())
    finally:
        await direct.close()
        await through.aclose()

    def ms(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if q < 100 else max(values) * 1000

    # the runs left behind finish (cancelled) before the test's data is cleaned up
    runs_url = f"/api/v1/projects/{owner.project_id}/runs"
    for _ in range(100):
        listed = (await owner.client.get(runs_url, params={"status": "running"})).json()["items"]
        if not listed:
            break
        await asyncio.sleep(0.05)

    median_direct = statistics.median(samples_direct) * 1000
    median_through = statistics.median(samples_through) * 1000
    print(
        f"\nTTFT direct: median {median_direct:.1f} ms, p95 {ms(samples_direct, 95):.1f} ms"
        f"\nTTFT through Prompt-Forge: median {median_through:.1f} ms, p95 {ms(samples_through, 95):.1f} ms"
        f"\nadded by Prompt-Forge: median {median_through - median_direct:.1f} ms"
    )
    assert median_through - median_direct < 250
