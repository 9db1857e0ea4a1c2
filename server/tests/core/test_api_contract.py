"""What the OpenAPI promises matches what the API answers: the findings of schemathesis, one test each."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from conftest import Factory

METHODS = {"get", "put", "post", "delete", "patch"}


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    schema = app.openapi()
    return [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


async def test_405_lists_every_method_of_the_path(factory: Factory) -> None:
    owner = await factory.account()
    response = await owner.client.options(f"/api/v1/projects/{owner.project_id}")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "method_not_allowed"
    # GET, PATCH and DELETE are three routes: Starlette alone names only the first one's method.
    assert response.headers["allow"] == "DELETE, GET, PATCH"
    response = await owner.client.put(f"/api/v1/projects/{owner.project_id}/prompts/x/versions")
    assert response.headers["allow"] == "GET, POST"


async def test_allow_header_matches_the_openapi_for_every_path(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    documented: dict[str, set[str]] = {}
    for path, method, _ in operations(app):
        documented.setdefault(path, set()).add(method.upper())
    for path, methods in documented.items():
        # Any value matches a path parameter, except those typed by a convertor (`{item_id:uuid}`).
        concrete = path
        for typed in ("{item_id}", "{evaluation_id}"):
            concrete = concrete.replace(typed, str(uuid.uuid4()))
        concrete = concrete.replace("{", "").replace("}", "")
        response = await client.request("TRACE", concrete)
        assert response.status_code == 405, (path, response.status_code)
        assert set(response.headers["allow"].split(", ")) == methods, path


async def test_unreadable_body_is_a_documented_400(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}"
    response = await owner.client.patch(
        url, content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_body"
    documented = app.openapi()["paths"]["/api/v1/projects/{project_id}"]["patch"]["responses"]
    assert "400" in documented


async def test_every_operation_documents_the_errors_any_route_can_answer(app: FastAPI) -> None:
    public = {
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/public/health",
    }
    for path, method, op in operations(app):
        documented = set(op["responses"])
        langfuse = path.startswith("/api/public/")
        expected = {"413", "500"}
        if path.startswith("/api/"):
            expected.add("503")
        if path not in public:
            expected |= {"401", "403"}
        if "requestBody" in op:
            expected |= {"400", "422"}
        if op.get("parameters"):
            expected.add("422")
        if langfuse:  # Langfuse's API: validation failures are 400, errors are Langfuse's body
            expected = (expected - {"422"}) | ({"400"} if "422" in expected else set())
        assert expected <= documented, (method, path, expected - documented)
        for status in expected:
            content = op["responses"][status]["content"]
            if langfuse:
                assert content == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/LangfuseErrorBody"}}
                }
                continue
            if path.startswith("/api/gateway/"):  # OpenAI's error shape, for the OpenAI SDKs
                assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/OpenAIError"}
                continue
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/ProblemDetails"
            }


async def test_cursor_constraints_are_in_the_schema(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    response = await owner.client.get("/api/v1/workspaces", params={"cursor": "not-a-cursor"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]
    for path, method, op in operations(app):
        for parameter in op.get("parameters", []):
            if parameter["name"] == "cursor":
                variants = parameter["schema"].get("anyOf", [parameter["schema"]])
                assert {"type": "string", "format": "uuid"} in variants, (method, path)


async def test_request_strings_say_nul_is_refused_and_the_api_refuses_it(
    factory: Factory, app: FastAPI
) -> None:
    components = app.openapi()["components"]["schemas"]
    assert components["WorkspaceCreate"]["properties"]["name"]["pattern"] == "^[^\\x00]*$"
    # Rendered output may legitimately hold a NUL: response-only schemas make no such promise.
    assert "pattern" not in components["RenderedPrompt"]["properties"]["text"]["anyOf"][0]
    owner = await factory.account()
    response = await owner.client.post("/api/v1/workspaces", json={"name": "a\u0000b", "slug": "nul-ws"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]
