"""Members: invited by email (test_invitations.py), roles changed and removed under DESIGN.md §5."""

from __future__ import annotations

import uuid

import httpx
import pytest

from conftest import Account, Factory


def members_url(account: Account, user_id: uuid.UUID | str | None = None) -> str:
    url = f"/api/v1/workspaces/{account.workspace_id}/members"
    return f"{url}/{user_id}" if user_id else url


async def roles_of(client: httpx.AsyncClient, owner: Account) -> dict[str, str]:
    page = (await client.get(members_url(owner))).json()
    return {m["email"]: m["role"] for m in page["items"]}


async def test_every_member_can_list_members(factory: Factory) -> None:
    owner = await factory.account()
    viewer = await factory.member(owner, "viewer")
    assert await roles_of(viewer.client, owner) == {owner.email: "owner", viewer.email: "viewer"}


@pytest.mark.parametrize(
    "body", [{"email": "not-an-email", "role": "viewer"}, {"email": "a@b.io", "role": "god"}]
)
async def test_invalid_member_body_is_422(factory: Factory, body: dict[str, str]) -> None:
    owner = await factory.account()
    response = await owner.client.post(members_url(owner), json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "body"


async def test_adding_an_existing_member_is_409(factory: Factory) -> None:
    owner = await factory.account()
    viewer = await factory.member(owner, "viewer")
    response = await owner.client.post(members_url(owner), json={"email": viewer.email, "role": "editor"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_member"
    assert (await roles_of(owner.client, owner))[viewer.email] == "viewer"


async def test_admin_manages_members_below_admin(factory: Factory) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    carol = await factory.account()
    added = await admin.client.post(members_url(owner), json={"email": carol.email, "role": "viewer"})
    assert added.status_code == 201
    assert (await carol.client.post(f"/api/v1/invitations/{added.json()['id']}/accept")).status_code == 200
    promoted = await admin.client.patch(members_url(owner, carol.user_id), json={"role": "editor"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "editor"
    assert (await admin.client.delete(members_url(owner, carol.user_id))).status_code == 204
    assert carol.email not in await roles_of(owner.client, owner)


@pytest.mark.parametrize("role", ["admin", "owner"])
async def test_admin_cannot_grant_admin_or_owner(factory: Factory, role: str) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    carol = await factory.account()
    added = await admin.client.post(members_url(owner), json={"email": carol.email, "role": role})
    assert added.status_code == 403
    assert added.json()["code"] == "insufficient_role"
    viewer = await factory.member(owner, "viewer")
    promoted = await admin.client.patch(members_url(owner, viewer.user_id), json={"role": role})
    assert promoted.status_code == 403
    roles = await roles_of(owner.client, owner)
    assert carol.email not in roles and roles[viewer.email] == "viewer"


async def test_admin_cannot_demote_or_remove_another_admin_or_the_owner(factory: Factory) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    other_admin = await factory.member(owner, "admin")
    for target in (other_admin, owner):
        demote = await admin.client.patch(members_url(owner, target.user_id), json={"role": "viewer"})
        assert demote.status_code == 403
        assert (await admin.client.delete(members_url(owner, target.user_id))).status_code == 403
    roles = await roles_of(owner.client, owner)
    assert roles[other_admin.email] == "admin" and roles[owner.email] == "owner"


async def test_owner_grants_admin_and_owner(factory: Factory) -> None:
    owner = await factory.account()
    editor = await factory.member(owner, "editor")
    carol = await factory.account()
    assert (
        await owner.client.post(members_url(owner), json={"email": carol.email, "role": "admin"})
    ).status_code == 201
    promoted = await owner.client.patch(members_url(owner, editor.user_id), json={"role": "owner"})
    assert promoted.status_code == 200
    assert (await roles_of(owner.client, owner))[editor.email] == "owner"


async def test_last_owner_cannot_be_demoted_or_removed(factory: Factory) -> None:
    owner = await factory.account()
    demote = await owner.client.patch(members_url(owner, owner.user_id), json={"role": "admin"})
    assert demote.status_code == 409
    assert demote.json()["code"] == "last_owner"
    remove = await owner.client.delete(members_url(owner, owner.user_id))
    assert remove.status_code == 409
    assert (await roles_of(owner.client, owner))[owner.email] == "owner"


async def test_an_owner_can_step_down_when_another_owner_remains(factory: Factory) -> None:
    owner = await factory.account()
    second = await factory.member(owner, "owner")
    response = await owner.client.patch(members_url(owner, owner.user_id), json={"role": "editor"})
    assert response.status_code == 200
    # Now the second owner is the last one.
    assert (await second.client.delete(members_url(owner, second.user_id))).status_code == 409
    assert (await second.client.delete(members_url(owner, owner.user_id))).status_code == 204
    assert await roles_of(second.client, owner) == {second.email: "owner"}


async def test_removed_member_loses_access(factory: Factory) -> None:
    owner = await factory.account()
    editor = await factory.member(owner, "editor")
    assert (await owner.client.delete(members_url(owner, editor.user_id))).status_code == 204
    assert (await editor.client.get(f"/api/v1/workspaces/{owner.workspace_id}")).status_code == 404
    assert (await editor.client.get(f"/api/v1/projects/{owner.project_id}")).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor"])
async def test_viewers_and_editors_cannot_manage_members(factory: Factory, role: str) -> None:
    owner = await factory.account()
    member = await factory.member(owner, role)
    carol = await factory.account()
    add = await member.client.post(members_url(owner), json={"email": carol.email, "role": "viewer"})
    assert add.status_code == 403
    assert (
        await member.client.patch(members_url(owner, member.user_id), json={"role": "owner"})
    ).status_code == 403
    assert (await member.client.delete(members_url(owner, owner.user_id))).status_code == 403


async def test_non_member_user_id_is_404(factory: Factory) -> None:
    owner = await factory.account()
    stranger = await factory.account()
    for user_id in (stranger.user_id, uuid.uuid4()):
        patch = await owner.client.patch(members_url(owner, user_id), json={"role": "viewer"})
        assert patch.status_code == 404
        assert (await owner.client.delete(members_url(owner, user_id))).status_code == 404


async def test_other_tenant_members_are_404_like_a_missing_workspace(factory: Factory) -> None:
    owner = await factory.account()
    viewer = await factory.member(owner, "viewer")
    outsider = await factory.account()
    missing = f"/api/v1/workspaces/{uuid.uuid4()}/members"
    for method, suffix, body in [
        ("GET", "", None),
        ("POST", "", {"email": outsider.email, "role": "viewer"}),
        ("PATCH", f"/{viewer.user_id}", {"role": "owner"}),
        ("DELETE", f"/{viewer.user_id}", None),
    ]:
        theirs = await outsider.client.request(method, members_url(owner) + suffix, json=body)
        nothing = await outsider.client.request(method, missing + suffix, json=body)
        assert theirs.status_code == nothing.status_code == 404, method
        assert theirs.json() == nothing.json()
    assert await roles_of(owner.client, owner) == {owner.email: "owner", viewer.email: "viewer"}


async def test_member_list_paginates(factory: Factory) -> None:
    owner = await factory.account()
    for _ in range(4):
        await factory.member(owner, "viewer")
    first = (await owner.client.get(members_url(owner), params={"limit": 3})).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = (
        await owner.client.get(members_url(owner), params={"limit": 3, "cursor": first["next_cursor"]})
    ).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    emails = [m["email"] for m in first["items"] + second["items"]]
    assert len(set(emails)) == 5
