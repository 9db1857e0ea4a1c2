"""Creating, listing and reading evaluations through the API: what is pinned, every 422 naming its
field, paging and filters, and who may see or touch what."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from eval_setup import evaluation_setup

from conftest import Factory
from fake_llm import FakeLLM, connect


def _loc(response: Any) -> list[Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    loc: list[Any] = response.json()["errors"][0]["loc"]
    return loc


async def test_create_answers_queued_with_the_pinned_matrix(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    body = setup.body()
    body["variants"].append(
        {
            "name": "v2",
            "prompt": {"name": setup.prompt, "version": 1},
            "provider_id": setup.provider_id,
            "model": "gpt-4o",
            "params": {"temperature": 0},
        }
    )
    response = await owner.client.post(setup.url, json=body)
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] == "queued"
    assert created["progress"] == {"done": 0, "total": 6, "passed": 0, "failed": 0, "errors": 0}
    assert created["dataset"]["name"] == setup.dataset and created["dataset"]["version"] == 1
    assert [v["name"] for v in created["variants"]] == ["v1", "v2"]
    assert created["variants"][0]["prompt"] == {"name": setup.prompt, "version": 1, "label": "latest"}
    assert created["variants"][1]["prompt"] == {"name": setup.prompt, "version": 1, "label": None}
    assert created["variants"][1]["params"] == {"temperature": 0}
    assert created["assertions"][0]["type"] == "icontains"
    assert created["grader"] == {"provider_id": setup.provider_id, "model": "gpt-4o-mini"}
    assert created["passed"] is None and created["created_by"] == owner.email
    finished = await setup.wait(created["id"])
    assert finished["status"] == "completed"


async def test_labels_resolve_at_creation_and_are_recorded(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    prompts = f"/api/v1/projects/{owner.project_id}/prompts/{setup.prompt}"
    await owner.client.post(
        f"{prompts}/versions",
        json={"template": "v2 {{ q }}", "model_config": {"model": "gpt-4o", "temperature": 0.3}},
    )
    assert (await owner.client.put(f"{prompts}/labels/staging", json={"version": 2})).status_code == 200
    body = setup.body()
    body["variants"][0].update(
        prompt={"name": setup.prompt, "label": "staging"}, model=None, params={"max_tokens": 50}
    )
    created = (await owner.client.post(setup.url, json=body)).json()
    variant = created["variants"][0]
    assert variant["prompt"] == {"name": setup.prompt, "version": 2, "label": "staging"}
    # the version's model_config decides the model, and its params merge under the variant's
    assert variant["model"] == "gpt-4o"
    assert variant["params"] == {"temperature": 0.3, "max_tokens": 50}
    # moving the label afterwards changes nothing about this evaluation
    await owner.client.put(f"{prompts}/labels/staging", json={"version": 1})
    finished = await setup.wait(created["id"])
    assert finished["variants"][0]["prompt"]["version"] == 2
    calls = [c for c in fake_llm.calls("gpt-4o") if "v2 " in str(c["json"]["messages"])]
    assert len(calls) == 3 and all(c["json"]["max_completion_tokens"] == 50 for c in calls)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (lambda s, b: b["dataset"].update(name="nope"), ["body", "dataset", "name"]),
        (lambda s, b: b["dataset"].update(version=9), ["body", "dataset", "version"]),
        (lambda s, b: b["dataset"].update(version=0), ["body", "dataset"]),
        (
            lambda s, b: b["variants"][0]["prompt"].update(name="nope"),
            ["body", "variants", 0, "prompt", "name"],
        ),
        (
            lambda s, b: b["variants"][0]["prompt"].update(label="nope"),
            ["body", "variants", 0, "prompt", "label"],
        ),
        (
            lambda s, b: b["variants"][0]["prompt"].update(version=7),
            ["body", "variants", 0, "prompt", "version"],
        ),
        (
            lambda s, b: b["variants"][0].update(provider_id=str(uuid.uuid4())),
            ["body", "variants", 0, "provider_id"],
        ),
        (lambda s, b: b["assertions"].append({"type": "no-such-type"}), ["body", "assertions", 1, "type"]),
        (
            lambda s, b: b["assertions"].append({"type": "regex", "value": "("}),
            ["body", "assertions", 1, "value"],
        ),
        (
            lambda s, b: b["assertions"].append(
                {
                    "type": "llm-rubric",
                    "value": "polite",
                    "provider": {"provider_id": str(uuid.uuid4()), "model": "m"},
                }
            ),
            ["body", "assertions", 1, "provider", "provider_id"],
        ),
        (
            lambda s, b: b.update(grader={"provider_id": str(uuid.uuid4()), "model": "m"}),
            ["body", "grader", "provider_id"],
        ),
        (lambda s, b: b.update(concurrency=51), ["body", "concurrency"]),
        (lambda s, b: b.update(variants=[]), ["body", "variants"]),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    factory: Factory, fake_llm: FakeLLM, change: Any, loc: list[Any]
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    body = setup.body()
    change(setup, body)
    response = await owner.client.post(setup.url, json=body)
    assert _loc(response)[: len(loc)] == loc
    assert (await owner.client.get(setup.url)).json()["items"] == []


async def test_another_projects_provider_is_refused(factory: Factory, fake_llm: FakeLLM) -> None:
    owner, stranger = await factory.account(), await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    theirs = await connect(stranger, "openai", fake_llm)
    body = setup.body()
    body["variants"][0]["provider_id"] = theirs["id"]
    assert _loc(await owner.client.post(setup.url, json=body)) == ["body", "variants", 0, "provider_id"]


async def test_the_result_bound_is_enforced(factory: Factory, fake_llm: FakeLLM, app: Any) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    original = app.state.resources.settings
    app.state.resources.settings = original.model_copy(update={"eval_max_results": 5})
    try:
        body = setup.body()
        body["variants"].append({**body["variants"][0], "name": "v2"})
        response = await owner.client.post(setup.url, json=body)
    finally:
        app.state.resources.settings = original
    assert _loc(response) == ["body", "dataset"]
    assert "PF_EVAL_MAX_RESULTS" in response.json()["detail"]


async def test_list_pages_newest_first_and_filters(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    other_prompt = "other-prompt"
    await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/prompts",
        json={"name": other_prompt, "kind": "text", "template": "{{ q }}"},
    )
    ids = [(await setup.create(name=f"e{i}"))["id"] for i in range(3)]
    body = setup.body(name="on-other")
    body["variants"][0]["prompt"] = {"name": other_prompt}
    other = (await owner.client.post(setup.url, json=body)).json()["id"]
    for evaluation_id in [*ids, other]:
        await setup.wait(evaluation_id)

    first = (await owner.client.get(setup.url, params={"limit": 2})).json()
    assert [e["id"] for e in first["items"]] == [other, ids[2]]
    second = (await owner.client.get(setup.url, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [e["id"] for e in second["items"]] == [ids[1], ids[0]] and second["next_cursor"] is None

    by_prompt = (await owner.client.get(setup.url, params={"prompt": other_prompt})).json()
    assert [e["id"] for e in by_prompt["items"]] == [other]
    completed = (await owner.client.get(setup.url, params={"status": "completed"})).json()
    assert len(completed["items"]) == 4
    assert (await owner.client.get(setup.url, params={"status": "running"})).json()["items"] == []
    assert (await owner.client.get(setup.url, params={"status": "weird"})).status_code == 422


async def test_another_tenants_evaluation_is_404_on_every_route(factory: Factory, fake_llm: FakeLLM) -> None:
    owner, stranger = await factory.account(), await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    evaluation_id = (await setup.create())["id"]
    await setup.wait(evaluation_id)
    theirs = f"/api/v1/projects/{stranger.project_id}/evaluations/{evaluation_id}"
    mine_from_outside = f"{setup.url}/{evaluation_id}"
    for url in (theirs, mine_from_outside):
        assert (await stranger.client.get(url)).status_code == 404
        assert (await stranger.client.post(f"{url}/cancel")).status_code == 404
        assert (await stranger.client.post(f"{url}/retry-errors")).status_code == 404
    assert (await owner.client.get(f"{setup.url}/{uuid.uuid4()}")).status_code == 404
    assert (await stranger.client.get(setup.url.replace(owner.project_id, stranger.project_id))).json()[
        "items"
    ] == []


async def test_viewers_read_but_may_not_write(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    evaluation_id = (await setup.create())["id"]
    viewer = await factory.member(owner, "viewer")
    viewer_key = await factory.api_key(owner, "viewer")
    for client in (viewer.client, viewer_key):
        assert (await client.get(f"{setup.url}/{evaluation_id}")).status_code == 200
        assert (await client.post(setup.url, json=setup.body())).status_code == 403
        assert (await client.post(f"{setup.url}/{evaluation_id}/cancel")).status_code == 403
        assert (await client.post(f"{setup.url}/{evaluation_id}/retry-errors")).status_code == 403
    editor_key = await factory.api_key(owner, "editor")
    assert (await editor_key.post(setup.url, json=setup.body())).status_code == 202
    await setup.wait(evaluation_id)


async def test_finished_evaluations_refuse_cancel_and_empty_retries(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    evaluation_id = (await setup.create())["id"]
    finished = await setup.wait(evaluation_id)
    assert finished["status"] == "completed" and finished["progress"]["errors"] == 0
    cancel = await owner.client.post(f"{setup.url}/{evaluation_id}/cancel")
    assert cancel.status_code == 409 and "completed" in cancel.json()["detail"]
    retry = await owner.client.post(f"{setup.url}/{evaluation_id}/retry-errors")
    assert retry.status_code == 409 and retry.json()["code"] == "nothing_to_retry"


async def test_creation_is_audited(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    evaluation_id = (await setup.create())["id"]
    await setup.wait(evaluation_id)
    log = (await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log")).json()["items"]
    created = [e for e in log if e["action"] == "evaluation.created"]
    assert created and created[0]["target_id"] == evaluation_id
