"""Deploy gates on the Langfuse-compatible API: `labels` on create and `newLabels` on a version move
labels too, so a failing evaluation rule refuses them and an approval rule leaves them pending,
named in the `Prompt-Forge-Pending-Deployments` header (Langfuse's answer has no field for it)."""

from __future__ import annotations

import httpx
from gate_setup import gated_project

from conftest import Factory, new_client
from fake_llm import FakeLLM
from langfuse_server import new_key

PUBLIC = "/api/public/v2/prompts"
PENDING = "Prompt-Forge-Pending-Deployments"


async def test_langfuse_label_moves_pass_the_gate(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    gated = await gated_project(owner, fake_llm)
    keys = await new_key(owner, "editor")  # keys move unprotected labels only
    lf = new_client(factory.app)
    lf.auth = httpx.BasicAuth(keys.public_key, keys.secret)
    factory.clients.append(lf)

    await gated.policy({"canary": {"require_evaluation": gated.rule(0.9)}})
    refused = await lf.patch(f"{PUBLIC}/{gated.prompt}/versions/1", json={"newLabels": ["canary"]})
    assert refused.status_code == 409, refused.text
    assert "no evaluation" in refused.json()["message"]
    created = await lf.post(PUBLIC, json={"name": gated.prompt, "prompt": "v2 {{ q }}", "labels": ["canary"]})
    assert created.status_code == 409, created.text
    assert await gated.labels() == {}
    versions = (await owner.client.get(f"{gated.project}/prompts/{gated.prompt}/versions")).json()["items"]
    assert [v["number"] for v in versions] == [1]  # the refused create wrote no version either

    await gated.policy({"canary": {"require_approval": True}})
    moved = await lf.patch(f"{PUBLIC}/{gated.prompt}/versions/1", json={"newLabels": ["canary", "staging"]})
    assert moved.status_code == 200, moved.text
    assert sorted(moved.json()["labels"]) == ["latest", "staging"]  # canary awaits approval
    [pending_id] = moved.headers[PENDING].split(",")
    deployment = (await owner.client.get(f"{gated.project}/deployments/{pending_id}")).json()
    assert (deployment["status"], deployment["label"], deployment["to_version"]) == (
        "pending",
        "canary",
        1,
    )
    assert (
        PENDING not in (await lf.patch(f"{PUBLIC}/{gated.prompt}/versions/1", json={"newLabels": []})).headers
    )

    approved = await admin.client.post(f"{gated.project}/deployments/{pending_id}/approve")
    assert approved.status_code == 200, approved.text
    assert await gated.labels() == {"canary": 1, "staging": 1}
