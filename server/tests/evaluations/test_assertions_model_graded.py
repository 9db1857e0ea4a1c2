"""llm-rubric and similar through real provider connections (created via the API) to the local fake
provider over HTTP: the judge's verdict, its cost, an unreadable judge, embeddings and their errors."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from fastapi import FastAPI

from fake_llm import FakeLLM, connect
from promptforge.evaluations.assertions.grading import Case, Grade, grade_case
from promptforge.evaluations.assertions.model_graded import GRADING_SYSTEM_PROMPT
from promptforge.evaluations.assertions.spec import ProviderRef, item_assertions, parse_assertions
from promptforge.evaluations.model_calls import EvalModelCalls
from promptforge.providers.pricing import cost_usd, price_for


async def grade(
    app: FastAPI, owner: Any, assertions: list[dict[str, Any]], output: str, **case: Any
) -> Grade:
    calls = EvalModelCalls(app.state.resources, uuid.UUID(owner.project_id), asyncio.Semaphore(4))
    specs = parse_assertions(assertions, ["body", "assertions"])
    graded = Case(output, case.get("variables", {}), case.get("expected"), 10, 0.0)
    return await grade_case(specs, graded, case.get("threshold"), calls, app.state.renderer)


def rubric(provider: dict[str, Any], value: str, model: str = "gpt-4o-mini", **extra: Any) -> dict[str, Any]:
    judge = {"provider_id": provider["id"], "model": model}
    return {"type": "llm-rubric", "value": value, "provider": judge, **extra}


EMBEDDER = "text-embedding-3-small"


def similar(provider: dict[str, Any], value: Any, model: str = EMBEDDER, **extra: Any) -> dict[str, Any]:
    embedder = {"provider_id": provider["id"], "model": model}
    return {"type": "similar", "value": value, "provider": embedder, **extra}


async def test_llm_rubric_passes_fails_and_counts_the_judges_cost(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    judge = await connect(owner, "openai", fake_llm)
    passing = await grade(app, owner, [rubric(judge, "Paris")], "The capital is Paris.")
    assert passing.status == "passed" and passing.score == 1.0
    assert passing.assertions[0].reason == "the output contains 'Paris'"
    request = fake_llm.calls("gpt-4o-mini")[-1]["json"]
    assert request["messages"][0] == {"role": "system", "content": GRADING_SYSTEM_PROMPT}
    question = "<Output>\nThe capital is Paris.\n</Output>\n<Rubric>\nParis\n</Rubric>"
    assert request["messages"][1]["content"] == question
    words = sum(len(m["content"].split()) for m in request["messages"])  # the fake's token counts
    answer = json.dumps({"reason": "the output contains 'Paris'", "pass": True, "score": 1.0})
    expected_cost = cost_usd(price_for("gpt-4o-mini"), words, len(answer.split()))
    assert expected_cost is not None and expected_cost > 0
    assert passing.grading_cost_usd == expected_cost

    failing = await grade(app, owner, [rubric(judge, "London")], "The capital is Paris.")
    assert failing.status == "failed" and failing.score == 0.0
    assert failing.reason == "the output lacks 'London'"
    inverted = await grade(app, owner, [{**rubric(judge, "London"), "type": "not-llm-rubric"}], "Paris.")
    assert inverted.status == "passed" and inverted.score == 1.0


async def test_llm_rubric_score_and_threshold(app: FastAPI, factory: Any, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    judge = await connect(owner, "openai", fake_llm)
    scored = await grade(app, owner, [rubric(judge, "score=0.6 concise")], "anything")
    assert scored.status == "passed" and scored.score == 0.6
    strict = await grade(app, owner, [rubric(judge, "score=0.6 concise", threshold=0.8)], "anything")
    assert strict.status == "failed" and strict.score == 0.6


async def test_an_unreadable_judge_answer_is_an_error_with_its_cost_counted(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    pricing = {"judge-invalid-1": {"input": 1.0, "output": 1.0}}
    judge = await connect(owner, "openai", fake_llm, pricing=pricing)
    result = await grade(app, owner, [rubric(judge, "polite", model="judge-invalid-1")], "hello")
    assert result.status == "error"
    assert result.reason == "Could not extract JSON from llm-rubric response"
    assert result.grading_cost_usd is not None and result.grading_cost_usd > 0


async def test_a_judge_without_a_price_leaves_the_grading_cost_unknown(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    judge = await connect(owner, "openai", fake_llm)
    result = await grade(app, owner, [rubric(judge, "hello", model="fake-chat")], "hello")
    assert result.status == "passed" and result.grading_cost_usd is None


async def test_a_judge_on_anthropic_works_and_a_failing_judge_is_an_error(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    claude = await connect(owner, "anthropic", fake_llm)
    result = await grade(app, owner, [rubric(claude, "Paris", model="claude-haiku-4-5")], "It is Paris.")
    assert result.status == "passed", result
    assert fake_llm.calls("claude-haiku-4-5")[-1]["json"]["system"] == GRADING_SYSTEM_PROMPT
    broken = await grade(app, owner, [rubric(claude, "Paris", model="fail-401-judge")], "Paris")
    assert broken.status == "error" and "refused the API key" in broken.reason


async def test_a_judge_on_another_projects_connection_is_an_error(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner, stranger = await factory.account(), await factory.account()
    theirs = await connect(stranger, "openai", fake_llm)
    result = await grade(app, owner, [rubric(theirs, "Paris")], "Paris")
    assert result.status == "error" and "not found in this project" in result.reason


async def test_rubric_values_are_templates(app: FastAPI, factory: Any, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    judge = await connect(owner, "openai", fake_llm)
    result = await grade(
        app, owner, [rubric(judge, "{{ city }}")], "We ship to Lyon.", variables={"city": "Lyon"}
    )
    assert result.status == "passed"


async def test_similar_passes_fails_and_not_similar(app: FastAPI, factory: Any, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    embedder = await connect(
        owner, "openai", fake_llm, pricing={"text-embedding-3-small": {"input": 0.02, "output": 0.0}}
    )
    same = await grade(app, owner, [similar(embedder, "the quick brown fox")], "The quick brown fox")
    assert same.status == "passed" and same.score > 0.99
    assert same.assertions[0].reason.startswith("Similarity 1.00 is greater than or equal to threshold 0.75")
    assert same.grading_cost_usd == cost_usd(
        price_for("text-embedding-3-small", {"text-embedding-3-small": {"input": 0.02, "output": 0.0}}), 8, 0
    )
    request = fake_llm.calls("text-embedding-3-small")[-1]["json"]
    assert request["input"] == ["The quick brown fox", "the quick brown fox"]
    assert request["encoding_format"] == "float"

    different = await grade(app, owner, [similar(embedder, "zebra")], "The quick brown fox")
    assert different.status == "failed" and different.score < 0.75
    assert different.reason.startswith("Similarity") and "is less than threshold 0.75" in different.reason

    dissimilar = await grade(app, owner, [{**similar(embedder, "zebra"), "type": "not-similar"}], "quick fox")
    assert dissimilar.status == "passed"
    not_similar = {**similar(embedder, "quick fox"), "type": "not-similar"}
    too_close = await grade(app, owner, [not_similar], "quick fox")
    assert too_close.status == "failed" and too_close.score < 0.01

    any_of = await grade(app, owner, [similar(embedder, ["zebra", "quick fox"], threshold=0.9)], "quick fox")
    assert any_of.status == "passed"
    none_of = await grade(app, owner, [similar(embedder, ["zebra", "lion"], threshold=0.9)], "quick fox")
    assert none_of.reason == "None of the provided values met the similarity threshold"


async def test_similar_on_a_connection_without_embeddings_is_an_error(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    claude = await connect(owner, "anthropic", fake_llm)
    result = await grade(app, owner, [similar(claude, "hello", model="claude-haiku-4-5")], "hello")
    assert result.status == "error"
    assert "has no embeddings endpoint" in result.reason and result.reason.startswith("similar: ")
    echo = await connect(owner, "echo")
    echoed = await grade(app, owner, [similar(echo, "hello", model="echo")], "hello")
    assert echoed.status == "error" and "echo provider has no embeddings endpoint" in echoed.reason


async def test_model_graded_shorthands_use_the_default_provider(
    app: FastAPI, factory: Any, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    judge = await connect(owner, "openai", fake_llm)
    default = ProviderRef(uuid.UUID(judge["id"]), "gpt-4o-mini")
    specs, threshold = item_assertions("llm-rubric: Paris", {}, default)
    calls = EvalModelCalls(app.state.resources, uuid.UUID(owner.project_id), asyncio.Semaphore(2))
    result = await grade_case(specs, Case("in Paris", {}, None, 1, 0.0), threshold, calls, app.state.renderer)
    assert result.status == "passed"
