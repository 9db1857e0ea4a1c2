"""GET /api/v1/api-keys/me: an API key learns its own role and project (what `pf` starts from)."""

from __future__ import annotations

import httpx

from conftest import Factory, new_client


async def test_a_key_describes_itself_and_its_project(factory: Factory) -> None:
    owner = await factory.account()
    created = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/api-keys", json={"name": "ci", "role": "editor"}
    )
    secret = created.json()["secret"]

    async with new_client(factory.app) as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        response = await client.get("/api/v1/api-keys/me")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == created.json()["id"]
    assert (body["name"], body["role"], body["project_id"]) == ("ci", "editor", owner.project_id)
    assert body["workspace_id"] == owner.workspace_id
    assert body["project_slug"] == "default"
    assert body["prefix"] == created.json()["prefix"] and "secret" not in body


async def test_a_signed_in_user_is_told_to_use_auth_me(factory: Factory) -> None:
    owner = await factory.account()
    response = await owner.client.get("/api/v1/api-keys/me")
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_api_key"
    assert "/api/v1/auth/me" in response.json()["detail"]


async def test_a_revoked_key_gets_401(factory: Factory, client: httpx.AsyncClient) -> None:
    owner = await factory.account()
    created = (
        await owner.client.post(
            f"/api/v1/projects/{owner.project_id}/api-keys", json={"name": "old", "role": "viewer"}
        )
    ).json()
    await owner.client.delete(f"/api/v1/projects/{owner.project_id}/api-keys/{created['id']}")
    response = await client.get(
        "/api/v1/api-keys/me", headers={"Authorization": f"Bearer {created['secret']}"}
    )
    assert response.status_code == 401
