"""Approval of gated label moves: 202 with a pending deployment, the requester cannot decide, another
admin approves (the label moves, resolve serves it) or rejects, newer requests supersede older ones,
approval re-checks the evaluation rule, and an API key's request."""

from __future__ import annotations

import uuid
from typing import Any

from gate_setup import gated_project
from sqlalchemy import select

from conftest import Factory
from fake_llm import FakeLLM
from promptforge.core.outbox import ProjectEvent


async def deployment_events(factory: Factory, project_id: str) -> list[tuple[str, str, str]]:
    """(type, deployment id, status) of the project's outbox events about deployments, in order."""
    async with factory.app.state.sessionmaker() as session:
        rows = await session.scalars(
            select(ProjectEvent)
            .where(ProjectEvent.project_id == uuid.UUID(project_id), ProjectEvent.type.like("deployment.%"))
            .order_by(ProjectEvent.id)
        )
        return [(e.type, e.data["deployment"]["id"], e.data["deployment"]["status"]) for e in rows]


def deployment_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "pending", body
    return body


async def test_another_admin_approves_and_the_label_moves(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    gated = await gated_project(owner, fake_llm)
    await gated.policy({"production": {"require_approval": True}})
    pending = deployment_of(await owner.client.put(gated.label_url("production"), json={"version": 1}))
    assert pending["prompt"] == gated.prompt and pending["label"] == "production"
    assert pending["to_version"] == 1 and pending["from_version"] is None
    assert pending["requested_by"] == owner.email and pending["decided_by"] is None
    assert await gated.labels() == {}  # not moved yet
    listed = (await admin.client.get(f"{gated.project}/deployments", params={"status": "pending"})).json()
    assert [d["id"] for d in listed["items"]] == [pending["id"]]

    url = f"{gated.project}/deployments/{pending['id']}"
    own = await owner.client.post(f"{url}/approve")
    assert own.status_code == 403 and own.json()["code"] == "approval_by_requester", own.text
    assert (await owner.client.post(f"{url}/reject")).json()["code"] == "approval_by_requester"

    approved = await admin.client.post(f"{url}/approve", json={"comment": "looks good"})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (
        body["status"] == "approved" and body["decided_by"] == admin.email and body["comment"] == "looks good"
    )
    assert body["decided_at"] is not None
    assert await gated.labels() == {"production": 1}
    key = await factory.api_key(owner, "viewer")
    resolved = await key.get(
        f"{gated.project}/prompts/{gated.prompt}/resolve", params={"label": "production"}
    )
    assert resolved.status_code == 200 and resolved.json()["version"] == 1
    history = (await owner.client.get(f"{gated.label_url('production')}/history")).json()["items"]
    assert history[0]["actor_label"] == admin.email and history[0]["to_version"] == 1

    assert await deployment_events(factory, owner.project_id) == [
        ("deployment.pending", pending["id"], "pending"),
        ("deployment.approved", pending["id"], "approved"),
    ]

    again = await admin.client.post(f"{url}/approve")
    assert again.status_code == 409 and again.json()["code"] == "deployment_not_pending"
    assert (await owner.client.get(url)).json()["status"] == "approved"


async def test_rejected_and_superseded_requests_leave_the_label(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    gated = await gated_project(owner, fake_llm)
    v2 = await gated.new_version("Answer: {{ q }}")
    await gated.policy({"production": {"require_approval": True}})
    first = deployment_of(await owner.client.put(gated.label_url("production"), json={"version": 1}))
    second = deployment_of(await owner.client.put(gated.label_url("production"), json={"version": v2}))
    old = (await owner.client.get(f"{gated.project}/deployments/{first['id']}")).json()
    assert old["status"] == "superseded"
    superseded = await admin.client.post(f"{gated.project}/deployments/{first['id']}/approve")
    assert superseded.status_code == 409 and superseded.json()["code"] == "deployment_not_pending"

    rejected = await admin.client.post(
        f"{gated.project}/deployments/{second['id']}/reject", json={"comment": "not before Monday"}
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected" and rejected.json()["comment"] == "not before Monday"
    assert await gated.labels() == {}
    assert await deployment_events(factory, owner.project_id) == [
        ("deployment.pending", first["id"], "pending"),
        ("deployment.pending", second["id"], "pending"),
        ("deployment.rejected", second["id"], "rejected"),
    ]
    too_long = await admin.client.post(
        f"{gated.project}/deployments/{second['id']}/reject", json={"comment": "x" * 1001}
    )
    assert too_long.status_code == 422


async def test_approval_rechecks_the_evaluation_rule(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    gated = await gated_project(owner, fake_llm, passing=3, failing=1)
    evaluation = await gated.evaluate(1)  # 0.75
    await gated.policy({"production": {"require_evaluation": gated.rule(0.7), "require_approval": True}})
    pending = deployment_of(await owner.client.put(gated.label_url("production"), json={"version": 1}))
    assert pending["evaluation_id"] == evaluation["id"]
    await gated.policy({"production": {"require_evaluation": gated.rule(0.8), "require_approval": True}})
    url = f"{gated.project}/deployments/{pending['id']}"
    refused = await admin.client.post(f"{url}/approve")
    assert refused.status_code == 409 and refused.json()["code"] == "deploy_gate_failed", refused.text
    assert refused.json()["reason"] == "pass_rate_too_low"
    assert (await owner.client.get(url)).json()["status"] == "pending"
    assert await gated.labels() == {}


async def test_a_key_request_is_approved_by_an_admin_and_editors_cannot_decide(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    editor = await factory.member(owner, "editor")
    gated = await gated_project(owner, fake_llm)
    await gated.policy({"staging": {"require_approval": True}})
    key = await factory.api_key(owner, "editor")
    pending = deployment_of(await key.put(gated.label_url("staging"), json={"version": 1}))
    assert pending["requested_by"] == "api_key:editor-key" and pending["requested_by_user_id"] is None
    url = f"{gated.project}/deployments/{pending['id']}"
    for client in (editor.client, key):
        refused = await client.post(f"{url}/approve")
        assert refused.status_code == 403, refused.text
    assert (await key.get(url)).status_code == 200  # keys read deployments
    assert (await key.get(f"{gated.project}/deploy-policy")).json()["labels"]["staging"]["require_approval"]
    approved = await owner.client.post(f"{url}/approve")
    assert approved.status_code == 200, approved.text
    assert await gated.labels() == {"staging": 1}
