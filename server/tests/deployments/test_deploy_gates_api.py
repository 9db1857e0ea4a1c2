"""The evaluation rule and the rollback rule of a deploy gate, on PUT .../labels/{label}: missing,
too low, stale, another dataset version, a pinned version, rollback with and without the policy."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from gate_setup import gated_project
from sqlalchemy import update

from conftest import Factory
from fake_llm import FakeLLM
from promptforge.core.db import utcnow
from promptforge.evaluations.models import Evaluation


def assert_gate_failed(response: Any, reason: str) -> dict[str, Any]:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["code"] == "deploy_gate_failed" and problem["reason"] == reason, problem
    return problem


async def test_a_move_without_any_evaluation_is_refused(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9)}})
    problem = assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": 1}), "no_evaluation"
    )
    assert "there is no evaluation" in problem["detail"] and gated.dataset in problem["detail"]
    assert problem["best_evaluation"] is None
    assert problem["requirement"] == {
        "dataset": gated.dataset,
        "dataset_version": None,
        "min_pass_rate": 0.9,
        "max_age_hours": None,
    }
    assert await gated.labels() == {}
    # labels outside the policy move as before, without a deployment record
    assert (await owner.client.put(gated.label_url("staging"), json={"version": 1})).status_code == 200
    listed = (await owner.client.get(f"{gated.project}/deployments")).json()
    assert listed["items"] == []


async def test_a_gate_on_an_empty_dataset_says_it_needs_items(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    made = await owner.client.post(f"{gated.project}/datasets", json={"name": "still-empty"})
    assert made.status_code == 201, made.text
    await gated.policy(
        {"production": {"require_evaluation": {"dataset": "still-empty", "min_pass_rate": 0.5}}}
    )
    problem = assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": 1}), "no_evaluation"
    )
    assert "'still-empty', which has no items yet" in problem["detail"], problem["detail"]
    assert "version 0" not in problem["detail"]


async def test_a_low_pass_rate_is_refused_and_a_good_one_deploys(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm, passing=3, failing=1)
    evaluation = await gated.evaluate(1)  # pass rate 3/4
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9)}})
    problem = assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": 1}), "pass_rate_too_low"
    )
    assert "pass rate 0.75 < 0.9" in problem["detail"]
    assert problem["best_evaluation"]["id"] == evaluation["id"]
    assert problem["best_evaluation"]["pass_rate"] == 0.75
    linked = await owner.client.get(problem["best_evaluation"]["url"])  # the link leads to that evaluation
    assert linked.status_code == 200 and linked.json()["id"] == evaluation["id"]
    assert problem["best_evaluation"]["dataset_version"] == 1

    # an evaluation of another version does not count for version 2
    v2 = await gated.new_version("Answer: {{ q }}")
    await gated.policy({"production": {"require_evaluation": gated.rule(0.7)}})
    assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": v2}), "no_evaluation"
    )

    moved = await owner.client.put(gated.label_url("production"), json={"version": 1})
    assert moved.status_code == 200, moved.text
    assert moved.json()["name"] == "production" and moved.json()["version"] == 1
    deployments = (await owner.client.get(f"{gated.project}/deployments")).json()["items"]
    assert len(deployments) == 1
    recorded = deployments[0]
    assert recorded["status"] == "deployed" and recorded["evaluation_id"] == evaluation["id"]
    assert recorded["from_version"] is None and recorded["to_version"] == 1 and recorded["rollback"] is False
    assert recorded["requested_by"] == owner.email and recorded["requested_by_user_id"] == str(owner.user_id)


async def test_a_stale_evaluation_is_refused(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    evaluation = await gated.evaluate(1)
    async with factory.app.state.sessionmaker() as session:  # it finished three hours ago
        await session.execute(
            update(Evaluation)
            .where(Evaluation.id == uuid.UUID(evaluation["id"]))
            .values(finished_at=utcnow() - timedelta(hours=3))
        )
        await session.commit()
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9, max_age_hours=2)}})
    problem = assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": 1}), "evaluation_too_old"
    )
    assert "3 h ago (older than 2 h)" in problem["detail"]
    assert problem["best_evaluation"]["id"] == evaluation["id"]
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9, max_age_hours=4)}})
    assert (await owner.client.put(gated.label_url("production"), json={"version": 1})).status_code == 200


async def test_the_dataset_version_must_match_unless_pinned(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    evaluation = await gated.evaluate(1)  # on dataset version 1
    await gated.setup.add_items([{"input": {"q": "one more"}}])  # the dataset is now at version 2
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9)}})
    problem = assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": 1}), "no_evaluation"
    )
    assert "dataset version differs" in problem["detail"] and "version 2" in problem["detail"]
    assert problem["best_evaluation"]["dataset_version"] == 1

    await gated.policy({"production": {"require_evaluation": gated.rule(0.9, dataset_version=1)}})
    moved = await owner.client.put(gated.label_url("production"), json={"version": 1})
    assert moved.status_code == 200, moved.text
    listed = (await owner.client.get(f"{gated.project}/deployments", params={"label": "production"})).json()
    assert listed["items"][0]["evaluation_id"] == evaluation["id"]


async def test_a_rollback_skips_the_evaluation_and_is_recorded(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    v2 = await gated.new_version("Answer: {{ q }}")
    assert (await owner.client.put(gated.label_url("production"), json={"version": 1})).status_code == 200
    await gated.evaluate(v2)
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9)}})
    assert (await owner.client.put(gated.label_url("production"), json={"version": v2})).status_code == 200

    back = await owner.client.put(gated.label_url("production"), json={"version": 1})  # v1 has no evaluation
    assert back.status_code == 200, back.text
    assert await gated.labels() == {"production": 1}
    latest = (await owner.client.get(f"{gated.project}/deployments")).json()["items"][0]
    assert latest["rollback"] is True and latest["evaluation_id"] is None and latest["status"] == "deployed"
    assert latest["from_version"] == v2 and latest["to_version"] == 1

    # with rollbacks disallowed, the same move needs an evaluation
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9), "allow_rollback": False}})
    assert (await owner.client.put(gated.label_url("production"), json={"version": v2})).status_code == 200
    assert_gate_failed(
        await owner.client.put(gated.label_url("production"), json={"version": 1}), "no_evaluation"
    )
    assert await gated.labels() == {"production": v2}
