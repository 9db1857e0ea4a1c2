"""Registration, login cookies, refresh rotation and reuse detection, logout, CSRF, throttling."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from conftest import PASSWORD, new_client


async def register(
    client: httpx.AsyncClient, email: str = "Ada@Example.com", password: str = PASSWORD
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/register", json={"email": email, "password": password, "display_name": "Ada"}
    )


async def login(
    client: httpx.AsyncClient, email: str = "ada@example.com", password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


def csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["pf_csrf"]}


async def test_register_creates_user_with_personal_workspace_and_default_project(
    client: httpx.AsyncClient,
) -> None:
    response = await register(client)
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert "password" not in response.text and "hash" not in response.text
    assert (await login(client)).status_code == 200
    me = (await client.get("/api/v1/auth/me")).json()
    assert me["user"]["display_name"] == "Ada"
    [membership] = me["memberships"]
    assert membership["role"] == "owner"
    projects = (await client.get(f"/api/v1/workspaces/{membership['workspace']['id']}/projects")).json()
    assert [p["slug"] for p in projects["items"]] == ["default"]


async def test_duplicate_email_is_409_case_insensitively(client: httpx.AsyncClient) -> None:
    assert (await register(client, "bob@example.com")).status_code == 201
    response = await register(client, "BOB@example.COM")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "email_taken"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Short1!", "10"),
        ("a" * 129, "128"),
        ("alllowercaseletters", "two kinds"),
        ("1234567890123", "two kinds"),
        ("carol@example.com", "email"),
    ],
)
async def test_weak_passwords_are_422_naming_the_rule(
    client: httpx.AsyncClient, password: str, rule: str
) -> None:
    response = await register(client, "carol@example.com", password)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["loc"][-1] == "password"
    assert rule in body["errors"][0]["msg"] or rule in body["detail"]


async def test_login_sets_three_cookies_and_no_token_in_body(client: httpx.AsyncClient) -> None:
    await register(client)
    response = await login(client)
    assert response.status_code == 200
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert set(cookies) == {"pf_access", "pf_refresh", "pf_csrf"}
    assert "httponly" in cookies["pf_access"] and "samesite=lax" in cookies["pf_access"]
    assert "path=/;" in cookies["pf_access"] or cookies["pf_access"].endswith("path=/")
    assert "httponly" in cookies["pf_refresh"] and "path=/api/v1/auth" in cookies["pf_refresh"]
    assert "httponly" not in cookies["pf_csrf"]
    assert client.cookies["pf_access"] not in response.text
    assert set(response.json()) == {"id", "email", "display_name", "created_at"}


async def test_wrong_password_and_unknown_account_look_the_same(client: httpx.AsyncClient) -> None:
    await register(client)
    wrong = await login(client, password="Wrong-password-1")
    unknown = await login(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_refresh_rotates_and_reuse_revokes_the_family(app: FastAPI, client: httpx.AsyncClient) -> None:
    await register(client)
    await login(client)
    old_refresh = client.cookies.get("pf_refresh", path="/api/v1/auth")
    response = await client.post("/api/v1/auth/refresh")
    assert response.status_code == 200
    new_refresh = client.cookies.get("pf_refresh", path="/api/v1/auth")
    assert new_refresh != old_refresh
    assert (await client.get("/api/v1/auth/me")).status_code == 200

    async with new_client(app) as thief:
        thief.cookies.set("pf_refresh", old_refresh, path="/api/v1/auth")
        replay = await thief.post("/api/v1/auth/refresh")
        assert replay.status_code == 401
        assert replay.json()["code"] == "token_reuse"
    # The whole family is gone: the legitimate refresh token and the current access token too.
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_logout_revokes_access_and_refresh_server_side(app: FastAPI, client: httpx.AsyncClient) -> None:
    await register(client)
    await login(client)
    access = client.cookies["pf_access"]
    refresh_token = client.cookies.get("pf_refresh", path="/api/v1/auth")
    assert (await client.post("/api/v1/auth/logout", headers=csrf(client))).status_code == 204
    async with new_client(app) as replay:
        replay.cookies.set("pf_access", access)
        assert (await replay.get("/api/v1/auth/me")).status_code == 401
        replay.cookies.set("pf_refresh", refresh_token, path="/api/v1/auth")
        assert (await replay.post("/api/v1/auth/refresh")).status_code == 401


async def test_unsafe_cookie_requests_need_the_csrf_header(client: httpx.AsyncClient) -> None:
    await register(client)
    await login(client)
    body = {"name": "Team", "slug": "team"}
    missing = await client.post("/api/v1/workspaces", json=body)
    assert missing.status_code == 403
    assert missing.headers["content-type"] == "application/problem+json"
    forged = await client.post("/api/v1/workspaces", json=body, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    other_origin = await client.post(
        "/api/v1/workspaces", json=body, headers={**csrf(client), "Origin": "https://evil.example"}
    )
    assert other_origin.status_code == 403
    assert (await client.post("/api/v1/workspaces", json=body, headers=csrf(client))).status_code == 201


async def test_csrf_cookie_planted_by_an_attacker_is_refused(client: httpx.AsyncClient) -> None:
    await register(client)
    await login(client)
    client.cookies.set("pf_csrf", "attacker-chosen")
    response = await client.post(
        "/api/v1/workspaces", json={"name": "T", "slug": "t"}, headers={"X-CSRF-Token": "attacker-chosen"}
    )
    assert response.status_code == 403


async def test_login_throttle_per_account_locks_even_the_right_password(client: httpx.AsyncClient) -> None:
    await register(client)
    for _ in range(25):
        assert (await login(client, password="Wrong-password-1")).status_code == 401
    locked = await login(client)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.headers["content-type"] == "application/problem+json"


async def test_signup_can_be_closed(app: FastAPI, client: httpx.AsyncClient) -> None:
    app.state.settings.allow_signup = False
    try:
        response = await register(client)
    finally:
        app.state.settings.allow_signup = True
    assert response.status_code == 403
    assert response.json()["code"] == "signup_closed"


async def test_blank_display_name_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "e@example.com", "password": PASSWORD, "display_name": "   "}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "display_name"]


async def test_refused_refresh_clears_the_session_cookies(client: httpx.AsyncClient) -> None:
    client.cookies.set("pf_refresh", "not-a-real-token", path="/api/v1/auth")
    response = await client.post("/api/v1/auth/refresh")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    cleared = {
        c.split("=", 1)[0] for c in response.headers.get_list("set-cookie") if "max-age=0" in c.lower()
    }
    assert cleared == {"pf_access", "pf_refresh", "pf_csrf"}
