"""Datasets through the API: create, list, get, rename, delete, the name rule, uniqueness, the bounds
on items (count per call, size, shape, variables, capacity) and the audit trail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import Account, Factory
from fake_llm import provider_settings


def datasets_url(owner: Account) -> str:
    return f"/api/v1/projects/{owner.project_id}/datasets"


async def make_dataset(owner: Account, name: str = "qa", **fields: Any) -> dict[str, Any]:
    response = await owner.client.post(datasets_url(owner), json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def add_items(client: httpx.AsyncClient, url: str, items: list[dict[str, Any]]) -> httpx.Response:
    return await client.post(f"{url}/items", json={"items": items})


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


async def test_create_get_list_and_delete(factory: Factory) -> None:
    owner = await factory.account()
    created = await make_dataset(owner, "support-cases", description="Tickets from March")
    assert created["name"] == "support-cases"
    assert created["description"] == "Tickets from March"
    assert created["item_count"] == 0 and created["version"] == 0
    assert created["project_id"] == owner.project_id
    assert set(created) >= {"id", "created_at", "updated_at"}

    fetched = await owner.client.get(f"{datasets_url(owner)}/support-cases")
    assert fetched.status_code == 200 and fetched.json() == created
    await make_dataset(owner, "other")
    listed = (await owner.client.get(datasets_url(owner))).json()
    assert [d["name"] for d in listed["items"]] == ["other", "support-cases"]  # newest first
    assert listed["next_cursor"] is None
    searched = (await owner.client.get(datasets_url(owner), params={"q": "MARCH"})).json()
    assert [d["name"] for d in searched["items"]] == ["support-cases"]

    deleted = await owner.client.delete(f"{datasets_url(owner)}/support-cases")
    assert deleted.status_code == 204 and deleted.content == b""
    problem(await owner.client.get(f"{datasets_url(owner)}/support-cases"), 404)
    problem(await owner.client.delete(f"{datasets_url(owner)}/support-cases"), 404)
    problem(await owner.client.get(f"{datasets_url(owner)}/support-cases/items"), 404)


async def test_list_is_paged(factory: Factory) -> None:
    owner = await factory.account()
    for n in range(5):
        await make_dataset(owner, f"d{n}")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await owner.client.get(datasets_url(owner), params=params)).json()
        assert len(page["items"]) <= 2
        seen += [d["name"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["d4", "d3", "d2", "d1", "d0"]
    problem(await owner.client.get(datasets_url(owner), params={"limit": 101}), 422)


@pytest.mark.parametrize("name", ["Upper", "-dash-first", "has space", "a" * 129, "", "ünï", "a/b"])
async def test_names_follow_the_prompt_name_rule(factory: Factory, name: str) -> None:
    owner = await factory.account()
    body = problem(await owner.client.post(datasets_url(owner), json={"name": name}), 422)
    assert body["errors"][0]["loc"] == ["body", "name"]
    renamed = await owner.client.patch(
        f"{datasets_url(owner)}/{(await make_dataset(owner))['name']}", json={"name": name}
    )
    assert problem(renamed, 422)["errors"][0]["loc"] == ["body", "name"]


async def test_names_are_unique_per_project(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner, "qa")
    body = problem(await owner.client.post(datasets_url(owner), json={"name": "qa"}), 409)
    assert body["code"] == "dataset_exists"
    await make_dataset(owner, "qa-2")
    body = problem(await owner.client.patch(f"{datasets_url(owner)}/qa-2", json={"name": "qa"}), 409)
    assert body["code"] == "dataset_exists"
    # Another project (here: another workspace) may use the same name.
    other = await factory.account()
    await make_dataset(other, "qa")


async def test_description_is_bounded(factory: Factory) -> None:
    owner = await factory.account()
    body = problem(
        await owner.client.post(datasets_url(owner), json={"name": "x", "description": "d" * 2001}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "description"]
    nul = await owner.client.post(datasets_url(owner), json={"name": "x", "description": "a\u0000b"})
    assert problem(nul, 422)["errors"][0]["loc"] == ["body", "description"]


async def test_rename_keeps_items_and_history(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner, "old-name")
    url = f"{datasets_url(owner)}/old-name"
    created = await add_items(owner.client, url, [{"input": {"q": "1"}, "expected": "one"}])
    item_id = created.json()["ids"][0]
    await owner.client.patch(f"{url}/items/{item_id}", json={"expected": "uno"})

    renamed = await owner.client.patch(url, json={"name": "new-name", "description": "renamed"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "new-name" and renamed.json()["description"] == "renamed"
    assert renamed.json()["version"] == 2  # renaming changes no item: no new version
    problem(await owner.client.get(url), 404)
    new_url = f"{datasets_url(owner)}/new-name"
    v1 = (await owner.client.get(f"{new_url}/items", params={"version": 1})).json()["items"]
    assert [i["expected"] for i in v1] == ["one"]
    now = (await owner.client.get(f"{new_url}/items")).json()["items"]
    assert [i["expected"] for i in now] == ["uno"]
    # Renaming to its own name, or changing only the description, is fine.
    same = await owner.client.patch(new_url, json={"name": "new-name"})
    assert same.status_code == 200, same.text


async def test_items_per_call_are_1_to_1000(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    assert problem(await add_items(owner.client, url, []), 422)["errors"][0]["loc"] == ["body", "items"]
    too_many = [{"input": {}} for _ in range(1001)]
    assert problem(await add_items(owner.client, url, too_many), 422)["errors"][0]["loc"] == ["body", "items"]
    created = await add_items(owner.client, url, [{"input": {"n": n}} for n in range(1000)])
    assert created.status_code == 201, created.text
    assert created.json()["created"] == 1000 and created.json()["version"] == 1
    assert len(created.json()["ids"]) == 1000
    assert (await owner.client.get(url)).json()["item_count"] == 1000


@pytest.mark.parametrize(
    ("item", "loc"),
    [
        ({}, ["body", "items", 0, "input"]),
        ({"input": "not an object"}, ["body", "items", 0, "input"]),
        ({"input": {"": 1}}, ["body", "items", 0, "input"]),
        ({"input": {"v" * 129: 1}}, ["body", "items", 0, "input"]),
        ({"input": {f"v{n}": n for n in range(201)}}, ["body", "items", 0, "input"]),
        ({"input": {}, "metadata": []}, ["body", "items", 0, "metadata"]),
        ({"input": {}, "metadata": {f"k{n}": n for n in range(201)}}, ["body", "items", 0, "metadata"]),
        ({"input": {"x": "a\u0000b"}}, ["body", "items", 0, "input"]),
    ],
)
async def test_bad_items_are_422_naming_the_field(
    factory: Factory, item: dict[str, Any], loc: list[Any]
) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    body = problem(await add_items(owner.client, url, [item]), 422)
    assert body["errors"][0]["loc"][: len(loc)] == loc, body
    assert (await owner.client.get(url)).json()["version"] == 0


async def test_item_depth_and_node_count_are_bounded(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    deep: Any = "leaf"
    for _ in range(40):
        deep = [deep]
    body = problem(await add_items(owner.client, url, [{"input": {}, "expected": deep}]), 422)
    assert body["errors"][0]["loc"] == ["body", "items", 0, "expected"]
    assert "nested deeper" in body["detail"]
    wide = {"input": {"x": list(range(30_000))}}
    body = problem(await add_items(owner.client, url, [wide]), 422)
    assert body["errors"][0]["loc"] == ["body", "items", 0, "input"]


async def test_item_size_limit_is_a_setting(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    small, big = {"input": {"x": "a" * 1000}}, {"input": {"x": "a" * 70_000}}
    body = problem(await add_items(owner.client, url, [small, big]), 422)
    assert body["code"] == "item_too_large"
    assert body["errors"][0]["loc"] == ["body", "items", 1]
    with provider_settings(app, dataset_item_max_bytes=2048):
        body = problem(await add_items(owner.client, url, [{"input": {"x": "a" * 3000}}]), 422)
        assert body["errors"][0]["loc"] == ["body", "items", 0]
        created = await add_items(owner.client, url, [small])
        assert created.status_code == 201, created.text
        item_id = created.json()["ids"][0]
        edit = await owner.client.patch(f"{url}/items/{item_id}", json={"expected": "b" * 3000})
        assert problem(edit, 422)["code"] == "item_too_large"


async def test_a_dataset_holds_at_most_the_configured_number_of_items(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    with provider_settings(app, dataset_max_items=3):
        assert (await add_items(owner.client, url, [{"input": {}}, {"input": {}}])).status_code == 201
        body = problem(await add_items(owner.client, url, [{"input": {}}, {"input": {}}]), 422)
        assert body["code"] == "dataset_full" and body["errors"][0]["loc"] == ["body", "items"]
        created = await add_items(owner.client, url, [{"input": {}}])
        assert created.status_code == 201
        # Deleting makes room again.
        await owner.client.delete(f"{url}/items/{created.json()['ids'][0]}")
        assert (await add_items(owner.client, url, [{"input": {}}])).status_code == 201
    assert (await owner.client.get(url)).json()["item_count"] == 3


async def test_expected_is_any_json_and_metadata_is_kept(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    items = [
        {"input": {"q": "a"}, "expected": "text", "metadata": {"source": "ticket-1"}},
        {"input": {"q": "b"}, "expected": {"answer": 42, "tags": ["x", None]}},
        {"input": {"q": "c"}, "expected": [1, 2.5, True]},
        {"input": {"q": "d", "history": [{"role": "user", "content": "hi"}]}},
    ]
    assert (await add_items(owner.client, url, items)).status_code == 201
    listed = (await owner.client.get(f"{url}/items")).json()["items"]
    assert [i["input"] for i in listed] == [i["input"] for i in items]
    assert [i["expected"] for i in listed] == [
        "text",
        {"answer": 42, "tags": ["x", None]},
        [1, 2.5, True],
        None,
    ]
    assert [i["metadata"] for i in listed] == [{"source": "ticket-1"}, {}, {}, {}]
    assert all(i["version"] == 1 and i["source_run_id"] is None for i in listed)
    assert all(i["created_at"] == i["updated_at"] for i in listed)


async def test_unknown_dataset_and_item_are_404(factory: Factory) -> None:
    owner = await factory.account()
    url = f"{datasets_url(owner)}/missing"
    for response in (
        await owner.client.get(url),
        await owner.client.patch(url, json={"description": "x"}),
        await owner.client.get(f"{url}/items"),
        await add_items(owner.client, url, [{"input": {}}]),
    ):
        problem(response, 404)
    await make_dataset(owner)
    item = f"{datasets_url(owner)}/qa/items/0190d4f5-0000-7000-8000-000000000000"
    problem(await owner.client.patch(item, json={"expected": "x"}), 404)
    problem(await owner.client.delete(item), 404)
    problem(await owner.client.delete(f"{datasets_url(owner)}/qa/items/not-a-uuid"), 404)


async def test_every_mutation_is_audited(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    item_id = (await add_items(owner.client, url, [{"input": {"x": 1}}])).json()["ids"][0]
    await owner.client.patch(f"{url}/items/{item_id}", json={"expected": "y"})
    await owner.client.delete(f"{url}/items/{item_id}")
    await owner.client.patch(url, json={"description": "d"})
    await owner.client.patch(url, json={"name": "qa-2"})
    await owner.client.delete(f"{datasets_url(owner)}/qa-2")
    log = (
        await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log", params={"limit": 20})
    ).json()
    events = [(e["action"], e["target_id"]) for e in log["items"] if e["target_type"] == "dataset"][::-1]
    assert events == [
        ("dataset.created", "qa"),
        ("dataset.items_created", "qa"),
        ("dataset.item_updated", "qa"),
        ("dataset.item_deleted", "qa"),
        ("dataset.updated", "qa"),
        ("dataset.renamed", "qa"),
        ("dataset.deleted", "qa-2"),
    ]
    actors = {e["actor_label"] for e in log["items"] if e["target_type"] == "dataset"}
    assert actors == {owner.email}
