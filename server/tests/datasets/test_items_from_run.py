"""`items/from-run`: a playground run's variables become the input and its output the expected value;
the run must be in the same project and have completed with an output."""

from __future__ import annotations

from typing import Any

from test_datasets_api import datasets_url, make_dataset, problem

from conftest import Account, Factory
from fake_llm import FakeLLM, connect


async def make_run(owner: Account, provider: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs", json={"provider_id": provider["id"], **body}
    )
    run: dict[str, Any] = response.json()
    return run


async def test_a_run_becomes_an_item(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/prompts",
        json={"name": "greet", "kind": "text", "template": "Hello {{ name }} from {{ city }}"},
    )
    run = await make_run(
        owner, provider, prompt={"name": "greet"}, variables={"name": "Ada", "city": "London"}, model="gpt-4o"
    )
    assert run["status"] == "completed", run
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"

    response = await owner.client.post(
        f"{url}/items/from-run", json={"run_id": run["id"], "metadata": {"why": "good answer"}}
    )

    assert response.status_code == 201, response.text
    item = response.json()
    assert item["input"] == {"name": "Ada", "city": "London"}
    assert item["expected"] == run["output"] == "Hello from fake OpenAI. You said: Hello Ada from London"
    assert item["metadata"] == {"why": "good answer"}
    assert item["source_run_id"] == run["id"] and item["version"] == 1
    [listed] = (await owner.client.get(f"{url}/items")).json()["items"]
    assert listed == item
    assert (await owner.client.get(url)).json()["item_count"] == 1
    log = (await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log")).json()["items"]
    assert log[0]["action"] == "dataset.item_from_run" and log[0]["data"]["run_id"] == run["id"]
    # An edit keeps where the item came from.
    edited = await owner.client.patch(f"{url}/items/{item['id']}", json={"expected": "Hi Ada"})
    assert edited.json()["source_run_id"] == run["id"]


async def test_a_draft_run_without_variables(factory: Factory) -> None:
    owner = await factory.account()
    echo = await connect(owner, "echo")
    run = await make_run(owner, echo, template="Just text")
    await make_dataset(owner)
    response = await owner.client.post(f"{datasets_url(owner)}/qa/items/from-run", json={"run_id": run["id"]})
    assert response.status_code == 201, response.text
    assert response.json()["input"] == {} and response.json()["expected"] == "Just text"


async def test_a_failed_run_has_no_output_to_copy(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)
    failed = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs",
        json={
            "provider_id": provider["id"],
            "template": "Hi {{ x }}",
            "variables": {"x": 1},
            "model": "fail-400",
        },
    )
    assert failed.status_code >= 400
    [run] = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")).json()["items"]
    assert run["status"] == "failed"
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    body = problem(await owner.client.post(f"{url}/items/from-run", json={"run_id": run["id"]}), 409)
    assert body["code"] == "run_without_output" and "failed" in body["detail"]
    assert (await owner.client.get(url)).json()["version"] == 0


async def test_a_run_of_another_project_is_404(factory: Factory) -> None:
    owner = await factory.account()
    stranger = await factory.account()
    echo = await connect(stranger, "echo")
    foreign = await make_run(stranger, echo, template="secret")
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    body = problem(await owner.client.post(f"{url}/items/from-run", json={"run_id": foreign["id"]}), 404)
    assert body["detail"] == "Run not found."
    # Another project of the same workspace is another project too.
    other = await owner.client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/projects", json={"name": "Other", "slug": "other"}
    )
    other_project = other.json()["id"]
    own_echo = await owner.client.post(
        f"/api/v1/projects/{other_project}/providers", json={"name": "echo", "kind": "echo"}
    )
    run = await owner.client.post(
        f"/api/v1/projects/{other_project}/runs", json={"provider_id": own_echo.json()["id"], "template": "x"}
    )
    problem(await owner.client.post(f"{url}/items/from-run", json={"run_id": run.json()["id"]}), 404)
    missing = "0190d4f5-0000-7000-8000-000000000000"
    problem(await owner.client.post(f"{url}/items/from-run", json={"run_id": missing}), 404)
    problem(await owner.client.post(f"{url}/items/from-run", json={"run_id": "nope"}), 422)


async def test_run_variables_too_large_for_an_item_are_422(factory: Factory) -> None:
    owner = await factory.account()
    echo = await connect(owner, "echo")
    variables = {f"v{n}": n for n in range(201)}  # more variables than an item may hold
    run = await make_run(owner, echo, template="{{ v0 }}", variables=variables)
    assert run["status"] == "completed", run
    await make_dataset(owner)
    body = problem(
        await owner.client.post(f"{datasets_url(owner)}/qa/items/from-run", json={"run_id": run["id"]}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "run_id"]
