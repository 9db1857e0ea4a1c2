"""Every failure is RFC 9457 problem+json, never a stack trace; every response carries X-Request-ID."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from conftest import Factory
from promptforge.core.config import Settings
from promptforge.core.errors import Unprocessable
from promptforge.main import create_app

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"].endswith(body["code"])
    assert body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code
    return body


async def test_unknown_route_is_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_problem(await client.post("/nowhere", json={}), 404, "not_found")


async def test_wrong_method_is_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.put("/healthz")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]
    assert_problem(await client.delete("/api/v1/auth/login"), 405)


async def test_validation_errors_locate_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/register", json={"email": "not-an-email", "password": 12})
    body = assert_problem(response, 422, "validation_error")
    locs = [error["loc"] for error in body["errors"]]
    assert ["body", "email"] in locs
    assert ["body", "password"] in locs
    assert ["body", "display_name"] in locs
    assert all(error["msg"] for error in body["errors"])
    assert body["detail"].startswith("body.")


async def test_query_and_path_validation_errors_locate_the_parameter(factory: Factory) -> None:
    ada = await factory.account()
    body = assert_problem(await ada.client.get("/api/v1/workspaces", params={"limit": "many"}), 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]
    body = assert_problem(await ada.client.get("/api/v1/projects/not-a-uuid"), 422)
    assert body["errors"][0]["loc"] == ["path", "project_id"]


async def test_malformed_json_is_422_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"][0] == "body"


async def test_missing_or_bad_credentials_are_401_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/auth/me"), 401, "not_authenticated")
    client.cookies.set("pf_access", "not-a-jwt")
    assert_problem(await client.get("/api/v1/auth/me"), 401, "invalid_session")


async def test_body_over_the_limit_with_content_length_is_413(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    limit = app.state.settings.max_body_bytes
    response = await client.post(
        "/api/v1/auth/login", content=b"x" * (limit + 1), headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 413, "payload_too_large")
    assert str(limit) in body["detail"]


async def test_streamed_body_over_the_limit_is_413(app: FastAPI, client: httpx.AsyncClient) -> None:
    limit = app.state.settings.max_body_bytes
    chunk = b" " * 65536

    async def stream() -> AsyncIterator[bytes]:
        for _ in range(limit // len(chunk) + 2):
            yield chunk

    response = await client.post(
        "/api/v1/auth/login", content=stream(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers  # chunked: the size is not declared
    assert_problem(response, 413, "payload_too_large")


async def test_body_at_the_limit_is_accepted(app: FastAPI, client: httpx.AsyncClient) -> None:
    limit = app.state.settings.max_body_bytes
    payload = b'{"email": "a@example.com", "password": "x"}'
    response = await client.post(
        "/api/v1/auth/login",
        content=payload + b" " * (limit - len(payload)),
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 401)  # parsed and checked: wrong credentials, not too large


@pytest.fixture
async def crashing_app(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    # No SPA: its catch-all GET (installed last by create_app) would answer /boom added afterwards.
    application = create_app(settings.model_copy(update={"spa_dir": tmp_path}))

    @application.get("/boom", operation_id="test-boom")
    async def boom() -> None:
        raise RuntimeError("connection to db://admin:hunter2@10.0.0.5 failed in secret_module.py")

    @application.get("/surrogate", operation_id="test-surrogate")
    async def surrogate() -> None:
        # what a message quoting a client's JSON string "\ud800" looks like
        raise Unprocessable("name '\ud800' is bad", errors=[{"loc": ["body", "\udfff"], "msg": "x\ud800"}])

    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_unhandled_error_is_500_problem_without_internals(crashing_app: httpx.AsyncClient) -> None:
    response = await crashing_app.get("/boom", headers={"X-Request-ID": "crash-1"})
    body = assert_problem(response, 500, "internal_error")
    for leak in ("hunter2", "secret_module", "RuntimeError", "Traceback", "10.0.0.5"):
        assert leak not in response.text
    assert body["detail"] == "An unexpected error occurred."
    # The request id is what lets an operator find the logged traceback.
    assert response.headers["x-request-id"] == "crash-1"


async def test_a_message_quoting_a_lone_surrogate_is_still_answered(crashing_app: httpx.AsyncClient) -> None:
    response = await crashing_app.get("/surrogate")
    body = assert_problem(response, 422, "validation_error")
    assert body["detail"] == "name '\\ud800' is bad"  # the surrogate is spelled out as text
    assert body["errors"] == [{"loc": ["body", "\\udfff"], "msg": "x\\ud800"}]


async def test_request_id_is_generated_per_request(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(len(i) >= 16 and i.isalnum() for i in ids)
    assert ids[0] != ids[1]


async def test_request_id_is_echoed_when_sent(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "trace-abc-123"})
    assert response.headers["x-request-id"] == "trace-abc-123"
    # Also on errors, which is where it matters.
    missing = await client.get("/api/v1/nope", headers={"X-Request-ID": "trace-404"})
    assert missing.headers["x-request-id"] == "trace-404"
    denied = await client.get("/api/v1/auth/me", headers={"X-Request-ID": "trace-401"})
    assert denied.headers["x-request-id"] == "trace-401"


async def test_unusable_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert response.headers["x-request-id"] != "x" * 500
    assert 0 < len(response.headers["x-request-id"]) <= 128


async def test_invalid_json_body_says_so(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", content=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    body = assert_problem(response, 422, "invalid_json")
    assert body["detail"] == "The request body is not valid JSON."
