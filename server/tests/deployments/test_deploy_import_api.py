"""Deploy gates on prompt import (POST .../import): every gated label move of the file is checked
before anything is written; labels wanting approval become pending deployments in the report."""

from __future__ import annotations

from typing import Any

from gate_setup import gated_project

from conftest import Factory
from fake_llm import FakeLLM


def document(name: str, labels: dict[str, int], versions: int = 1) -> dict[str, Any]:
    return {
        "prompts": [
            {
                "name": name,
                "kind": "text",
                "versions": [{"number": n, "template": f"v{n} {{{{ q }}}}"} for n in range(1, versions + 1)],
                "labels": labels,
            }
        ]
    }


async def test_a_failing_gate_writes_nothing(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    await gated.policy({"production": {"require_evaluation": gated.rule(0.9)}})
    url = f"{gated.project}/import"
    # a new prompt and the gated label in one file: refused as a whole, the prompt is not created
    doc = document("fresh", {"production": 1, "staging": 1})
    for mode in ("dry-run", "merge"):
        refused = await owner.client.post(url, json=doc, params={"mode": mode})
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "deploy_gate_failed" and refused.json()["reason"] == "no_evaluation"
    assert (await owner.client.get(f"{gated.project}/prompts/fresh")).status_code == 404

    # an existing prompt whose version 1 passed: the move goes through and is recorded
    await gated.evaluate(1)
    exported = (await owner.client.get(f"{gated.project}/export")).json()
    entry = next(p for p in exported["prompts"] if p["name"] == gated.prompt)
    entry["labels"] = {"production": 1}
    done = await owner.client.post(url, json={"prompts": [entry]})
    assert done.status_code == 200, done.text
    assert done.json()["prompts"][0]["labels_moved"] == ["production"] and done.json()["deployments"] == []
    assert await gated.labels() == {"production": 1}
    listed = (await owner.client.get(f"{gated.project}/deployments")).json()["items"]
    assert [(d["status"], d["to_version"]) for d in listed] == [("deployed", 1)]


async def test_labels_wanting_approval_are_pending_while_versions_import(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    gated = await gated_project(owner, fake_llm)
    await gated.policy({"production": {"require_approval": True}})
    report = await owner.client.post(
        f"{gated.project}/import", json=document("imported", {"production": 2, "staging": 2}, versions=2)
    )
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["prompts"][0]["status"] == "created" and body["prompts"][0]["versions_added"] == 2
    assert body["prompts"][0]["labels_moved"] == ["staging"]
    [pending] = body["deployments"]
    assert pending["status"] == "pending" and pending["prompt"] == "imported" and pending["to_version"] == 2
    labels = (await owner.client.get(f"{gated.project}/prompts/imported/labels")).json()["items"]
    assert {lb["name"]: lb["version"] for lb in labels} == {"staging": 2}

    approved = await admin.client.post(f"{gated.project}/deployments/{pending['id']}/approve")
    assert approved.status_code == 200, approved.text
    labels = (await owner.client.get(f"{gated.project}/prompts/imported/labels")).json()["items"]
    assert {lb["name"]: lb["version"] for lb in labels} == {"production": 2, "staging": 2}
