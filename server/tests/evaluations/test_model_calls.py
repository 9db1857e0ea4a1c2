"""EvalModelCalls against the local fake provider: answers with tokens and cost, the concurrency
limit never exceeded (the fake counts requests in flight), 429s waited out without holding a slot."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from typing import Any

import pytest
from fastapi import FastAPI

from fake_llm import FakeLLM, connect
from promptforge.evaluations.assertions.spec import ProviderRef
from promptforge.evaluations.model_calls import EvalModelCalls, EvalProviderNotFound
from promptforge.providers.errors import ProviderAuthFailed, ProviderRateLimited
from promptforge.providers.pricing import cost_usd, price_for

HELLO = [{"role": "user", "content": "Say hello"}]


def calls_for(app: FastAPI, owner: Any, limit: int, **settings: Any) -> EvalModelCalls:
    resources = app.state.resources
    if settings:
        resources = dataclasses.replace(resources, settings=resources.settings.model_copy(update=settings))
    return EvalModelCalls(resources, uuid.UUID(owner.project_id), asyncio.Semaphore(limit))


def ref(provider: dict[str, Any], model: str) -> ProviderRef:
    return ProviderRef(uuid.UUID(provider["id"]), model)


async def test_a_completion_reports_text_tokens_cost_and_latency(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    openai = await connect(owner, "openai", fake_llm)
    calls = calls_for(app, owner, 2)
    answer = await calls.complete(ref(openai, "gpt-4o-mini"), HELLO, {"temperature": 0})
    assert answer.text == "Hello from fake OpenAI. You said: Say hello"
    assert (answer.input_tokens, answer.output_tokens) == (2, 8)
    assert answer.cost_usd == cost_usd(price_for("gpt-4o-mini"), 2, 8)
    assert answer.latency_ms >= 0
    assert fake_llm.calls("gpt-4o-mini")[-1]["json"]["temperature"] == 0
    echo = await connect(owner, "echo")
    echoed = await calls.complete(ref(echo, "echo"), HELLO)
    assert echoed.text == "[user]\nSay hello" and echoed.cost_usd == 0.0
    unpriced = await calls.complete(ref(openai, "fake-chat"), HELLO)
    assert unpriced.cost_usd is None


async def test_the_limiter_is_never_exceeded(app: FastAPI, factory: Any, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    openai = await connect(owner, "openai", fake_llm)
    calls = calls_for(app, owner, 5)
    fake_llm.reset_in_flight()
    started = time.monotonic()
    chats = [calls.complete(ref(openai, f"slow-100ms-limit-{i}"), HELLO) for i in range(20)]
    embeddings = [calls.embed(ref(openai, f"slow-100ms-embed-{i}"), ["a", "b"]) for i in range(10)]
    await asyncio.gather(*chats, *embeddings)
    assert fake_llm.max_in_flight == 5
    assert time.monotonic() - started >= 0.6  # 30 calls of 100 ms, 5 at a time


async def test_a_429_is_waited_out_without_failing_or_holding_a_slot(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    openai = await connect(owner, "openai", fake_llm)
    calls = calls_for(app, owner, 1)
    limited = f"fail-429-once-{uuid.uuid4().hex[:8]}"
    finished: list[str] = []

    async def call(model: str) -> None:
        await calls.complete(ref(openai, model), HELLO)
        finished.append(model)

    fake_llm.reset_in_flight()
    first = asyncio.create_task(call(limited))
    await asyncio.sleep(0.2)  # the first call got its 429 and waits out Retry-After: 1
    await call("slow-100ms-other")  # takes the only slot meanwhile
    await first
    assert finished == ["slow-100ms-other", limited]
    assert len(fake_llm.calls(limited)) == 2 and fake_llm.max_in_flight == 1
    embedded = f"fail-429-once-{uuid.uuid4().hex[:8]}"
    answer = await calls.embed(ref(openai, embedded), ["x"])
    assert len(answer.vectors) == 1 and len(fake_llm.calls(embedded)) == 2


async def test_rate_limits_beyond_the_budget_fail_the_call(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    openai = await connect(owner, "openai", fake_llm)
    calls = calls_for(app, owner, 1, eval_rate_limit_max_wait_seconds=30)
    started = time.monotonic()
    with pytest.raises(ProviderRateLimited):
        await calls.complete(ref(openai, "fail-429-always-budget"), HELLO)  # Retry-After: 60
    assert time.monotonic() - started < 2
    patient = calls_for(app, owner, 1, eval_rate_limit_max_wait_seconds=2.5)
    model = f"fail-429-after-1-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ProviderRateLimited):
        await patient.complete(ref(openai, model), HELLO)
    assert len(fake_llm.calls(model)) == 3  # waited 1 s twice, a third second would pass the budget


async def test_server_errors_are_retried_and_others_raised(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    openai = await connect(owner, "openai", fake_llm)
    calls = calls_for(app, owner, 1, provider_retry_base_seconds=0.01)
    model = f"fail-500-once-{uuid.uuid4().hex[:8]}"
    answer = await calls.complete(ref(openai, model), HELLO)
    assert answer.text.startswith("Hello from fake OpenAI") and len(fake_llm.calls(model)) == 2
    with pytest.raises(ProviderAuthFailed):
        await calls.complete(ref(openai, "fail-401-x"), HELLO)
    assert len(fake_llm.calls("fail-401-x")) == 1


async def test_a_connection_of_another_project_is_not_found(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner, stranger = await factory.account(), await factory.account()
    theirs = await connect(stranger, "openai", fake_llm)
    calls = calls_for(app, owner, 1)
    for _ in range(2):  # remembered: the second call does not look again
        with pytest.raises(EvalProviderNotFound):
            await calls.complete(ref(theirs, "gpt-4o-mini"), HELLO)
    with pytest.raises(EvalProviderNotFound):
        await calls.embed(ProviderRef(uuid.uuid4(), "m"), ["x"])


async def test_embeddings_from_an_openai_compatible_server(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    local = await connect(owner, "openai_compatible", fake_llm)
    calls = calls_for(app, owner, 2)
    answer = await calls.embed(ref(local, "nomic-embed-text"), ["red apple", "red apple", "blue sky"])
    first, second, third = answer.vectors
    assert first == second and first != third and len(first) == 64
    assert answer.cost_usd is None  # no price for this model
