"""Invitations (issue 8, finding 10): nobody joins a workspace without consent, and inviting does not
tell whether an e-mail has an account."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import PASSWORD, Account, Factory, new_client


def members_url(account: Account) -> str:
    return f"/api/v1/workspaces/{account.workspace_id}/members"


def invitations_url(account: Account, invitation_id: str | None = None) -> str:
    url = f"/api/v1/workspaces/{account.workspace_id}/invitations"
    return f"{url}/{invitation_id}" if invitation_id else url


async def invite(owner: Account, email: str, role: str = "editor", status: int = 201) -> dict[str, Any]:
    response = await owner.client.post(members_url(owner), json={"email": email, "role": role})
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def roles_of(owner: Account) -> dict[str, str]:
    page = (await owner.client.get(members_url(owner))).json()
    return {m["email"]: m["role"] for m in page["items"]}


async def mine(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/invitations")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_inviting_makes_no_member_until_the_invitee_accepts(factory: Factory) -> None:
    owner = await factory.account("olga")
    bob = await factory.account("bob")
    invitation = await invite(owner, "BOB@Example.com", "owner")
    assert invitation["email"] == "bob@example.com" and invitation["role"] == "owner"
    assert invitation["status"] == "pending" and invitation["invited_by"] == owner.email
    assert invitation["workspace"]["id"] == owner.workspace_id
    assert invitation["expires_at"] > invitation["created_at"]
    # Not a member yet: no access, not listed.
    assert bob.email not in await roles_of(owner)
    assert (await bob.client.get(f"/api/v1/workspaces/{owner.workspace_id}")).status_code == 404

    [received] = await mine(bob.client)
    assert received["id"] == invitation["id"]
    accepted = await bob.client.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["id"] == owner.workspace_id and accepted.json()["role"] == "owner"
    assert (await roles_of(owner))[bob.email] == "owner"
    assert await mine(bob.client) == []
    assert (await owner.client.get(invitations_url(owner))).json()["items"] == []


async def test_same_answer_whether_or_not_the_email_has_an_account(factory: Factory) -> None:
    owner = await factory.account()
    existing = await factory.account("existing")
    known = await invite(owner, existing.email, "viewer")
    unknown = await invite(owner, "nobody-yet@example.com", "viewer")
    assert set(known) == set(unknown)
    for field in ("status", "role", "invited_by", "workspace"):
        assert known[field] == unknown[field]


async def test_someone_who_registers_later_sees_and_accepts_the_invitation(
    app: FastAPI, factory: Factory
) -> None:
    owner = await factory.account()
    invitation = await invite(owner, "Late@Example.com", "viewer")
    async with new_client(app) as late:
        body = {"email": "late@example.com", "password": PASSWORD, "display_name": "Late"}
        assert (await late.post("/api/v1/auth/register", json=body)).status_code == 201
        login = await late.post("/api/v1/auth/login", json={"email": body["email"], "password": PASSWORD})
        assert login.status_code == 200
        late.headers["X-CSRF-Token"] = late.cookies["pf_csrf"]
        assert [i["id"] for i in await mine(late)] == [invitation["id"]]
        assert (await late.post(f"/api/v1/invitations/{invitation['id']}/accept")).status_code == 200
    assert (await roles_of(owner))["late@example.com"] == "viewer"


async def test_only_the_invitee_can_accept_or_decline(factory: Factory) -> None:
    owner = await factory.account()
    bob = await factory.account("bob")
    mallory = await factory.account("mallory")
    invitation = await invite(owner, bob.email)
    for client in (mallory.client, owner.client):
        assert await mine(client) == []
        for action in ("accept", "decline"):
            response = await client.post(f"/api/v1/invitations/{invitation['id']}/{action}")
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
    missing = await bob.client.post(f"/api/v1/invitations/{uuid.uuid4()}/accept")
    assert missing.status_code == 404
    assert set(await roles_of(owner)) == {owner.email}


async def test_declined_and_revoked_invitations_cannot_be_accepted(factory: Factory) -> None:
    owner = await factory.account()
    bob = await factory.account("bob")
    declined = await invite(owner, bob.email)
    assert (await bob.client.post(f"/api/v1/invitations/{declined['id']}/decline")).status_code == 204
    again = await bob.client.post(f"/api/v1/invitations/{declined['id']}/accept")
    assert again.status_code == 409 and again.json()["code"] == "invitation_declined"

    revoked = await invite(owner, bob.email)  # a declined invitation does not block a new one
    listed = (await owner.client.get(invitations_url(owner))).json()["items"]
    assert [i["id"] for i in listed] == [revoked["id"]]
    assert (await owner.client.delete(invitations_url(owner, revoked["id"]))).status_code == 204
    late = await bob.client.post(f"/api/v1/invitations/{revoked['id']}/accept")
    assert late.status_code == 409 and late.json()["code"] == "invitation_revoked"
    twice = await owner.client.delete(invitations_url(owner, revoked["id"]))
    assert twice.status_code == 409 and twice.json()["code"] == "invitation_closed"
    assert set(await roles_of(owner)) == {owner.email}


async def test_expired_invitation_cannot_be_accepted(app: FastAPI, factory: Factory) -> None:
    from sqlalchemy import update

    from promptforge.core.db import utcnow
    from promptforge.workspaces.models import Invitation

    owner = await factory.account()
    bob = await factory.account("bob")
    invitation = await invite(owner, bob.email)
    async with app.state.sessionmaker() as session:
        await session.execute(update(Invitation).values(expires_at=utcnow()))
        await session.commit()
    assert await mine(bob.client) == []
    response = await bob.client.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert response.status_code == 409 and response.json()["code"] == "invitation_expired"
    [listed] = (await owner.client.get(invitations_url(owner))).json()["items"]
    assert listed["status"] == "expired"
    await invite(owner, bob.email)  # an expired invitation does not block a new one


async def test_duplicate_invitation_and_existing_member_are_409(factory: Factory) -> None:
    owner = await factory.account()
    viewer = await factory.member(owner, "viewer")
    member = await invite(owner, viewer.email, status=409)
    assert member["code"] == "already_member"
    await invite(owner, "new@example.com")
    duplicate = await invite(owner, "NEW@example.com", status=409)
    assert duplicate["code"] == "already_invited"


@pytest.mark.parametrize("role", ["admin", "owner"])
async def test_admins_cannot_invite_or_revoke_admins_and_owners(factory: Factory, role: str) -> None:
    owner = await factory.account()
    admin = await factory.member(owner, "admin")
    refused = await admin.client.post(members_url(owner), json={"email": "x@example.com", "role": role})
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_role"
    by_owner = await invite(owner, "y@example.com", role)
    revoke = await admin.client.delete(invitations_url(owner, by_owner["id"]))
    assert revoke.status_code == 403
    below = await invite(admin, "z@example.com", "editor")
    assert (await admin.client.delete(invitations_url(owner, below["id"]))).status_code == 204


@pytest.mark.parametrize("role", ["viewer", "editor"])
async def test_viewers_and_editors_cannot_see_or_manage_invitations(factory: Factory, role: str) -> None:
    owner = await factory.account()
    member = await factory.member(owner, role)
    invitation = await invite(owner, "x@example.com")
    assert (await member.client.get(invitations_url(owner))).status_code == 403
    assert (await member.client.delete(invitations_url(owner, invitation["id"]))).status_code == 403
    add = await member.client.post(members_url(owner), json={"email": "y@example.com", "role": "viewer"})
    assert add.status_code == 403


async def test_invitation_of_another_workspace_is_404(factory: Factory) -> None:
    owner = await factory.account()
    other = await factory.account()
    invitation = await invite(owner, "x@example.com")
    response = await other.client.delete(invitations_url(other, invitation["id"]))
    assert response.status_code == 404
    outsider = await other.client.get(invitations_url(owner))
    assert outsider.status_code == 404


async def test_concurrent_accepts_make_one_membership(factory: Factory) -> None:
    owner = await factory.account()
    bob = await factory.account("bob")
    invitation = await invite(owner, bob.email)
    url = f"/api/v1/invitations/{invitation['id']}/accept"
    responses = await asyncio.gather(*(bob.client.post(url) for _ in range(4)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 200 and all(s == 409 for s in statuses[1:]), [r.text for r in responses]
    assert (await roles_of(owner))[bob.email] == "editor"


async def test_every_step_is_audited(factory: Factory) -> None:
    owner = await factory.account()
    bob = await factory.account("bob")
    accepted = await invite(owner, bob.email)
    await bob.client.post(f"/api/v1/invitations/{accepted['id']}/accept")
    declined = await invite(owner, "carol@example.com")
    revoked = await invite(owner, "dan@example.com")
    await owner.client.delete(invitations_url(owner, revoked["id"]))
    carol = await factory.account("carol")
    assert (await carol.client.post(f"/api/v1/invitations/{declined['id']}/decline")).status_code == 204
    log = (
        await owner.client.get(
            f"/api/v1/workspaces/{owner.workspace_id}/audit-log", params={"action": "invitation."}
        )
    ).json()["items"]
    seen = {(e["action"], e["target_id"]) for e in log}
    assert seen == {
        ("invitation.created", accepted["id"]),
        ("invitation.created", declined["id"]),
        ("invitation.created", revoked["id"]),
        ("invitation.accepted", accepted["id"]),
        ("invitation.revoked", revoked["id"]),
        ("invitation.declined", declined["id"]),
    }


async def test_api_keys_cannot_use_invitation_routes(factory: Factory) -> None:
    owner = await factory.account()
    key = await factory.api_key(owner, "editor")
    assert (await key.get("/api/v1/invitations")).status_code == 403
    assert (await key.post(members_url(owner), json={"email": "a@b.io", "role": "viewer"})).status_code == 403
