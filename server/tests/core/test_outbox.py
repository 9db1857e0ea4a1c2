"""The outbox: each webhook-worthy change writes its event in the same transaction, none for a failure."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy import select

from conftest import Factory
from promptforge.core.outbox import ProjectEvent, events_after


async def project_events(app: FastAPI, project_id: str) -> list[tuple[str, dict[str, object]]]:
    async with app.state.sessionmaker() as session:
        rows = await events_after(session, uuid.UUID(project_id), 0)
    return [(row.type, row.data) for row in rows]


async def test_prompt_changes_write_outbox_events_in_order(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    created = await owner.client.post(url, json={"name": "greet", "kind": "text", "template": "v1"})
    assert created.status_code == 201
    assert (await owner.client.post(f"{url}/greet/versions", json={"template": "v2"})).status_code == 201
    assert (await owner.client.put(f"{url}/greet/labels/production", json={"version": 2})).status_code == 200
    assert (await owner.client.delete(f"{url}/greet/labels/production")).status_code == 204
    assert (await owner.client.patch(f"{url}/greet", json={"archived": True})).status_code == 200

    assert await project_events(app, owner.project_id) == [
        ("prompt.version.created", {"prompt": "greet", "version": 1}),
        ("prompt.version.created", {"prompt": "greet", "version": 2}),
        ("label.moved", {"prompt": "greet", "label": "production", "from_version": None, "to_version": 2}),
        ("label.removed", {"prompt": "greet", "label": "production", "from_version": 2, "to_version": None}),
        ("prompt.archived", {"prompt": "greet"}),
    ]


async def test_a_failed_change_writes_no_event(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    await owner.client.post(url, json={"name": "greet", "kind": "text", "template": "v1"})
    assert (await owner.client.put(f"{url}/greet/labels/production", json={"version": 7})).status_code == 404
    assert [t for t, _ in await project_events(app, owner.project_id)] == ["prompt.version.created"]


async def test_events_are_scoped_to_their_project(app: FastAPI, factory: Factory) -> None:
    alice, bob = await factory.account(), await factory.account()
    for who in (alice, bob):
        url = f"/api/v1/projects/{who.project_id}/prompts"
        await who.client.post(url, json={"name": "greet", "kind": "text", "template": "v1"})
    assert len(await project_events(app, alice.project_id)) == 1
    async with app.state.sessionmaker() as session:
        ids = (await session.scalars(select(ProjectEvent.id).order_by(ProjectEvent.id))).all()
        uids = (await session.scalars(select(ProjectEvent.uid))).all()
    assert len(ids) == 2 and ids[0] < ids[1]
    assert len(set(uids)) == 2
