"""Project API keys: the secret shown once, Bearer auth for its project only, revocation, expiry."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from conftest import Account, Factory, new_client


def keys_url(account: Account, project_id: str | None = None) -> str:
    return f"/api/v1/projects/{project_id or account.project_id}/api-keys"


async def create_key(account: Account, **extra: object) -> httpx.Response:
    return await account.client.post(keys_url(account), json={"name": "ci", "role": "viewer", **extra})


def bearer(app: FastAPI, secret: str) -> httpx.AsyncClient:
    client = new_client(app)
    client.headers["Authorization"] = f"Bearer {secret}"
    return client


async def test_create_shows_the_secret_once(factory: Factory) -> None:
    owner = await factory.account()
    response = await create_key(owner, role="editor")
    assert response.status_code == 201
    key = response.json()
    secret = key["secret"]
    assert secret.startswith("pf_") and len(secret) >= 40
    assert secret.startswith(key["prefix"]) and key["prefix"] != secret
    assert key["role"] == "editor" and key["name"] == "ci"
    assert key["project_id"] == owner.project_id
    assert key["revoked_at"] is None and key["expires_at"] is None

    listing = await owner.client.get(keys_url(owner))
    assert listing.status_code == 200
    [listed] = listing.json()["items"]
    assert "secret" not in listed
    assert secret not in listing.text
    assert listed["id"] == key["id"] and listed["prefix"] == key["prefix"]


async def test_each_key_has_its_own_secret(factory: Factory) -> None:
    owner = await factory.account()
    first = (await create_key(owner)).json()
    second = (await create_key(owner)).json()
    assert first["secret"] != second["secret"]
    assert len((await owner.client.get(keys_url(owner))).json()["items"]) == 2


async def test_bearer_key_works_for_its_project_only(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    sibling = await owner.client.post(
        f"/api/v1/workspaces/{owner.workspace_id}/projects", json={"name": "Sibling", "slug": "sibling"}
    )
    stranger = await factory.account()
    secret = (await create_key(owner)).json()["secret"]
    async with bearer(app, secret) as key:
        mine = await key.get(f"/api/v1/projects/{owner.project_id}")
        assert mine.status_code == 200 and mine.json()["id"] == owner.project_id
        for other in (sibling.json()["id"], stranger.project_id):
            theirs = await key.get(f"/api/v1/projects/{other}")
            missing = await key.get(f"/api/v1/projects/{uuid.uuid4()}")
            assert theirs.status_code == missing.status_code == 404
            assert theirs.json() == missing.json()
        # Nothing outside its project: no workspaces, no account.
        assert (await key.get(f"/api/v1/workspaces/{owner.workspace_id}")).status_code == 403
        assert (await key.get("/api/v1/auth/me")).status_code == 403


async def test_key_needs_no_csrf_and_cannot_administer(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    secret = (await create_key(owner, role="editor")).json()["secret"]
    async with bearer(app, secret) as key:
        response = await key.post(keys_url(owner), json={"name": "escalate", "role": "editor"})
    assert response.status_code == 403
    assert response.json()["code"] == "api_key_forbidden"  # refused for its role, not for CSRF


async def test_key_records_last_use(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    secret = (await create_key(owner)).json()["secret"]
    assert (await owner.client.get(keys_url(owner))).json()["items"][0]["last_used_at"] is None
    async with bearer(app, secret) as key:
        assert (await key.get(f"/api/v1/projects/{owner.project_id}")).status_code == 200
    assert (await owner.client.get(keys_url(owner))).json()["items"][0]["last_used_at"] is not None


@pytest.mark.parametrize(
    "authorization", ["Bearer pf_not-a-real-key", "Bearer not-even-prefixed", "Basic dXNlcjpwYXNz", "Bearer"]
)
async def test_unknown_or_malformed_credentials_are_401(
    app: FastAPI, factory: Factory, authorization: str
) -> None:
    owner = await factory.account()
    async with new_client(app) as client:
        response = await client.get(
            f"/api/v1/projects/{owner.project_id}", headers={"Authorization": authorization}
        )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_revoked_key_is_401_at_once_even_when_cached(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    created = (await create_key(owner)).json()
    async with bearer(app, created["secret"]) as key:
        assert (await key.get(f"/api/v1/projects/{owner.project_id}")).status_code == 200  # now cached
        revoke = await owner.client.delete(f"{keys_url(owner)}/{created['id']}")
        assert revoke.status_code == 204
        response = await key.get(f"/api/v1/projects/{owner.project_id}")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_api_key"
    [listed] = (await owner.client.get(keys_url(owner))).json()["items"]
    assert listed["revoked_at"] is not None
    # Revoking again changes nothing.
    assert (await owner.client.delete(f"{keys_url(owner)}/{created['id']}")).status_code == 204


async def test_revoke_through_another_project_is_404(factory: Factory) -> None:
    owner = await factory.account()
    created = (await create_key(owner)).json()
    sibling = (
        await owner.client.post(
            f"/api/v1/workspaces/{owner.workspace_id}/projects", json={"name": "S", "slug": "s"}
        )
    ).json()
    response = await owner.client.delete(f"{keys_url(owner, sibling['id'])}/{created['id']}")
    assert response.status_code == 404
    missing = await owner.client.delete(f"{keys_url(owner)}/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json() == response.json()
    assert (await owner.client.get(keys_url(owner))).json()["items"][0]["revoked_at"] is None


async def test_other_tenant_cannot_see_or_revoke_keys(factory: Factory) -> None:
    owner = await factory.account()
    outsider = await factory.account()
    created = (await create_key(owner)).json()
    assert (await outsider.client.get(keys_url(owner))).status_code == 404
    assert (
        await outsider.client.post(keys_url(owner), json={"name": "x", "role": "viewer"})
    ).status_code == 404
    assert (await outsider.client.delete(f"{keys_url(owner)}/{created['id']}")).status_code == 404
    assert (await owner.client.get(keys_url(owner))).json()["items"][0]["revoked_at"] is None


async def test_expired_key_is_401(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    expires = datetime.now(UTC) + timedelta(seconds=1.5)
    created = await create_key(owner, expires_at=expires.isoformat())
    assert created.status_code == 201
    assert datetime.fromisoformat(created.json()["expires_at"]) == expires
    async with bearer(app, created.json()["secret"]) as key:
        assert (await key.get(f"/api/v1/projects/{owner.project_id}")).status_code == 200  # now cached
        await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.1)
        response = await key.get(f"/api/v1/projects/{owner.project_id}")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_api_key"


@pytest.mark.parametrize("when", [timedelta(seconds=-1), timedelta(days=-365)])
async def test_expiry_in_the_past_is_422(factory: Factory, when: timedelta) -> None:
    owner = await factory.account()
    response = await create_key(owner, expires_at=(datetime.now(UTC) + when).isoformat())
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "expires_at"]
    assert (await owner.client.get(keys_url(owner))).json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"), [({"name": "ci", "role": "admin"}, "role"), ({"name": "", "role": "viewer"}, "name")]
)
async def test_invalid_key_body_is_422(factory: Factory, body: dict[str, str], field: str) -> None:
    owner = await factory.account()
    response = await owner.client.post(keys_url(owner), json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]


async def test_viewer_key_cannot_list_keys(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    key = await factory.api_key(owner, "viewer")
    response = await key.get(keys_url(owner))
    assert response.status_code == 403
