"""One rule for protected labels: moving, removing, importing and archiving (issue 8, finding 13)."""

from __future__ import annotations

import httpx
import pytest

from conftest import Account, Factory

PROMPTS = "/api/v1/projects/{}/prompts"


async def deployed_prompt(owner: Account, label: str) -> str:
    """A prompt `greeting` with `label` pointing at version 1; returns its URL."""
    url = PROMPTS.format(owner.project_id)
    created = await owner.client.post(url, json={"name": "greeting", "kind": "text", "template": "hi"})
    assert created.status_code == 201, created.text
    moved = await owner.client.put(f"{url}/greeting/labels/{label}", json={"version": 1})
    assert moved.status_code == 200, moved.text
    return f"{url}/greeting"


async def caller(factory: Factory, owner: Account, who: str) -> httpx.AsyncClient:
    if who == "editor_key":
        return await factory.api_key(owner, "editor")
    return (await factory.member(owner, who)).client


ARCHIVES = [
    pytest.param(lambda c, url: c.delete(url), id="delete"),
    pytest.param(lambda c, url: c.patch(url, json={"archived": True}), id="patch"),
]


@pytest.mark.parametrize("archive", ARCHIVES)
@pytest.mark.parametrize(
    ("who", "code"), [("editor", "insufficient_role"), ("editor_key", "api_key_forbidden")]
)
async def test_archiving_a_prompt_with_a_protected_label_needs_admin(
    factory: Factory, who: str, code: str, archive: object
) -> None:
    owner = await factory.account()
    url = await deployed_prompt(owner, "production")
    client = await caller(factory, owner, who)
    response = await archive(client, url)  # type: ignore[operator]
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    # Production still resolves: nothing was archived.
    resolved = await owner.client.get(f"{url}/resolve", params={"label": "production"})
    assert resolved.status_code == 200
    assert (await owner.client.get(url)).json()["archived"] is False


async def test_admin_archives_a_prompt_with_a_protected_label(factory: Factory) -> None:
    owner = await factory.account()
    url = await deployed_prompt(owner, "production")
    admin = await factory.member(owner, "admin")
    assert (await admin.client.delete(url)).status_code == 204
    assert (await owner.client.get(f"{url}/resolve", params={"label": "production"})).status_code == 404


@pytest.mark.parametrize("who", ["editor", "editor_key"])
async def test_editors_archive_and_restore_prompts_with_unprotected_labels(
    factory: Factory, who: str
) -> None:
    owner = await factory.account()
    url = await deployed_prompt(owner, "staging")
    client = await caller(factory, owner, who)
    assert (await client.delete(url)).status_code == 204
    restored = await client.patch(url, json={"archived": False})
    assert restored.status_code == 200 and restored.json()["archived"] is False


async def test_editor_still_edits_a_prompt_with_a_protected_label(factory: Factory) -> None:
    owner = await factory.account()
    url = await deployed_prompt(owner, "production")
    editor = await factory.member(owner, "editor")
    response = await editor.client.patch(url, json={"description": "new words", "archived": False})
    assert response.status_code == 200 and response.json()["description"] == "new words"


async def test_protected_label_rule_covers_remove_and_import_for_keys(factory: Factory) -> None:
    owner = await factory.account()
    url = await deployed_prompt(owner, "production")
    key = await factory.api_key(owner, "editor")
    removed = await key.delete(f"{url}/labels/production")
    assert removed.status_code == 403 and removed.json()["code"] == "api_key_forbidden"
    document = {
        "prompts": [
            {
                "name": "other",
                "kind": "text",
                "versions": [{"number": 1, "template": "x"}],
                "labels": {"production": 1},
            }
        ]
    }
    imported = await key.post(f"/api/v1/projects/{owner.project_id}/import", json=document)
    assert imported.status_code == 403 and imported.json()["code"] == "api_key_forbidden"
    staged = {"prompts": [{**document["prompts"][0], "labels": {"staging": 1}}]}
    assert (await key.post(f"/api/v1/projects/{owner.project_id}/import", json=staged)).status_code == 200


async def test_viewer_is_told_that_a_protected_label_needs_admin(factory: Factory) -> None:
    owner = await factory.account()
    url = await deployed_prompt(owner, "production")
    viewer = await factory.member(owner, "viewer")
    response = await viewer.client.put(f"{url}/labels/production", json={"version": 1})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_role" and "admin" in response.json()["detail"]
