"""Variables JSON Schemas from users: nothing outside the schema is resolved, regexes run on RE2."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from conftest import Account, Factory
from promptforge.prompts.models import PromptVersion


class Listener:
    """A local TCP socket that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"type": "string"}')
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def prompts_url(owner: Account) -> str:
    return f"/api/v1/projects/{owner.project_id}/prompts"


async def create(owner: Account, variables: Any, template: str = "{{ x }}", name: str = "p") -> Any:
    return await owner.client.post(
        prompts_url(owner), json={"name": name, "kind": "text", "template": template, "variables": variables}
    )


def with_ref(ref: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"x": {"$ref": ref}}}


def assert_schema_error(response: Any, loc: list[Any]) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_schema"
    assert body["errors"][0]["loc"] == loc
    assert "root:" not in response.text  # nothing of the referenced file comes back


async def test_file_reference_is_refused_at_create(factory: Factory) -> None:
    owner = await factory.account()
    response = await create(owner, with_ref("file:///etc/passwd"))
    assert_schema_error(response, ["body", "variables", "properties", "x", "$ref"])
    assert "does not point inside this schema" in response.json()["detail"]


async def test_http_reference_is_refused_at_create_without_any_request(
    factory: Factory, listener: Listener
) -> None:
    owner = await factory.account()
    response = await create(owner, with_ref(f"http://127.0.0.1:{listener.port}/schema.json"))
    assert_schema_error(response, ["body", "variables", "properties", "x", "$ref"])
    time.sleep(0.2)
    assert listener.connections == 0


async def test_reference_outside_the_schema_is_refused_for_new_versions_and_imports(
    factory: Factory,
) -> None:
    owner = await factory.account()
    assert (await create(owner, None)).status_code == 201
    version = await owner.client.post(
        f"{prompts_url(owner)}/p/versions",
        json={"template": "{{ x }}", "variables": with_ref("file:///etc/hosts")},
    )
    assert_schema_error(version, ["body", "variables", "properties", "x", "$ref"])
    document = {
        "prompts": [
            {
                "name": "q",
                "kind": "text",
                "versions": [
                    {"number": 1, "template": "{{ x }}", "variables": with_ref("https://example.com/s")}
                ],
            }
        ]
    }
    imported = await owner.client.post(f"/api/v1/projects/{owner.project_id}/import", json=document)
    assert_schema_error(
        imported, ["body", "prompts", 0, "versions", 0, "variables", "properties", "x", "$ref"]
    )


async def test_a_stored_schema_with_an_outside_reference_never_fetches_at_render(
    factory: Factory, listener: Listener
) -> None:
    """Schemas saved before the create-time check existed are still never resolved remotely."""
    owner = await factory.account()
    assert (
        await create(owner, {"type": "object", "properties": {"x": {"type": "string"}}})
    ).status_code == 201
    async with factory.app.state.sessionmaker() as session:
        await session.execute(
            update(PromptVersion).values(variables=with_ref(f"http://127.0.0.1:{listener.port}/s.json"))
        )
        await session.commit()
    response = await owner.client.post(
        f"{prompts_url(owner)}/p/render", json={"version": 1, "variables": {"x": 1}}
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_schema"
    time.sleep(0.2)
    assert listener.connections == 0


async def test_internal_references_still_work(factory: Factory) -> None:
    owner = await factory.account()
    schema = {
        "$id": "https://schemas.example/greeting",
        "type": "object",
        "$defs": {
            "name": {"type": "string", "minLength": 2},
            "tone": {"$anchor": "tone", "enum": ["dry", "warm"]},
        },
        "properties": {"x": {"$ref": "#/$defs/name"}, "t": {"$ref": "#tone"}},
        "required": ["x"],
    }
    assert (await create(owner, schema, template="{{ x }} {{ t }}")).status_code == 201
    url = f"{prompts_url(owner)}/p/render"
    ok = await owner.client.post(url, json={"version": 1, "variables": {"x": "Ada", "t": "dry"}})
    assert ok.status_code == 200 and ok.json()["text"] == "Ada dry"
    bad = await owner.client.post(url, json={"version": 1, "variables": {"x": "A", "t": "dry"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "variables", "x"]


@pytest.mark.parametrize(
    ("variables", "loc"),
    [
        (
            {"type": "object", "properties": {"x": {"type": "nope"}}},
            ["body", "variables", "properties", "x", "type"],
        ),
        ({"type": "object", "properties": {"x": {"$ref": "#/$defs/missing"}}}, None),
        (
            {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
            ["body", "variables", "$schema"],
        ),
        ({"type": "array"}, ["body", "variables"]),
    ],
)
async def test_invalid_schemas_are_422_naming_the_field(
    factory: Factory, variables: dict[str, Any], loc: list[Any] | None
) -> None:
    owner = await factory.account()
    response = await create(owner, variables)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_schema"
    if loc is not None:
        assert response.json()["errors"][0]["loc"] == loc


async def test_deeply_nested_schema_is_422_not_500(factory: Factory) -> None:
    owner = await factory.account()
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(200):
        deep = {"type": "object", "properties": {"a": deep}}
    response = await create(owner, deep)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_schema"
    assert "nested deeper" in response.json()["detail"]


async def test_catastrophic_pattern_answers_at_once(factory: Factory) -> None:
    """`^(a+)+$` backtracks exponentially in Python's re: 28 a's and a '!' took 13 s before."""
    owner = await factory.account()
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": "^(a+)+$"}}}
    assert (await create(owner, schema)).status_code == 201
    url = f"{prompts_url(owner)}/p/render"
    start = time.monotonic()
    response = await owner.client.post(url, json={"version": 1, "variables": {"x": "a" * 28 + "!"}})
    assert time.monotonic() - start < 1
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_variable"
    assert response.json()["errors"][0]["loc"] == ["body", "variables", "x"]
    ok = await owner.client.post(url, json={"version": 1, "variables": {"x": "aaaa"}})
    assert ok.status_code == 200


async def test_catastrophic_pattern_properties_answer_at_once(factory: Factory) -> None:
    owner = await factory.account()
    schema = {
        "type": "object",
        "properties": {
            "x": {
                "type": "object",
                "patternProperties": {"^(a+)+$": {"type": "integer"}},
                "additionalProperties": False,
            }
        },
    }
    assert (await create(owner, schema)).status_code == 201
    start = time.monotonic()
    response = await owner.client.post(
        f"{prompts_url(owner)}/p/render", json={"version": 1, "variables": {"x": {"a" * 28 + "!": 1}}}
    )
    assert time.monotonic() - start < 1
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "variables", "x"]


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?=a)b", "a{2000}"])
async def test_patterns_re2_cannot_run_are_refused_at_create(factory: Factory, pattern: str) -> None:
    owner = await factory.account()
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": pattern}}}
    response = await create(owner, schema)
    assert_schema_error(response, ["body", "variables", "properties", "x", "pattern"])
    assert "RE2" in response.json()["detail"]


@pytest.mark.parametrize(
    ("variables", "locs"),
    [
        (  # the reported schema: x → a → b → a
            {
                "type": "object",
                "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                "properties": {"x": {"$ref": "#/$defs/a"}},
            },
            [["$defs", "a", "$ref"], ["$defs", "b", "$ref"]],
        ),
        ({"type": "object", "$ref": "#"}, [["$ref"]]),
        (
            {
                "type": "object",
                "$defs": {"a": {"allOf": [{"minLength": 1}, {"not": {"$ref": "#/$defs/a"}}]}},
                "properties": {"x": {"$ref": "#/$defs/a"}},
            },
            [["$defs", "a", "allOf", 1, "not", "$ref"]],
        ),
        (
            {"type": "object", "properties": {"x": {"anyOf": [{"$ref": "#/properties/x"}]}}},
            [["properties", "x", "anyOf", 0, "$ref"]],
        ),
    ],
)
async def test_reference_cycles_are_refused_at_create(
    factory: Factory, variables: dict[str, Any], locs: list[list[Any]]
) -> None:
    owner = await factory.account()
    response = await create(owner, variables)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_schema"
    assert response.json()["errors"][0]["loc"] in [["body", "variables", *loc] for loc in locs]
    assert "$ref '#" in response.json()["detail"]
    assert "leads back to itself" in response.json()["detail"]


async def test_recursive_schemas_that_descend_still_work(factory: Factory) -> None:
    owner = await factory.account()
    tree = {
        "type": "object",
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                "required": ["kids"],
            }
        },
        "properties": {"x": {"$ref": "#/$defs/node"}},
    }
    assert (await create(owner, tree, template="{{ x.kids|length }}")).status_code == 201
    url = f"{prompts_url(owner)}/p/render"
    ok = await owner.client.post(url, json={"version": 1, "variables": {"x": {"kids": [{"kids": []}]}}})
    assert ok.status_code == 200 and ok.json()["text"] == "1", ok.text
    bad = await owner.client.post(url, json={"version": 1, "variables": {"x": {"kids": [{}]}}})
    assert bad.status_code == 422 and bad.json()["code"] == "missing_variable", bad.text
