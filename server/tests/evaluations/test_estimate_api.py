"""`POST .../evaluations/estimate`: provider calls and estimated cost before starting, with the
create body's 422s, and nothing stored or queued."""

from __future__ import annotations

import math
from typing import Any

from eval_setup import evaluation_setup

from conftest import Factory
from fake_llm import FakeLLM, connect


async def test_estimate_counts_calls_and_prices_the_variants(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(
        owner, fake_llm, items=[{"input": {"q": "x" * 400}}, {"input": {"q": "y" * 800}}], template="{{ q }}"
    )
    echo = await connect(owner, "echo")
    body = setup.body()
    body["variants"][0]["params"] = {"max_tokens": 100}
    body["variants"].append(
        {"name": "on echo", "prompt": {"name": setup.prompt}, "provider_id": echo["id"], "model": "echo"}
    )
    unpriced_variant = {"name": "unpriced", "prompt": {"name": setup.prompt}, "model": "my-model"}
    body["variants"].append({**unpriced_variant, "provider_id": setup.provider_id})
    body["assertions"].append(
        {
            "type": "llm-rubric",
            "value": "Is polite",
            "provider": {"provider_id": setup.provider_id, "model": "gpt-4o-mini"},
        }
    )
    calls_before = len(fake_llm.requests)
    response = await owner.client.post(f"{setup.url}/estimate", json=body)
    assert response.status_code == 200, response.text
    estimate: dict[str, Any] = response.json()
    # 2 items x 3 variants, plus one judge call per cell
    assert estimate["items"] == 2 and estimate["calls"] == 12 and estimate["grading_calls"] == 6
    assert estimate["sampled_items"] == 2
    mini, on_echo, unpriced = estimate["variants"]
    # mean of (400/4 + 4) and (800/4 + 4) prompt tokens; 100 output tokens from max_tokens
    assert mini["input_tokens_per_call"] == 154 and mini["output_tokens_per_call"] == 100
    expected = 2 * (154 * 0.15 + 100 * 0.6) / 1_000_000
    assert mini["price_known"] is True and math.isclose(mini["estimated_cost_usd"], expected)
    assert on_echo["estimated_cost_usd"] == 0.0 and on_echo["output_tokens_per_call"] == 256
    assert unpriced == {
        "name": "unpriced",
        "model": "my-model",
        "calls": 2,
        "input_tokens_per_call": 154,
        "output_tokens_per_call": 256,
        "price_known": False,
        "estimated_cost_usd": None,
    }
    # one unknown price makes the total unknown rather than too low
    assert estimate["estimated_cost_usd"] is None
    listed = await owner.client.get(setup.url)
    assert listed.json()["items"] == []  # nothing was created
    assert len(fake_llm.requests) == calls_before  # and no model was called


async def test_estimate_total_and_the_connections_own_prices(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=[{"input": {"q": "abcd" * 10}}], template="{{ q }}")
    custom = await connect(owner, "openai", fake_llm, pricing={"house-model": {"input": 1.0, "output": 2.0}})
    body = setup.body(model="house-model")
    body["variants"][0]["provider_id"] = custom["id"]
    estimate = (await owner.client.post(f"{setup.url}/estimate", json=body)).json()
    # 40 chars = 10 tokens + 4 for the message; 256 default output tokens
    assert estimate["variants"][0]["input_tokens_per_call"] == 14
    assert math.isclose(estimate["estimated_cost_usd"], (14 * 1.0 + 256 * 2.0) / 1_000_000)


async def test_items_that_do_not_render_are_left_out_of_the_token_mean(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(
        owner, fake_llm, items=[{"input": {"q": "abcd"}}, {"input": {"other": 1}}], template="{{ q }}"
    )
    estimate = (await owner.client.post(f"{setup.url}/estimate", json=setup.body())).json()
    assert estimate["calls"] == 2 and estimate["variants"][0]["input_tokens_per_call"] == 5


async def test_estimate_refuses_what_create_refuses_naming_the_field(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    variant = setup.body()["variants"][0]
    cases: list[tuple[dict[str, Any], list[Any]]] = [
        (setup.body(dataset={"name": "nope"}), ["body", "dataset", "name"]),
        (
            setup.body(variants=[{**variant, "prompt": {"name": setup.prompt, "label": "x"}}]),
            ["body", "variants", 0, "prompt", "label"],
        ),
        (setup.body(assertions=[{"type": "regex", "value": "(a)\\1"}]), ["body", "assertions", 0, "value"]),
        (setup.body(concurrency=0), ["body", "concurrency"]),
    ]
    for body, loc in cases:
        response = await owner.client.post(f"{setup.url}/estimate", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == loc


async def test_viewers_may_not_estimate(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    viewer = await factory.member(owner, "viewer")
    response = await viewer.client.post(f"{setup.url}/estimate", json=setup.body())
    assert response.status_code == 403, response.text
