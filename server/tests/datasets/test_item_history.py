"""Items page by page in a stable order, versions bumped once per change, and the dataset as it was at
any earlier version (`?version=N`): edited and deleted items stay readable there."""

from __future__ import annotations

import asyncio
from typing import Any

from test_datasets_api import add_items, datasets_url, make_dataset, problem

from conftest import Account, Factory


async def all_items(
    owner: Account, url: str, version: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if version is not None:
            params["version"] = version
        if cursor:
            params["cursor"] = cursor
        response = await owner.client.get(f"{url}/items", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_items_page_in_the_order_they_were_added(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    first = await add_items(owner.client, url, [{"input": {"n": n}} for n in range(25)])
    second = await add_items(owner.client, url, [{"input": {"n": n}} for n in range(25, 40)])
    assert first.json()["version"] == 1 and second.json()["version"] == 2
    listed = await all_items(owner, url, limit=7)
    assert [i["input"]["n"] for i in listed] == list(range(40))
    assert [i["id"] for i in listed] == first.json()["ids"] + second.json()["ids"]
    assert [i["version"] for i in listed] == [1] * 25 + [2] * 15
    # An edit keeps the item's place in the list.
    await owner.client.patch(f"{url}/items/{listed[3]['id']}", json={"input": {"n": "three"}})
    again = await all_items(owner, url, limit=9)
    assert [i["id"] for i in again] == [i["id"] for i in listed]
    assert again[3]["input"] == {"n": "three"} and again[3]["version"] == 3
    bad = await owner.client.get(f"{url}/items", params={"cursor": "nope"})
    assert problem(bad, 422)["errors"][0]["loc"] == ["query", "cursor"]


async def test_edit_and_delete_keep_old_versions_readable(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    ids = (
        await add_items(
            owner.client,
            url,
            [
                {"input": {"q": "a"}, "expected": "A", "metadata": {"m": 1}},
                {"input": {"q": "b"}, "expected": "B"},
                {"input": {"q": "c"}, "expected": "C"},
            ],
        )
    ).json()["ids"]  # version 1

    edited = await owner.client.patch(f"{url}/items/{ids[0]}", json={"expected": "A2"})  # version 2
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["id"] == ids[0] and body["expected"] == "A2" and body["version"] == 2
    assert body["input"] == {"q": "a"} and body["metadata"] == {"m": 1}  # absent fields are kept
    assert body["updated_at"] > body["created_at"]

    deleted = await owner.client.delete(f"{url}/items/{ids[1]}")  # version 3
    assert deleted.status_code == 204
    await add_items(owner.client, url, [{"input": {"q": "d"}}])  # version 4
    cleared = await owner.client.patch(
        f"{url}/items/{ids[2]}", json={"expected": None, "metadata": {"k": "v"}}
    )
    assert cleared.json()["expected"] is None and cleared.json()["metadata"] == {"k": "v"}  # version 5

    dataset = (await owner.client.get(url)).json()
    assert dataset["version"] == 5 and dataset["item_count"] == 3

    def view(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
        return [(i["input"]["q"], i["expected"]) for i in items]

    assert await all_items(owner, url, version=0) == []
    assert view(await all_items(owner, url, version=1)) == [("a", "A"), ("b", "B"), ("c", "C")]
    assert view(await all_items(owner, url, version=2)) == [("a", "A2"), ("b", "B"), ("c", "C")]
    assert view(await all_items(owner, url, version=3)) == [("a", "A2"), ("c", "C")]
    assert view(await all_items(owner, url, version=4)) == [("a", "A2"), ("c", "C"), ("d", None)]
    assert view(await all_items(owner, url, version=5)) == [("a", "A2"), ("c", None), ("d", None)]
    assert view(await all_items(owner, url)) == view(await all_items(owner, url, version=5))
    at_1 = await all_items(owner, url, version=1)
    assert at_1[0]["version"] == 1 and at_1[0]["id"] == ids[0]

    # The deleted item is gone from now on; older versions keep it.
    problem(await owner.client.patch(f"{url}/items/{ids[1]}", json={"expected": "x"}), 404)
    problem(await owner.client.delete(f"{url}/items/{ids[1]}"), 404)


async def test_a_version_that_does_not_exist_yet_is_404(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    await add_items(owner.client, url, [{"input": {}}])
    body = problem(await owner.client.get(f"{url}/items", params={"version": 2}), 404)
    assert body["code"] == "dataset_version_not_found" and "latest is 1" in body["detail"]
    for bad in ("-1", "x", "1.5", str(2**31)):
        body = problem(await owner.client.get(f"{url}/items", params={"version": bad}), 422)
        assert body["errors"][0]["loc"] == ["query", "version"]


async def test_an_edit_that_changes_nothing_creates_no_version(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    [item_id] = (await add_items(owner.client, url, [{"input": {"x": 1}, "expected": "y"}])).json()["ids"]
    for patch in ({}, {"input": {"x": 1}}, {"expected": "y", "metadata": {}}):
        response = await owner.client.patch(f"{url}/items/{item_id}", json=patch)
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 1
    assert (await owner.client.get(url)).json()["version"] == 1


async def test_input_and_metadata_cannot_be_nulled(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    [item_id] = (await add_items(owner.client, url, [{"input": {"x": 1}}])).json()["ids"]
    for field in ("input", "metadata"):
        body = problem(await owner.client.patch(f"{url}/items/{item_id}", json={field: None}), 422)
        assert body["errors"][0]["loc"] == ["body", field]
    body = problem(await owner.client.patch(f"{url}/items/{item_id}", json={"input": {"k" * 129: 1}}), 422)
    assert body["errors"][0]["loc"][:2] == ["body", "input"]


async def test_items_of_one_dataset_are_not_reachable_through_another(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner, "one")
    await make_dataset(owner, "two")
    base = datasets_url(owner)
    [item_id] = (await add_items(owner.client, f"{base}/one", [{"input": {}}])).json()["ids"]
    problem(await owner.client.patch(f"{base}/two/items/{item_id}", json={"expected": "x"}), 404)
    problem(await owner.client.delete(f"{base}/two/items/{item_id}"), 404)
    assert len(await all_items(owner, f"{base}/one")) == 1


async def test_concurrent_changes_each_bump_the_version_once(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    seed = (await add_items(owner.client, url, [{"input": {"n": n}} for n in range(4)])).json()["ids"]
    writers = 8

    responses = await asyncio.gather(
        *(
            add_items(owner.client, url, [{"input": {"w": w, "i": i}} for i in range(3)])
            for w in range(writers)
        ),
        *(owner.client.patch(f"{url}/items/{seed[n]}", json={"expected": f"e{n}"}) for n in range(2)),
        *(owner.client.delete(f"{url}/items/{seed[n]}") for n in range(2, 4)),
    )

    assert [r.status_code for r in responses] == [201] * writers + [200, 200, 204, 204], [
        r.text for r in responses
    ]
    versions = sorted(r.json()["version"] for r in responses[: writers + 2])
    assert len(set(versions)) == writers + 2  # no two changes share a version
    dataset = (await owner.client.get(url)).json()
    assert dataset["version"] == 1 + writers + 4  # the seed, then one per change: none lost
    assert dataset["item_count"] == 4 + 3 * writers - 2
    assert len(await all_items(owner, url)) == dataset["item_count"]
    # Each writer's batch appeared whole at its version.
    for response in responses[:writers]:
        version = response.json()["version"]
        before = {i["id"] for i in await all_items(owner, url, version=version - 1)}
        after = {i["id"] for i in await all_items(owner, url, version=version)}
        assert set(response.json()["ids"]) == after - before
