"""Labels as deployments: moves, protected labels per role, history, audit and events."""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi import FastAPI

from conftest import Account, Factory


async def setup_prompt(owner: Account, versions: int = 2) -> str:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    await owner.client.post(url, json={"name": "greeting", "kind": "text", "template": "v1 {{ x }}"})
    for n in range(2, versions + 1):
        await owner.client.post(f"{url}/greeting/versions", json={"template": f"v{n} {{{{ x }}}}"})
    return f"{url}/greeting"


async def test_move_label_and_history(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    first = await owner.client.put(f"{url}/labels/staging", json={"version": 1})
    assert first.status_code == 200
    assert first.json() == {
        "name": "staging",
        "version": 1,
        "protected": False,
        "updated_at": first.json()["updated_at"],
    }
    assert (await owner.client.put(f"{url}/labels/staging", json={"version": 2})).status_code == 200
    history = (await owner.client.get(f"{url}/labels/staging/history")).json()["items"]
    assert [(h["from_version"], h["to_version"]) for h in history] == [(1, 2), (None, 1)]
    assert all(h["actor_label"] == owner.email for h in history)
    labels = (await owner.client.get(url)).json()["labels"]
    assert labels == {"staging": 2}


async def test_latest_cannot_be_set_and_unknown_version_is_404(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    assert (await owner.client.put(f"{url}/labels/latest", json={"version": 1})).status_code == 422
    assert (await owner.client.put(f"{url}/labels/staging", json={"version": 9})).status_code == 404
    assert (await owner.client.put(f"{url}/labels/Bad Label", json={"version": 1})).status_code == 422


@pytest.mark.parametrize(
    ("role", "production", "staging"),
    [("viewer", 403, 403), ("editor", 403, 200), ("admin", 200, 200), ("owner", 200, 200)],
)
async def test_protected_label_rule_per_role(
    factory: Factory, role: str, production: int, staging: int
) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    actor = owner if role == "owner" else await factory.member(owner, role)
    refused = await actor.client.put(f"{url}/labels/production", json={"version": 1})
    assert refused.status_code == production
    if production == 403:
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await actor.client.put(f"{url}/labels/staging", json={"version": 1})).status_code == staging


async def test_api_keys_move_only_unprotected_labels_with_editor_role(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    editor_key = await factory.api_key(owner, "editor")
    viewer_key = await factory.api_key(owner, "viewer")
    assert (await editor_key.put(f"{url}/labels/staging", json={"version": 2})).status_code == 200
    assert (await editor_key.put(f"{url}/labels/production", json={"version": 2})).status_code == 403
    assert (await viewer_key.put(f"{url}/labels/staging", json={"version": 1})).status_code == 403


async def test_protected_labels_are_configurable_per_project(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    editor = await factory.member(owner, "editor")
    patch = await owner.client.patch(
        f"/api/v1/projects/{owner.project_id}", json={"protected_labels": ["production", "staging"]}
    )
    assert patch.status_code == 200
    assert (await editor.client.put(f"{url}/labels/staging", json={"version": 1})).status_code == 403
    labels = (await owner.client.put(f"{url}/labels/staging", json={"version": 1})).json()
    assert labels["protected"] is True


async def test_remove_label(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    await owner.client.put(f"{url}/labels/staging", json={"version": 1})
    assert (await owner.client.delete(f"{url}/labels/staging")).status_code == 204
    assert (await owner.client.get(f"{url}/resolve", params={"label": "staging"})).status_code == 404
    history = (await owner.client.get(f"{url}/labels/staging/history")).json()["items"]
    assert (history[0]["from_version"], history[0]["to_version"]) == (1, None)
    assert (await owner.client.delete(f"{url}/labels/staging")).status_code == 404


async def test_label_move_is_audited_and_published(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    received: list[dict[str, object]] = []

    async def listen() -> None:
        async for _, message in app.state.kv.subscribe(f"events:project:{owner.project_id}"):
            received.append(json.loads(message))
            return

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.2)  # let the subscription start
    assert (await owner.client.put(f"{url}/labels/production", json={"version": 2})).status_code == 200
    await asyncio.wait_for(listener, 5)
    assert received[0]["type"] == "label.moved"
    assert received[0]["data"] == {
        "prompt": "greeting",
        "label": "production",
        "from_version": None,
        "to_version": 2,
    }
    audit = (
        await owner.client.get(
            f"/api/v1/workspaces/{owner.workspace_id}/audit-log", params={"action": "label."}
        )
    ).json()
    assert audit["items"][0]["action"] == "label.moved"
    assert audit["items"][0]["data"]["to_version"] == 2


async def test_list_labels_shows_protection(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    await owner.client.put(f"{url}/labels/production", json={"version": 1})
    await owner.client.put(f"{url}/labels/staging", json={"version": 2})
    page = (await owner.client.get(f"{url}/labels")).json()
    assert page["next_cursor"] is None
    assert [(lb["name"], lb["version"], lb["protected"]) for lb in page["items"]] == [
        ("production", 1, True),
        ("staging", 2, False),
    ]


async def test_label_removal_is_published_as_label_removed(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    assert (await owner.client.put(f"{url}/labels/staging", json={"version": 1})).status_code == 200
    received: list[dict[str, object]] = []

    async def listen() -> None:
        async for _, message in app.state.kv.subscribe(f"events:project:{owner.project_id}"):
            received.append(json.loads(message))
            return

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.2)  # let the subscription start
    assert (await owner.client.delete(f"{url}/labels/staging")).status_code == 204
    await asyncio.wait_for(listener, 5)
    assert received[0]["type"] == "label.removed"
    assert received[0]["data"] == {
        "prompt": "greeting",
        "label": "staging",
        "from_version": 1,
        "to_version": None,
    }


async def test_a_version_must_be_a_json_integer(factory: Factory) -> None:
    owner = await factory.account()
    url = await setup_prompt(owner)
    for version in (True, "1", 1.5):
        response = await owner.client.put(f"{url}/labels/staging", json={"version": version})
        assert response.status_code == 422, (version, response.text)
        assert response.json()["errors"][0]["loc"] == ["body", "version"]
    assert (await owner.client.get(f"{url}/labels/staging/history")).json()["items"] == []
