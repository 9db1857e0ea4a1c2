"""The audit log: every mutation with actor, action, target, ip and time; filters; pagination; access."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import PASSWORD, Account, Factory, new_client

IP = "203.0.113.7"


def audit_url(workspace_id: str) -> str:
    return f"/api/v1/workspaces/{workspace_id}/audit-log"


def from_ip(app: FastAPI, account: Account, ip: str = IP) -> httpx.AsyncClient:
    """The same signed-in session, seen coming from another address."""
    client = new_client(app, ip)
    client.cookies = account.client.cookies
    client.headers["X-CSRF-Token"] = account.client.headers["X-CSRF-Token"]
    return client


async def events(client: httpx.AsyncClient, workspace_id: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(audit_url(workspace_id), params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_every_mutation_is_recorded_with_actor_action_target_ip_and_time(
    app: FastAPI, factory: Factory
) -> None:
    ada = await factory.account("ada")
    bob = await factory.account("bob")
    start = datetime.now(UTC) - timedelta(seconds=1)
    expected: list[tuple[str, str, str]] = []  # (action, target_type, target_id), oldest first
    async with from_ip(app, ada) as client:

        async def call(method: str, url: str, body: Any = None, status: int = 200) -> Any:
            response = await client.request(method, url, json=body)
            assert response.status_code == status, response.text
            return response.json() if response.content else None

        ws = await call("POST", "/api/v1/workspaces", {"name": "Acme", "slug": "acme"}, 201)
        expected.append(("workspace.created", "workspace", ws["id"]))
        base = f"/api/v1/workspaces/{ws['id']}"
        await call("PATCH", base, {"name": "Acme Inc"})
        expected.append(("workspace.updated", "workspace", ws["id"]))
        invitation = await call("POST", f"{base}/members", {"email": bob.email, "role": "viewer"}, 201)
        expected.append(("invitation.created", "invitation", invitation["id"]))
        accepted = await bob.client.post(f"/api/v1/invitations/{invitation['id']}/accept")
        assert accepted.status_code == 200, accepted.text
        # by bob, who accepted; with invitation.accepted, whose id may sort either side (same ms)
        expected.append(("member.added", "user", str(bob.user_id)))
        await call("PATCH", f"{base}/members/{bob.user_id}", {"role": "editor"})
        expected.append(("member.role_changed", "user", str(bob.user_id)))
        await call("DELETE", f"{base}/members/{bob.user_id}", status=204)
        expected.append(("member.removed", "user", str(bob.user_id)))
        project = await call("POST", f"{base}/projects", {"name": "Bot", "slug": "bot"}, 201)
        expected.append(("project.created", "project", project["id"]))
        await call("PATCH", f"/api/v1/projects/{project['id']}", {"name": "Chatbot"})
        expected.append(("project.updated", "project", project["id"]))
        key = await call(
            "POST", f"/api/v1/projects/{project['id']}/api-keys", {"name": "ci", "role": "viewer"}, 201
        )
        expected.append(("api_key.created", "api_key", key["id"]))
        await call("DELETE", f"/api/v1/projects/{project['id']}/api-keys/{key['id']}", status=204)
        expected.append(("api_key.revoked", "api_key", key["id"]))
        await call("DELETE", f"/api/v1/projects/{project['id']}", status=204)
        expected.append(("project.deleted", "project", project["id"]))
    end = datetime.now(UTC) + timedelta(seconds=1)

    log = await events(ada.client, ws["id"])
    ordered = [(e["action"], e["target_type"], e["target_id"]) for e in log]
    ordered.remove(("invitation.accepted", "invitation", invitation["id"]))
    assert ordered == expected[::-1]  # newest first
    for event in log:
        by_bob = event["action"] in {"member.added", "invitation.accepted"}
        assert event["actor_label"] == (bob.email if by_bob else "ada@example.com")
        assert event["actor_user_id"] == str(bob.user_id if by_bob else ada.user_id)
        assert event["actor_api_key_id"] is None
        assert event["ip"] == ("127.0.0.1" if by_bob else IP)
        assert event["workspace_id"] == ws["id"]
        assert start <= datetime.fromisoformat(event["created_at"]) <= end
    by_action = {e["action"]: e for e in log}
    assert by_action["invitation.created"]["data"] == {"email": bob.email, "role": "viewer"}
    assert by_action["member.added"]["data"]["email"] == bob.email
    assert by_action["member.role_changed"]["data"] == {"email": bob.email, "from": "viewer", "to": "editor"}
    assert "secret" not in str(by_action["api_key.created"]["data"])
    assert key["secret"] not in str(log)


async def test_registration_records_the_personal_workspace(app: FastAPI) -> None:
    async with new_client(app, IP) as client:
        body = {"email": "Reg@Example.com", "password": PASSWORD, "display_name": "Reg"}
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
        login = await client.post(
            "/api/v1/auth/login", json={"email": "reg@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200
        [membership] = (await client.get("/api/v1/auth/me")).json()["memberships"]
        workspace_id = membership["workspace"]["id"]
        response = await client.get(audit_url(workspace_id))
    [event] = response.json()["items"]
    assert event["action"] == "workspace.created"
    assert event["actor_label"] == "reg@example.com"
    assert event["target_id"] == workspace_id
    assert event["ip"] == IP


async def test_a_refused_mutation_leaves_no_event(factory: Factory) -> None:
    ada = await factory.account()
    before = await events(ada.client, ada.workspace_id)
    base = f"/api/v1/workspaces/{ada.workspace_id}"
    duplicate = await ada.client.post(f"{base}/projects", json={"name": "Dup", "slug": "default"})
    assert duplicate.status_code == 409
    myself = await ada.client.post(f"{base}/members", json={"email": ada.email, "role": "viewer"})
    assert myself.status_code == 409
    assert await events(ada.client, ada.workspace_id) == before


async def test_api_key_actor_is_recorded_as_the_key(app: FastAPI, factory: Factory) -> None:
    ada = await factory.account()
    key = (
        await ada.client.post(
            f"/api/v1/projects/{ada.project_id}/api-keys", json={"name": "deploy-bot", "role": "editor"}
        )
    ).json()
    headers = {"Authorization": f"Bearer {key['secret']}"}
    async with new_client(app) as bot:
        created = await bot.post(
            f"/api/v1/projects/{ada.project_id}/prompts",
            json={"name": "greeting", "kind": "text", "template": "Hi"},
            headers=headers,
        )
        assert created.status_code == 201
    [event] = await events(ada.client, ada.workspace_id, actor="deploy-bot")
    assert event["actor_label"] == "api_key:deploy-bot"
    assert event["actor_api_key_id"] == key["id"]
    assert event["actor_user_id"] is None
    assert event["project_id"] == ada.project_id


async def test_filter_by_action_prefix_and_actor(factory: Factory) -> None:
    owner = await factory.account("olga")
    admin = await factory.member(owner, "admin", name="adam")  # invited by olga, member.added by adam
    carol = await factory.account("carol")
    base = f"/api/v1/workspaces/{owner.workspace_id}"
    invited = await admin.client.post(f"{base}/members", json={"email": carol.email, "role": "viewer"})
    assert invited.status_code == 201
    assert (await carol.client.post(f"/api/v1/invitations/{invited.json()['id']}/accept")).status_code == 200
    assert (
        await admin.client.patch(f"{base}/members/{carol.user_id}", json={"role": "editor"})
    ).status_code == 200
    assert (await admin.client.post(f"{base}/projects", json={"name": "P", "slug": "p"})).status_code == 201

    members = await events(owner.client, owner.workspace_id, action="member.")
    assert [e["action"] for e in members] == ["member.role_changed", "member.added", "member.added"]
    added = await events(owner.client, owner.workspace_id, action="member.added")
    assert {e["target_id"] for e in added} == {str(admin.user_id), str(carol.user_id)}
    assert await events(owner.client, owner.workspace_id, action="member.added.") == []
    assert await events(owner.client, owner.workspace_id, action="%") == []  # a prefix, not a pattern

    by_adam = await events(owner.client, owner.workspace_id, actor="ADAM@example")
    actions = [e["action"] for e in by_adam]
    assert actions[:3] == ["project.created", "member.role_changed", "invitation.created"]
    assert sorted(actions[3:]) == ["invitation.accepted", "member.added"]  # one request: same ms
    assert {e["actor_label"] for e in by_adam} == {"adam@example.com"}
    by_olga = await events(owner.client, owner.workspace_id, actor="olga", action="invitation.")
    assert [e["data"]["email"] for e in by_olga] == [admin.email]
    assert await events(owner.client, owner.workspace_id, actor="nobody") == []


async def test_pagination_walks_every_event_once_newest_first(factory: Factory) -> None:
    owner = await factory.account()
    for i in range(8):
        response = await owner.client.post(
            f"/api/v1/workspaces/{owner.workspace_id}/projects", json={"name": "P", "slug": f"p{i}"}
        )
        assert response.status_code == 201
    everything = await events(owner.client, owner.workspace_id)
    assert len(everything) == 9  # workspace.created + 8 x project.created

    walked: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        response = await owner.client.get(audit_url(owner.workspace_id), params=params)
        assert response.status_code == 200
        page = response.json()
        assert set(page) == {"items", "next_cursor"}
        assert 0 < len(page["items"]) <= 4
        walked += page["items"]
        pages += 1
        if (cursor := page["next_cursor"]) is None:
            break
    assert pages == 3
    assert [e["id"] for e in walked] == [e["id"] for e in everything]
    assert len({e["id"] for e in walked}) == 9
    times = [datetime.fromisoformat(e["created_at"]) for e in walked]
    assert times == sorted(times, reverse=True)
    assert walked[-1]["action"] == "workspace.created"


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 101}, ["query", "limit"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"cursor": "nope"}, ["query", "cursor"]),
    ],
)
async def test_bad_page_parameters_are_422(factory: Factory, params: dict[str, Any], loc: list[str]) -> None:
    owner = await factory.account()
    response = await owner.client.get(audit_url(owner.workspace_id), params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == loc


async def test_limit_100_is_allowed(factory: Factory) -> None:
    owner = await factory.account()
    response = await owner.client.get(audit_url(owner.workspace_id), params={"limit": 100})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("editor", 403), ("admin", 200), ("owner", 200)]
)
async def test_audit_log_is_for_admins_and_owners(factory: Factory, role: str, status: int) -> None:
    owner = await factory.account()
    member = owner if role == "owner" else await factory.member(owner, role)
    response = await member.client.get(audit_url(owner.workspace_id))
    assert response.status_code == status
    if status == 200:
        assert {e["action"] for e in response.json()["items"]} >= {"workspace.created"}


async def test_other_tenants_and_keys_cannot_read_the_audit_log(factory: Factory) -> None:
    owner = await factory.account()
    outsider = await factory.account()
    theirs = await outsider.client.get(audit_url(owner.workspace_id))
    missing = await outsider.client.get(audit_url(str(uuid.uuid4())))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    key = await factory.api_key(owner, "editor")
    assert (await key.get(audit_url(owner.workspace_id))).status_code == 403
