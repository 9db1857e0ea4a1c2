"""Issue 8, finding 8: input that cannot be stored or served answers 422 naming the field, never 500.

Integers are bounded to their column, NaN / Infinity are refused (they are not JSON), NUL characters
and lone surrogates are refused in every text field and in URLs.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from conftest import Account, Factory


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def new_prompt(owner: Account, name: str = "greeting") -> str:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    body = {"name": name, "kind": "text", "template": "Hello {{ who }}"}
    response = await owner.client.post(url, json=body)
    assert response.status_code == 201, response.text
    return f"{url}/{name}"


def raw_json(text: str) -> dict[str, Any]:
    """Request arguments sending `text` verbatim (httpx would re-encode NaN or 1e30)."""
    return {"content": text.encode(), "headers": {"Content-Type": "application/json"}}


def error_locs(response: httpx.Response) -> list[list[str | int]]:
    return [error["loc"] for error in response.json()["errors"]]


async def test_label_move_to_a_version_beyond_the_column_is_422(factory: Factory) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    response = await ada.client.put(f"{prompt}/labels/staging", **raw_json('{"version": 1e30}'))
    assert_problem(response, 422, "validation_error")
    assert error_locs(response) == [["body", "version"]]
    response = await ada.client.put(f"{prompt}/labels/staging", json={"version": 2**31})
    assert_problem(response, 422, "validation_error")


async def test_version_number_beyond_the_column_in_the_path_is_422(factory: Factory) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    response = await ada.client.get(f"{prompt}/versions/99999999999999999999")
    assert_problem(response, 422, "validation_error")
    assert error_locs(response) == [["path", "number"]]
    assert_problem(await ada.client.get(f"{prompt}/versions/2147483648"), 422, "validation_error")
    assert_problem(await ada.client.get(f"{prompt}/versions/2147483647"), 404, "not_found")


async def test_diff_against_a_huge_or_exponent_number_is_422(factory: Factory) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    for against in ("1e20", "99999999999999999999"):
        response = await ada.client.get(f"{prompt}/versions/1/diff", params={"against": against})
        assert_problem(response, 422, "validation_error")
        assert error_locs(response) == [["query", "against"]]


@pytest.mark.parametrize("version", ["¹", "٣", "2147483648", "99999999999999999999", "0", "-1", "1.0"])
async def test_resolve_version_must_be_ascii_digits_within_the_column(factory: Factory, version: str) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    key = await factory.api_key(ada, "viewer")
    for client in (ada.client, key):
        response = await client.get(f"{prompt}/resolve", params={"version": version})
        assert_problem(response, 422, "validation_error")
        assert error_locs(response) == [["query", "version"]]
    assert (await key.get(f"{prompt}/resolve", params={"version": "1"})).status_code == 200


async def test_render_version_beyond_the_column_is_422(factory: Factory) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    response = await ada.client.post(f"{prompt}/render", **raw_json('{"version": 1e30}'))
    assert_problem(response, 422, "validation_error")
    assert error_locs(response) == [["body", "version"]]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
async def test_non_finite_numbers_in_model_config_are_422(factory: Factory, number: str) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    body = '{"template": "Hi", "model_config": {"model": "m", "params": {"temperature": @}}}'.replace(
        "@", number
    )
    response = await ada.client.post(f"{prompt}/versions", **raw_json(body))
    problem = assert_problem(response, 422, "validation_error")
    assert error_locs(response) == [["body", "model_config"]]
    assert "params.temperature" in problem["errors"][0]["msg"]
    # Nothing was stored, and what is served stays standard JSON.
    resolved = await ada.client.get(f"{prompt}/resolve", params={"label": "latest"})
    assert resolved.json()["version"] == 1
    json.loads(resolved.text, parse_constant=lambda token: pytest.fail(f"non-standard JSON {token}"))


async def test_non_finite_numbers_in_render_variables_are_422(factory: Factory) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    response = await ada.client.post(f"{prompt}/render", **raw_json('{"variables": {"who": NaN}}'))
    assert_problem(response, 422, "validation_error")
    assert error_locs(response) == [["body", "variables"]]


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800", "\\udfff"])
async def test_nul_and_lone_surrogates_in_text_fields_are_422(factory: Factory, bad: str) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    cases = [
        (
            "POST",
            f"/api/v1/projects/{ada.project_id}/prompts",
            '{"name": "p2", "kind": "text", "template": "Hi", "description": "a@b"}'.replace("@", bad),
            ["body", "description"],
        ),
        ("POST", f"{prompt}/versions", '{"template": "Hello @"}'.replace("@", bad), ["body", "template"]),
        (
            "POST",
            f"{prompt}/versions",
            '{"template": "Hi", "model_config": {"stop": ["x@"]}}'.replace("@", bad),
            ["body", "model_config"],
        ),
        ("PATCH", prompt, '{"description": "@"}'.replace("@", bad), ["body", "description"]),
        (
            "POST",
            "/api/v1/workspaces",
            '{"name": "W@", "slug": "w-@"}'.replace("W@", "W" + bad).replace("@", ada.workspace_id[:8]),
            ["body", "name"],
        ),
        ("POST", f"{prompt}/render", '{"variables": {"who": "@"}}'.replace("@", bad), ["body", "variables"]),
    ]
    for method, url, body, loc in cases:
        response = await ada.client.request(method, url, **raw_json(body))
        if response.status_code == 422 and response.json()["code"] == "invalid_json":
            continue  # the hot path's strict JSON parser refuses a lone surrogate as invalid JSON
        assert_problem(response, 422, "validation_error")
        assert loc in error_locs(response), (url, body, response.text)
    versions = (await ada.client.get(f"{prompt}/versions")).json()["items"]
    assert len(versions) == 1


async def test_lone_surrogate_in_a_chat_message_is_422(factory: Factory) -> None:
    ada = await factory.account()
    url = f"/api/v1/projects/{ada.project_id}/prompts"
    body = '{"name": "chat", "kind": "chat", "template": [{"role": "user", "content": "\\ud83d"}]}'
    response = await ada.client.post(url, **raw_json(body))
    assert_problem(response, 422, "validation_error")
    assert all(loc[:2] == ["body", "template"] for loc in error_locs(response)), response.text


@pytest.mark.parametrize(
    ("path", "query", "part"),
    [
        ("/prompts/a%00b", {}, "path"),
        ("/prompts/greeting/versions", {"cursor": "\x00"}, "query"),
        ("/prompts", {"q": "a\x00b"}, "query"),
    ],
)
async def test_nul_in_the_url_is_422(factory: Factory, path: str, query: dict[str, str], part: str) -> None:
    ada = await factory.account()
    await new_prompt(ada)
    response = await ada.client.get(f"/api/v1/projects/{ada.project_id}{path}", params=query)
    assert_problem(response, 422, "validation_error")
    assert error_locs(response) == [[part]]


async def test_valid_unicode_text_is_kept(factory: Factory) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    text = "Grüße 👋 {{ who }} — ¹²³"
    body = {"template": text, "model_config": {"t": 0.5}}
    response = await ada.client.post(f"{prompt}/versions", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["template"] == text
    assert response.json()["model_config"] == {"t": 0.5}


@pytest.mark.parametrize("depth", [5_000, 200_000])
async def test_deeply_nested_json_body_is_422(factory: Factory, depth: int) -> None:
    ada = await factory.account()
    prompt = await new_prompt(ada)
    nested = "[" * depth + "]" * depth
    body = '{"template": "Hi", "model_config": {"stop": @}}'.replace("@", nested)
    response = await ada.client.post(f"{prompt}/versions", **raw_json(body))
    assert_problem(response, 422, "invalid_json")
    variables = '{"variables": {"x": @}}'.replace("@", nested)
    response = await ada.client.post(f"{prompt}/render", **raw_json(variables))
    assert_problem(response, 422, "invalid_json")


async def test_rendered_output_is_not_held_to_the_input_rules(factory: Factory) -> None:
    """A template may print a NUL through a Jinja escape: that is output, served as JSON, not a 500."""
    ada = await factory.account()
    url = f"/api/v1/projects/{ada.project_id}/prompts"
    body = {"name": "escapes", "kind": "text", "template": '{{ "a\\x00b" }}'}
    assert (await ada.client.post(url, json=body)).status_code == 201
    response = await ada.client.post(f"{url}/escapes/render", json={"label": "latest"})
    assert response.status_code == 200, response.text
    assert response.json()["text"] == "a\x00b"
