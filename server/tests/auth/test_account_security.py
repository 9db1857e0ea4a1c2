"""Sessions end when they must (issue 8, finding 12): malformed tokens, deleted or deactivated users,
password change and self-deactivation; all answered 401 at once, never 500."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from jose import jwt
from sqlalchemy import delete

from conftest import PASSWORD, Factory, new_client
from promptforge.auth.models import User

NEW_PASSWORD = "Brand-new-pass-77"


def forge(app: FastAPI, **claims: Any) -> str:
    """An access token signed with the server's key, with the claims given (None drops one)."""
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
        "typ": "access",
    }
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, app.state.settings.secret_key)


async def signed_in(app: FastAPI, email: str, password: str = PASSWORD) -> httpx.AsyncClient:
    """A second browser: a fresh session of the same account."""
    client = new_client(app)
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = client.cookies["pf_csrf"]
    return client


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": None},  # would never expire
        {"iat": None},
        {"sub": "not-a-uuid"},
        {"sub": 12345},
        {"sid": "../../etc"},
        {"jti": None},
        {"jti": ["a"]},
        {"exp": "tomorrow"},
        {"typ": "refresh"},
        {"exp": 10**30},  # lives far longer than tokens are issued for (and than revocation marks)
        {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 3900},  # issued in the future
    ],
)
async def test_malformed_access_tokens_are_401_not_500(
    app: FastAPI, factory: Factory, claims: dict[str, Any]
) -> None:
    owner = await factory.account()
    async with new_client(app) as client:
        client.cookies.set("pf_access", forge(app, **{"sub": str(owner.user_id), **claims}))
        for method, url in (("GET", "/api/v1/workspaces"), ("POST", "/api/v1/auth/logout")):
            response = await client.request(method, url)
            assert response.status_code == 401, response.text
            assert response.json()["code"] == "invalid_session"


async def test_a_well_formed_token_is_accepted(app: FastAPI, factory: Factory) -> None:
    """The forged tokens above fail for their defect, not for being forged."""
    owner = await factory.account()
    async with new_client(app) as client:
        client.cookies.set("pf_access", forge(app, sub=str(owner.user_id)))
        assert (await client.get("/api/v1/workspaces")).status_code == 200


async def test_token_of_a_deleted_user_is_401_everywhere(app: FastAPI) -> None:
    # Nothing in the app deletes users; removed behind its back (SQL), an account's tokens stop
    # working at the latest when its cached state expires (auth.service.USER_STATE_TTL), and at once
    # when, as here, no request has cached it yet.
    async with new_client(app) as anonymous:
        body = {"email": "gone@example.com", "password": PASSWORD, "display_name": "Gone"}
        assert (await anonymous.post("/api/v1/auth/register", json=body)).status_code == 201
    client = await signed_in(app, "gone@example.com")
    async with app.state.sessionmaker() as session:
        await session.execute(delete(User).where(User.email == "gone@example.com"))
        await session.commit()
    for url in ("/api/v1/workspaces", "/api/v1/invitations", "/api/v1/auth/me"):
        response = await client.get(url)
        assert response.status_code == 401, url
    created = await client.post("/api/v1/workspaces", json={"name": "W", "slug": "ghost"})
    assert created.status_code == 401
    await client.aclose()


async def test_password_change_ends_every_other_session_at_once(app: FastAPI, factory: Factory) -> None:
    ada = await factory.account("ada")
    other = await signed_in(app, ada.email)
    assert (await other.get("/api/v1/workspaces")).status_code == 200

    changed = await ada.client.post(
        "/api/v1/auth/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text

    assert (await other.get("/api/v1/workspaces")).status_code == 401  # its access token, at once
    assert (await other.post("/api/v1/auth/refresh")).status_code == 401  # and its refresh token
    assert (await ada.client.get("/api/v1/workspaces")).status_code == 200  # this one stays
    assert (await ada.client.post("/api/v1/auth/refresh")).status_code == 200
    async with new_client(app) as fresh:
        old = await fresh.post("/api/v1/auth/login", json={"email": ada.email, "password": PASSWORD})
        assert old.status_code == 401
        new = await fresh.post("/api/v1/auth/login", json={"email": ada.email, "password": NEW_PASSWORD})
        assert new.status_code == 200
    await other.aclose()


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (
            {"current_password": "Wrong-password-1", "new_password": NEW_PASSWORD},
            "current_password",
            "wrong_password",
        ),
        ({"current_password": PASSWORD, "new_password": "aaaaaaaaaaaa"}, "new_password", "weak_password"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password", "weak_password"),
    ],
)
async def test_password_change_refusals_name_the_field(
    app: FastAPI, factory: Factory, body: dict[str, str], field: str, code: str
) -> None:
    ada = await factory.account()
    other = await signed_in(app, ada.email)
    response = await ada.client.post("/api/v1/auth/me/password", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert (await other.get("/api/v1/workspaces")).status_code == 200  # nothing ended
    await other.aclose()


async def test_guessing_the_current_password_is_throttled(app: FastAPI, factory: Factory) -> None:
    ada = await factory.account()
    limit = app.state.settings.login_max_failures_per_account
    body = {"current_password": "Wrong-password-1", "new_password": NEW_PASSWORD}
    statuses = [
        (await ada.client.post("/api/v1/auth/me/password", json=body)).status_code for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [422] * limit and statuses[limit] == 429


async def test_self_deactivation_ends_every_session_and_sign_in(app: FastAPI, factory: Factory) -> None:
    ada = await factory.account()
    other = await signed_in(app, ada.email)
    wrong = await ada.client.post("/api/v1/auth/me/deactivate", json={"password": "Wrong-password-1"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_password"

    response = await ada.client.post("/api/v1/auth/me/deactivate", json={"password": PASSWORD})
    assert response.status_code == 204, response.text
    assert "pf_access=" in response.headers["set-cookie"]  # cleared
    for client in (ada.client, other):
        assert (await client.get("/api/v1/workspaces")).status_code == 401
        assert (await client.post("/api/v1/auth/refresh")).status_code == 401
    async with new_client(app) as fresh:
        login = await fresh.post("/api/v1/auth/login", json={"email": ada.email, "password": PASSWORD})
        assert login.status_code == 401 and login.json()["code"] == "invalid_credentials"
    await other.aclose()


async def test_sole_owner_of_a_shared_workspace_cannot_deactivate(factory: Factory) -> None:
    owner = await factory.account()
    await factory.member(owner, "editor")
    response = await owner.client.post("/api/v1/auth/me/deactivate", json={"password": PASSWORD})
    assert response.status_code == 409 and response.json()["code"] == "last_owner"
    assert (await owner.client.get("/api/v1/workspaces")).status_code == 200


async def test_api_keys_cannot_change_passwords_or_deactivate(factory: Factory) -> None:
    owner = await factory.account()
    key = await factory.api_key(owner, "editor")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert (await key.post("/api/v1/auth/me/password", json=body)).status_code == 403
    assert (await key.post("/api/v1/auth/me/deactivate", json={"password": PASSWORD})).status_code == 403
