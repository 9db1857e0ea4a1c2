"""A completed import writes `dataset.import.completed` to the outbox in its completing transaction."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from test_imports_api import import_file

from conftest import Factory
from promptforge.core.outbox import events_after


async def test_import_completion_writes_an_event(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}/datasets"
    assert (await owner.client.post(url, json={"name": "qa"})).status_code == 201
    done = await import_file(owner, f"{url}/qa", "question,__expected\nWhat is 2+2?,4\n")
    assert done["status"] == "completed", done
    async with app.state.sessionmaker() as session:
        last = (await events_after(session, uuid.UUID(owner.project_id), 0))[-1]
    kind, data = last.type, last.data
    assert kind == "dataset.import.completed"
    assert data["import_id"] == done["id"]
    assert data["items_created"] == 1
