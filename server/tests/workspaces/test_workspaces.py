"""Workspaces: create, list, read, rename, delete; slugs are unique; other tenants see nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest

from conftest import Factory


async def create(client: httpx.AsyncClient, slug: str, name: str = "Team") -> httpx.Response:
    return await client.post("/api/v1/workspaces", json={"name": name, "slug": slug})


async def test_create_makes_the_creator_owner_and_lists_it(factory: Factory) -> None:
    ada = await factory.account("ada")
    response = await create(ada.client, "acme", "Acme")
    assert response.status_code == 201
    created = response.json()
    assert created["slug"] == "acme" and created["name"] == "Acme"
    assert created["role"] == "owner" and created["is_personal"] is False

    listed = (await ada.client.get("/api/v1/workspaces")).json()
    assert listed["next_cursor"] is None
    by_slug = {w["slug"]: w for w in listed["items"]}
    assert set(by_slug) == {"ada", "acme"}
    assert by_slug["ada"]["is_personal"] is True
    assert all(w["role"] == "owner" for w in listed["items"])
    got = await ada.client.get(f"/api/v1/workspaces/{created['id']}")
    assert got.status_code == 200 and got.json() == created


async def test_list_shows_only_my_workspaces_with_my_role(factory: Factory) -> None:
    owner = await factory.account()
    editor = await factory.member(owner, "editor")
    await factory.account()  # somebody else's workspace
    listed = (await editor.client.get("/api/v1/workspaces")).json()["items"]
    roles = {w["id"]: w["role"] for w in listed}
    assert len(roles) == 2
    assert roles.pop(owner.workspace_id) == "editor"
    assert list(roles.values()) == ["owner"]  # the editor's own personal workspace


async def test_workspace_list_paginates(factory: Factory) -> None:
    ada = await factory.account()
    for i in range(4):
        assert (await create(ada.client, f"team-{i}")).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await ada.client.get("/api/v1/workspaces", params=params)).json()
        assert len(page["items"]) <= 2
        seen += [w["slug"] for w in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize("slug", ["", "Upper", "-leading", "has space", "a" * 64, "ünï"])
async def test_invalid_slug_is_422_on_the_slug_field(factory: Factory, slug: str) -> None:
    ada = await factory.account()
    response = await create(ada.client, slug)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert ["body", "slug"] in [e["loc"] for e in response.json()["errors"]]


async def test_slug_conflicts_are_409_on_create_and_rename(factory: Factory) -> None:
    ada = await factory.account()
    bob = await factory.account()
    assert (await create(ada.client, "acme")).status_code == 201
    # Slugs are global: another user cannot take it either.
    taken = await create(bob.client, "acme")
    assert taken.status_code == 409
    assert taken.json()["code"] == "slug_taken"
    renamed = await bob.client.patch(f"/api/v1/workspaces/{bob.workspace_id}", json={"slug": "acme"})
    assert renamed.status_code == 409
    assert renamed.headers["content-type"] == "application/problem+json"
    # Keeping one's own slug is not a conflict.
    ws = (await ada.client.get("/api/v1/workspaces")).json()["items"]
    acme = next(w for w in ws if w["slug"] == "acme")
    same = await ada.client.patch(f"/api/v1/workspaces/{acme['id']}", json={"slug": "acme", "name": "A"})
    assert same.status_code == 200


async def test_update_renames_and_changes_slug(factory: Factory) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    url = f"/api/v1/workspaces/{owner.workspace_id}"
    response = await admin.client.patch(url, json={"name": "Renamed", "slug": "renamed"})
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed" and response.json()["slug"] == "renamed"
    assert response.json()["role"] == "admin"
    assert (await owner.client.get(url)).json()["slug"] == "renamed"
    # Unset fields stay as they were.
    assert (await admin.client.patch(url, json={"name": "Again"})).json()["slug"] == "renamed"


async def test_owner_deletes_workspace_and_it_is_gone_for_everyone(factory: Factory) -> None:
    owner = await factory.account()
    viewer = await factory.member(owner, "viewer")
    url = f"/api/v1/workspaces/{owner.workspace_id}"
    assert (await owner.client.delete(url)).status_code == 204
    assert (await owner.client.get(url)).status_code == 404
    assert (await viewer.client.get(url)).status_code == 404
    assert (await owner.client.get(f"/api/v1/projects/{owner.project_id}")).status_code == 404
    mine = (await viewer.client.get("/api/v1/workspaces")).json()["items"]
    assert owner.workspace_id not in {w["id"] for w in mine}


async def test_admin_cannot_delete_the_workspace(factory: Factory) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    response = await admin.client.delete(f"/api/v1/workspaces/{owner.workspace_id}")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_role"
    assert (await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}")).status_code == 200


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("PATCH", {"name": "Mine now"}), ("DELETE", None)]
)
async def test_other_tenant_gets_404_exactly_like_a_missing_workspace(
    factory: Factory, method: str, body: dict[str, str] | None
) -> None:
    owner = await factory.account()
    outsider = await factory.account()
    theirs = await outsider.client.request(method, f"/api/v1/workspaces/{owner.workspace_id}", json=body)
    missing = await outsider.client.request(method, f"/api/v1/workspaces/{uuid.uuid4()}", json=body)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert (await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}")).json()["name"] != "Mine now"


async def test_malformed_workspace_id_is_422(factory: Factory) -> None:
    ada = await factory.account()
    response = await ada.client.get("/api/v1/workspaces/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "workspace_id"]
