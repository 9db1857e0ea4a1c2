"""The Langfuse-compatible API over plain HTTP: every error shape and status, roles, tenants, bounds."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from conftest import Account, Factory, new_client
from langfuse_server import Keys, new_key

PUBLIC = "/api/public/v2/prompts"


def lf_client(app: FastAPI, keys: Keys, factory: Factory) -> httpx.AsyncClient:
    client = new_client(app)
    client.auth = httpx.BasicAuth(keys.public_key, keys.secret)
    factory.clients.append(client)
    return client


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error and isinstance(body["message"], str) and body["message"]
    return body


async def greeting(owner: Account) -> str:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    created = await owner.client.post(
        url,
        json={"name": "greeting", "kind": "text", "template": "Hello {{ name }}", "model_config": {"m": 1}},
    )
    assert created.status_code == 201, created.text
    await owner.client.put(f"{url}/greeting/labels/production", json={"version": 1})
    return url


async def test_key_creation_shows_the_public_key_and_langfuse_lines(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    keys = await new_key(owner, "viewer")
    assert keys.public_key.startswith("pk-pf-")
    assert keys.langfuse_env == (
        f"LANGFUSE_PUBLIC_KEY={keys.public_key}\nLANGFUSE_SECRET_KEY={keys.secret}\nLANGFUSE_HOST=http://testserver\n"
    )
    listed = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/api-keys")).json()["items"]
    assert [k["public_key"] for k in listed] == [keys.public_key] and "secret" not in listed[0]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer pf_whatever",
        "Basic !!!not-base64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"pk-pf-0000:pf_wrong").decode(),
    ],
)
async def test_bad_credentials_are_401_in_langfuse_shape(app: FastAPI, authorization: str | None) -> None:
    async with new_client(app) as client:
        headers = {"Authorization": authorization} if authorization else {}
        for method, path in (
            ("GET", f"{PUBLIC}/greeting"),
            ("GET", PUBLIC),
            ("POST", PUBLIC),
            ("GET", "/api/public/projects"),
        ):
            response = await client.request(
                method, path, headers=headers, json={} if method == "POST" else None
            )
            assert_error(response, 401, "UnauthorizedError")
            assert response.headers["www-authenticate"].startswith("Basic")


async def test_pairs_must_match_and_revoked_keys_stop(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    await greeting(owner)
    first, second = await new_key(owner, "viewer"), await new_key(owner, "viewer")
    good = lf_client(app, first, factory)
    assert (await good.get(f"{PUBLIC}/greeting")).status_code == 200  # warms every cache
    mixed = lf_client(app, Keys(first.public_key, second.secret, ""), factory)
    assert_error(await mixed.get(f"{PUBLIC}/greeting"), 401, "UnauthorizedError")
    key_id = next(
        k["id"]
        for k in (await owner.client.get(f"/api/v1/projects/{owner.project_id}/api-keys")).json()["items"]
        if k["public_key"] == first.public_key
    )
    assert (
        await owner.client.delete(f"/api/v1/projects/{owner.project_id}/api-keys/{key_id}")
    ).status_code == 204
    assert_error(await good.get(f"{PUBLIC}/greeting"), 401, "UnauthorizedError")


async def test_get_prompt_shape_errors_and_warm_cache(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = await greeting(owner)
    chat = [{"role": "system", "content": "Hi"}, {"role": "placeholder", "name": "history"}]
    await owner.client.post(url, json={"name": "chatty", "kind": "chat", "template": chat})
    client = lf_client(app, await new_key(owner, "viewer"), factory)

    body = (await client.get(f"{PUBLIC}/greeting")).json()
    assert body == {
        "type": "text",
        "name": "greeting",
        "version": 1,
        "prompt": "Hello {{ name }}",
        "config": {"m": 1},
        "labels": ["production", "latest"],
        "tags": [],
        "commitMessage": None,
        "resolutionGraph": None,
    }
    chatty = (await client.get(f"{PUBLIC}/chatty", params={"label": "latest"})).json()
    assert chatty["type"] == "chat"
    assert chatty["prompt"] == [
        {"role": "system", "content": "Hi"},
        {"type": "placeholder", "name": "history"},
    ]

    assert_error(await client.get(f"{PUBLIC}/missing"), 404, "LangfuseNotFoundError")
    assert_error(await client.get(f"{PUBLIC}/chatty"), 404, "LangfuseNotFoundError")  # no production label
    assert_error(await client.get(f"{PUBLIC}/greeting", params={"version": 9}), 404, "LangfuseNotFoundError")
    both = assert_error(
        await client.get(f"{PUBLIC}/greeting", params={"version": 1, "label": "production"}),
        400,
        "InvalidRequestError",
    )
    assert both["details"][0]["loc"] == ["query", "version"]
    for params in ({"version": "abc"}, {"version": 0}, {"label": "Not A Label"}):
        assert_error(await client.get(f"{PUBLIC}/greeting", params=params), 400, "InvalidRequestError")
    assert_error(await client.get(f"{PUBLIC}/a%2Ffolder"), 404, "LangfuseNotFoundError")
    assert_error(await client.delete("/api/public/projects"), 405, "MethodNotAllowedError")

    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            assert (await client.get(f"{PUBLIC}/greeting")).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []  # warm: neither the key nor the prompt touched the database


async def test_create_rules_and_400s_name_the_field(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    await greeting(owner)
    client = lf_client(app, await new_key(owner, "editor"), factory)

    created = await client.post(
        PUBLIC,
        json={
            "name": "notes",
            "prompt": "Note {{ x }}",
            "config": None,
            "labels": ["staging"],
            "tags": None,
            "commitMessage": None,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["labels"] == ["staging", "latest"] and created.json()["type"] == "text"

    cases: list[tuple[dict[str, Any], list[Any]]] = [
        ({"name": "Folder/Upper", "prompt": "x"}, ["body", "name"]),
        ({"name": "a" * 200, "prompt": "x"}, ["body", "name"]),
        ({"name": "ok", "type": "chat", "prompt": [{"role": "tool", "content": "x"}]}, ["body", "prompt"]),
        ({"name": "ok", "type": "chat", "prompt": "plain text"}, ["body", "prompt"]),
        ({"name": "ok", "prompt": "x", "config": [1, 2]}, ["body", "config"]),
        ({"name": "ok", "prompt": "x", "labels": ["Bad Label"]}, ["body", "labels", 0]),
        ({"name": "ok", "prompt": "{% if %}"}, ["body", "prompt"]),
        (
            {"name": "greeting", "type": "chat", "prompt": [{"role": "user", "content": "x"}]},
            ["body", "type"],
        ),
    ]
    for payload, loc in cases:
        body = assert_error(await client.post(PUBLIC, json=payload), 400, "InvalidRequestError")
        assert body["details"][0]["loc"][: len(loc)] == loc, (payload, body)
    not_json = await client.post(PUBLIC, content=b"{nope", headers={"content-type": "application/json"})
    assert_error(not_json, 400, "InvalidRequestError")

    # Protected labels: no API key may move `production` (the prompts service decides, as in /api/v1).
    assert_error(
        await client.post(PUBLIC, json={"name": "notes", "prompt": "v2", "labels": ["production"]}),
        403,
        "ForbiddenError",
    )
    assert (await owner.client.get(f"/api/v1/projects/{owner.project_id}/prompts/notes")).json()[
        "latest_version"
    ] == 1


async def test_patch_labels_list_and_delete(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    url = await greeting(owner)
    await owner.client.post(f"{url}/greeting/versions", json={"template": "Hi {{ name }}"})
    await owner.client.post(url, json={"name": "tagged", "kind": "text", "template": "t", "tags": ["team-a"]})
    editor = lf_client(app, await new_key(owner, "editor"), factory)
    viewer = lf_client(app, await new_key(owner, "viewer"), factory)

    patched = await editor.patch(f"{PUBLIC}/greeting/versions/2", json={"newLabels": ["staging", "canary"]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["labels"] == ["canary", "staging", "latest"]
    assert_error(
        await editor.patch(f"{PUBLIC}/greeting/versions/2", json={"newLabels": ["latest"]}),
        400,
        "InvalidRequestError",
    )
    assert_error(
        await editor.patch(f"{PUBLIC}/greeting/versions/9", json={"newLabels": ["x"]}),
        404,
        "LangfuseNotFoundError",
    )
    assert_error(
        await editor.patch(f"{PUBLIC}/greeting/versions/1", json={"newLabels": ["production"]}),
        403,
        "ForbiddenError",
    )
    assert_error(
        await viewer.patch(f"{PUBLIC}/greeting/versions/1", json={"newLabels": ["beta"]}),
        403,
        "ForbiddenError",
    )
    assert_error(await viewer.post(PUBLIC, json={"name": "x", "prompt": "y"}), 403, "ForbiddenError")

    listed = (await viewer.get(PUBLIC)).json()
    assert listed["meta"] == {"page": 1, "limit": 50, "totalItems": 2, "totalPages": 1}
    first = listed["data"][0]
    assert (first["name"], first["type"], first["versions"]) == ("greeting", "text", [1, 2])
    assert (
        first["labels"] == ["canary", "latest", "production", "staging"] and first["lastConfig"] == {}
    )  # version 2 has none
    assert [p["name"] for p in (await viewer.get(PUBLIC, params={"tag": "team-a"})).json()["data"]] == [
        "tagged"
    ]
    by_label = (await viewer.get(PUBLIC, params={"label": "production"})).json()["data"]
    assert [(p["name"], p["versions"], p["labels"]) for p in by_label] == [("greeting", [1], ["production"])]
    paged = (await viewer.get(PUBLIC, params={"limit": 1, "page": 2})).json()
    assert [p["name"] for p in paged["data"]] == ["tagged"] and paged["meta"]["totalPages"] == 2
    for params in ({"limit": 101}, {"limit": 0}, {"page": 0}):
        assert_error(await viewer.get(PUBLIC, params=params), 400, "InvalidRequestError")

    assert_error(await viewer.delete(f"{PUBLIC}/tagged"), 403, "ForbiddenError")
    assert_error(await editor.delete(f"{PUBLIC}/tagged", params={"version": 1}), 400, "InvalidRequestError")
    assert (await editor.delete(f"{PUBLIC}/tagged")).status_code == 204
    assert_error(
        await viewer.get(f"{PUBLIC}/tagged", params={"label": "latest"}), 404, "LangfuseNotFoundError"
    )
    assert (await owner.client.get(f"{url}/tagged")).json()["archived"] is True
    # Deleting a prompt that carries `production` takes moving it: an API key may not.
    assert_error(await editor.delete(f"{PUBLIC}/greeting"), 403, "ForbiddenError")
    recreate = await editor.post(PUBLIC, json={"name": "tagged", "prompt": "again"})
    assert_error(recreate, 409, "LangfuseConflictError")


async def test_other_tenants_see_nothing(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    await greeting(owner)
    stranger = await factory.account()
    client = lf_client(app, await new_key(stranger, "editor"), factory)
    assert_error(await client.get(f"{PUBLIC}/greeting"), 404, "LangfuseNotFoundError")
    assert_error(
        await client.patch(f"{PUBLIC}/greeting/versions/1", json={"newLabels": ["x"]}),
        404,
        "LangfuseNotFoundError",
    )
    assert_error(await client.delete(f"{PUBLIC}/greeting"), 404, "LangfuseNotFoundError")
    assert (await client.get(PUBLIC)).json()["data"] == []
    created = await client.post(PUBLIC, json={"name": "greeting", "prompt": "mine"})
    assert created.status_code == 201 and created.json()["version"] == 1  # its own project's prompt


async def test_composition_tags_become_includes(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    client = lf_client(app, await new_key(owner, "editor"), factory)
    base = await client.post(
        PUBLIC, json={"name": "base", "prompt": "Be kind to {{ name }}.", "labels": ["staging"]}
    )
    assert base.status_code == 201
    composed = await client.post(
        PUBLIC,
        json={
            "name": "composed",
            "prompt": "@@@langfusePrompt:name=base|label=staging@@@ Then "
            "@@@langfusePrompt:name=base|version=1@@@",
        },
    )
    assert composed.status_code == 201, composed.text
    resolved = (await client.get(f"{PUBLIC}/composed", params={"label": "latest"})).json()
    assert resolved["prompt"] == "Be kind to {{ name }}. Then Be kind to {{ name }}."
    stored = (await client.get(f"{PUBLIC}/composed", params={"label": "latest", "resolve": "false"})).json()
    assert stored["prompt"] == '{{ prompt("base", label="staging") }} Then {{ prompt("base", version=1) }}'
    # Our render endpoint resolves the same includes.
    rendered = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/prompts/composed/render",
        json={"label": "latest", "variables": {"name": "Ada"}},
    )
    assert rendered.json()["text"] == "Be kind to Ada. Then Be kind to Ada."
    # Moving the included prompt's label shows at once in the composed prompt.
    await client.post(PUBLIC, json={"name": "base", "prompt": "Be brief, {{ name }}.", "labels": ["staging"]})
    again = (await client.get(f"{PUBLIC}/composed", params={"label": "latest"})).json()
    assert again["prompt"] == "Be brief, {{ name }}. Then Be kind to {{ name }}."
    bad = await client.post(PUBLIC, json={"name": "broken", "prompt": "@@@langfusePrompt:version=1@@@"})
    assert_error(bad, 400, "InvalidRequestError")


async def test_health_and_projects(app: FastAPI, factory: Factory) -> None:
    async with new_client(app) as anonymous:
        health = await anonymous.get("/api/public/health")
        assert health.status_code == 200 and health.json()["status"] == "OK"
    owner = await factory.account()
    client = lf_client(app, await new_key(owner, "viewer"), factory)
    projects = (await client.get("/api/public/projects")).json()["data"]
    assert [(p["id"], p["organization"]["id"]) for p in projects] == [(owner.project_id, owner.workspace_id)]


async def test_errors_of_the_middleware_are_langfuse_shaped_too(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    client = lf_client(app, await new_key(owner, "editor"), factory)
    too_big = b'{"name": "big", "prompt": "' + b"x" * (app.state.settings.max_body_bytes + 1) + b'"}'
    response = await client.post(PUBLIC, content=too_big, headers={"content-type": "application/json"})
    assert_error(response, 413, "PayloadTooLargeError")
    nul = await client.get(f"{PUBLIC}/greeting", params={"label": "a\x00b"})
    assert_error(nul, 400, "InvalidRequestError")
