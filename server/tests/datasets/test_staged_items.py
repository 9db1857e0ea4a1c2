"""The service functions the import and export jobs build on: items staged by a running import stay
invisible, are published all at once as one version, or are discarded; `iter_items` streams a version.
Driven through the app's real database, observed through the API."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from test_datasets_api import add_items, datasets_url, make_dataset, problem
from test_item_history import all_items

from conftest import Factory
from promptforge.core.errors import Unprocessable
from promptforge.datasets import items as dataset_items
from promptforge.datasets.models import Dataset
from promptforge.datasets.schemas import ItemCreate


def batch(start: int, count: int) -> list[ItemCreate]:
    return [ItemCreate(input={"n": n}, expected=f"e{n}") for n in range(start, start + count)]


async def stage(app: FastAPI, dataset_id: uuid.UUID, import_id: uuid.UUID, items: list[ItemCreate]) -> None:
    async with app.state.sessionmaker() as session:  # one transaction per chunk, like a job
        assert await dataset_items.add_items_staged(session, dataset_id, import_id, items) == len(items)
        await session.commit()


async def test_staged_items_are_invisible_until_published_as_one_version(
    factory: Factory, app: FastAPI
) -> None:
    owner = await factory.account()
    created = await make_dataset(owner)
    dataset_id = uuid.UUID(created["id"])
    url = f"{datasets_url(owner)}/qa"
    await add_items(owner.client, url, [{"input": {"n": -1}}])  # version 1
    import_id = uuid.uuid4()

    await stage(app, dataset_id, import_id, batch(0, 300))
    # Other writers keep working while the import runs.
    await add_items(owner.client, url, [{"input": {"n": -2}}])  # version 2
    await stage(app, dataset_id, import_id, batch(300, 200))
    dataset = (await owner.client.get(url)).json()
    assert dataset["version"] == 2 and dataset["item_count"] == 2
    assert len(await all_items(owner, url)) == 2

    async with app.state.sessionmaker() as session:
        row = await session.get(Dataset, dataset_id)
        assert row is not None
        published, version = await dataset_items.publish_staged(session, row, import_id, max_items=10_000)
        await session.commit()
    assert (published, version) == (500, 3)

    dataset = (await owner.client.get(url)).json()
    assert dataset["version"] == 3 and dataset["item_count"] == 502
    listed = await all_items(owner, url)
    # Listed in the order staged: an import's items take their places from when it staged them.
    assert [i["input"]["n"] for i in listed] == [-1, *range(300), -2, *range(300, 500)]
    assert {i["version"] for i in listed} == {1, 2, 3}
    assert [i["version"] for i in listed if i["input"]["n"] >= 0] == [3] * 500
    assert len(await all_items(owner, url, version=2)) == 2
    # Publishing again finds nothing staged: no new version.
    async with app.state.sessionmaker() as session:
        row = await session.get(Dataset, dataset_id)
        assert row is not None
        assert await dataset_items.publish_staged(session, row, import_id, max_items=10_000) == (0, 3)
        # Discarding after publication removes nothing that was published.
        assert await dataset_items.discard_staged(session, import_id) == 0
        await session.commit()
    assert (await owner.client.get(url)).json()["item_count"] == 502


async def test_a_failed_import_is_discarded_without_a_trace(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    dataset_id = uuid.UUID((await make_dataset(owner))["id"])
    url = f"{datasets_url(owner)}/qa"
    failed, kept = uuid.uuid4(), uuid.uuid4()
    await stage(app, dataset_id, failed, batch(0, 50))
    await stage(app, dataset_id, kept, batch(50, 5))
    async with app.state.sessionmaker() as session:
        assert await dataset_items.discard_staged(session, failed) == 50
        await session.commit()
    assert (await owner.client.get(url)).json()["version"] == 0
    async with app.state.sessionmaker() as session:
        row = await session.get(Dataset, dataset_id)
        assert row is not None
        assert await dataset_items.publish_staged(session, row, kept, max_items=100) == (5, 1)
        await session.commit()
    assert [i["input"]["n"] for i in await all_items(owner, url)] == list(range(50, 55))


async def test_publishing_past_the_item_limit_is_refused(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    dataset_id = uuid.UUID((await make_dataset(owner))["id"])
    url = f"{datasets_url(owner)}/qa"
    await add_items(owner.client, url, [{"input": {}}] * 3)
    import_id = uuid.uuid4()
    await stage(app, dataset_id, import_id, batch(0, 8))
    async with app.state.sessionmaker() as session:
        row = await session.get(Dataset, dataset_id)
        assert row is not None
        try:
            await dataset_items.publish_staged(session, row, import_id, max_items=10)
        except Unprocessable as exc:
            assert exc.code == "dataset_full"
        else:
            raise AssertionError("publishing 8 items into 3 of 10 should be refused")
        await session.rollback()
        assert await dataset_items.discard_staged(session, import_id) == 8
        await session.commit()
    dataset = (await owner.client.get(url)).json()
    assert dataset["version"] == 1 and dataset["item_count"] == 3


async def test_iter_items_streams_any_version_in_list_order(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    dataset_id = uuid.UUID((await make_dataset(owner))["id"])
    url = f"{datasets_url(owner)}/qa"
    ids = (await add_items(owner.client, url, [{"input": {"n": n}} for n in range(23)])).json()["ids"]
    await owner.client.patch(f"{url}/items/{ids[5]}", json={"expected": "five"})
    await owner.client.delete(f"{url}/items/{ids[7]}")
    async with app.state.sessionmaker() as session:
        v1 = [item async for item in dataset_items.iter_items(session, dataset_id, 1, page_size=4)]
        v3 = [item async for item in dataset_items.iter_items(session, dataset_id, 3, page_size=4)]
    assert [str(i.id) for i in v1] == ids
    assert v1[5].expected is None
    assert [str(i.id) for i in v3] == ids[:7] + ids[8:]
    assert v3[5].expected == "five" and v3[5].version == 2
    assert [i.model_dump(mode="json") for i in v3] == await all_items(owner, url)


async def test_staged_rows_cannot_be_edited_or_deleted_through_the_api(
    factory: Factory, app: FastAPI
) -> None:
    owner = await factory.account()
    dataset_id = uuid.UUID((await make_dataset(owner))["id"])
    url = f"{datasets_url(owner)}/qa"
    async with app.state.sessionmaker() as session:
        [row] = dataset_items.insert_items(
            session, dataset_id, batch(0, 1), version=None, import_id=uuid.uuid4()
        )
        await session.commit()
        staged_id = row.item_id
    problem(await owner.client.patch(f"{url}/items/{staged_id}", json={"expected": "x"}), 404)
    problem(await owner.client.delete(f"{url}/items/{staged_id}"), 404)
    # Deleting the dataset takes staged rows with it.
    assert (await owner.client.delete(url)).status_code == 204
