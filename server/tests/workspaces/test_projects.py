"""Projects: created by admins, slugs unique per workspace, protected labels, other tenants see nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest

from conftest import Account, Factory


def projects_url(account: Account) -> str:
    return f"/api/v1/workspaces/{account.workspace_id}/projects"


async def create(account: Account, slug: str, name: str = "Chatbot") -> httpx.Response:
    return await account.client.post(projects_url(account), json={"name": name, "slug": slug})


async def test_admin_creates_a_project_every_member_sees(factory: Factory) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    viewer = await factory.member(owner, "viewer")
    response = await create(admin, "chatbot", "Chatbot")
    assert response.status_code == 201
    project = response.json()
    assert project["slug"] == "chatbot" and project["name"] == "Chatbot"
    assert project["workspace_id"] == owner.workspace_id
    assert project["protected_labels"] == ["production"]

    listed = (await viewer.client.get(projects_url(owner))).json()
    assert [p["slug"] for p in listed["items"]] == ["default", "chatbot"]
    assert listed["next_cursor"] is None
    got = await viewer.client.get(f"/api/v1/projects/{project['id']}")
    assert got.status_code == 200 and got.json() == project


@pytest.mark.parametrize("role", ["viewer", "editor"])
async def test_viewers_and_editors_cannot_create_change_or_delete_projects(
    factory: Factory, role: str
) -> None:
    owner = await factory.account()
    member = await factory.member(owner, role)
    assert (await create(member, "nope")).status_code == 403
    url = f"/api/v1/projects/{owner.project_id}"
    assert (await member.client.patch(url, json={"name": "Mine"})).status_code == 403
    assert (await member.client.delete(url)).status_code == 403
    assert (await owner.client.get(url)).json()["name"] == "Default"


async def test_project_slug_is_unique_per_workspace_only(factory: Factory) -> None:
    ada = await factory.account()
    bob = await factory.account()
    duplicate = await create(ada, "default")
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert duplicate.json()["code"] == "slug_taken"
    assert (await create(ada, "chatbot")).status_code == 201
    assert (await create(bob, "chatbot")).status_code == 201  # another workspace: fine


async def test_update_renames_changes_slug_and_protected_labels(factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}"
    response = await owner.client.patch(
        url, json={"name": "Main", "slug": "main", "protected_labels": ["staging", "production", "staging"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Main" and body["slug"] == "main"
    assert body["protected_labels"] == ["production", "staging"]
    assert (await owner.client.get(url)).json() == body
    # Fields not sent stay as they are.
    assert (await owner.client.patch(url, json={"name": "Again"})).json()["slug"] == "main"


async def test_rename_to_a_taken_slug_is_409(factory: Factory) -> None:
    owner = await factory.account()
    assert (await create(owner, "chatbot")).status_code == 201
    response = await owner.client.patch(f"/api/v1/projects/{owner.project_id}", json={"slug": "chatbot"})
    assert response.status_code == 409
    assert (await owner.client.get(f"/api/v1/projects/{owner.project_id}")).json()["slug"] == "default"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"protected_labels": ["latest"]}, "protected_labels"),
        ({"protected_labels": ["Not A Label"]}, "protected_labels"),
        ({"slug": "Bad Slug"}, "slug"),
        ({"name": ""}, "name"),
    ],
)
async def test_invalid_project_update_is_422_on_the_field(
    factory: Factory, body: dict[str, object], field: str
) -> None:
    owner = await factory.account()
    response = await owner.client.patch(f"/api/v1/projects/{owner.project_id}", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][:2] == ["body", field]


async def test_delete_project(factory: Factory) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    url = f"/api/v1/projects/{owner.project_id}"
    assert (await admin.client.delete(url)).status_code == 204
    assert (await owner.client.get(url)).status_code == 404
    assert (await owner.client.get(projects_url(owner))).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("PATCH", {"name": "Mine now"}), ("DELETE", None)]
)
async def test_other_tenant_gets_404_exactly_like_a_missing_project(
    factory: Factory, method: str, body: dict[str, str] | None
) -> None:
    owner = await factory.account()
    outsider = await factory.account()
    theirs = await outsider.client.request(method, f"/api/v1/projects/{owner.project_id}", json=body)
    missing = await outsider.client.request(method, f"/api/v1/projects/{uuid.uuid4()}", json=body)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert (await owner.client.get(f"/api/v1/projects/{owner.project_id}")).json()["name"] == "Default"


async def test_other_tenant_cannot_list_or_create_projects_in_my_workspace(factory: Factory) -> None:
    owner = await factory.account()
    outsider = await factory.account()
    url = projects_url(owner)
    assert (await outsider.client.get(url)).status_code == 404
    assert (await outsider.client.post(url, json={"name": "X", "slug": "x"})).status_code == 404
    assert len((await owner.client.get(url)).json()["items"]) == 1


async def test_project_list_paginates_in_creation_order(factory: Factory) -> None:
    owner = await factory.account()
    for i in range(4):
        assert (await create(owner, f"p{i}")).status_code == 201
    slugs: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await owner.client.get(projects_url(owner), params=params)).json()
        slugs += [p["slug"] for p in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert slugs == ["default", "p0", "p1", "p2", "p3"]
