"""The deploy policy: reading, replacing, validation, who may write it, and tenant isolation of
policies and deployments."""

from __future__ import annotations

from gate_setup import gated_project

from conftest import Factory
from fake_llm import FakeLLM


async def test_policy_round_trip_and_validation(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    url = f"{gated.project}/deploy-policy"
    empty = (await owner.client.get(url)).json()
    assert empty == {"labels": {}, "updated_at": None, "updated_by": None}
    saved = await gated.policy(
        {"production": {"require_evaluation": gated.rule(0.9, max_age_hours=168), "require_approval": True}}
    )
    assert saved["updated_by"] == owner.email and saved["updated_at"] is not None
    assert saved["labels"]["production"] == {
        "require_evaluation": {
            "dataset": gated.dataset,
            "dataset_version": None,
            "min_pass_rate": 0.9,
            "max_age_hours": 168,
        },
        "require_approval": True,
        "allow_rollback": True,
    }
    assert (await owner.client.get(url)).json() == saved

    async def refused(labels: object) -> dict[str, object]:
        response = await owner.client.put(url, json={"labels": labels})
        assert response.status_code == 422, response.text
        body: dict[str, object] = response.json()
        return body

    unknown = await refused({"production": {"require_evaluation": {"dataset": "nope", "min_pass_rate": 0.5}}})
    assert unknown["errors"][0]["loc"] == ["body", "labels", "production", "require_evaluation", "dataset"]  # type: ignore[index]
    assert "labels.production.require_evaluation.dataset" in str(unknown["detail"])
    await refused({"latest": {"require_approval": True}})
    await refused({"Not A Label": {}})
    await refused({f"l{i}": {} for i in range(21)})
    await refused({"production": {"require_evaluation": gated.rule(1.5)}})
    await refused({"production": {"require_evaluation": gated.rule(0.5, max_age_hours=0)}})
    await refused({"production": {"require_evaluation": gated.rule(0.5, dataset_version=9)}})
    assert (await owner.client.get(url)).json() == saved  # nothing changed
    assert (await gated.policy({}))["labels"] == {}

    log = (await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log")).json()["items"]
    assert any(e["action"] == "deploy_policy.updated" for e in log)


async def test_only_admins_write_the_policy(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    url = f"{gated.project}/deploy-policy"
    body = {"labels": {"production": {"require_approval": True}}}
    editor = await factory.member(owner, "editor")
    viewer = await factory.member(owner, "viewer")
    admin = await factory.member(owner, "admin")
    key = await factory.api_key(owner, "editor")
    for client in (editor.client, key):
        assert (await client.put(url, json=body)).status_code == 403
    assert (await admin.client.put(url, json=body)).status_code == 200
    for client in (viewer.client, key):
        assert (await client.get(url)).json()["labels"]["production"]["require_approval"] is True


async def test_another_workspace_sees_nothing(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    gated = await gated_project(owner, fake_llm)
    await gated.policy({"production": {"require_approval": True}})
    pending = await owner.client.put(gated.label_url("production"), json={"version": 1})
    assert pending.status_code == 202
    deployment = f"{gated.project}/deployments/{pending.json()['id']}"
    stranger = await factory.account()
    for method, path in (
        ("GET", f"{gated.project}/deploy-policy"),
        ("PUT", f"{gated.project}/deploy-policy"),
        ("GET", f"{gated.project}/deployments"),
        ("GET", deployment),
        ("POST", f"{deployment}/approve"),
        ("POST", f"{deployment}/reject"),
    ):
        body = {"labels": {}} if method == "PUT" else None
        response = await stranger.client.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
    # the stranger's own project does not list the deployment either, nor finds it by id
    own = f"/api/v1/projects/{stranger.project_id}/deployments"
    assert (await stranger.client.get(own)).json()["items"] == []
    assert (await stranger.client.get(f"{own}/{pending.json()['id']}")).status_code == 404
    other_key = await factory.api_key(stranger, "editor")
    assert (await other_key.get(deployment)).status_code == 404
