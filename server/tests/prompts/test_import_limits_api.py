"""Import files from users: authorized before parsing, no YAML aliases, bounded depth, never a 500."""

from __future__ import annotations

import json
import time

import pytest

from conftest import Account, Factory

YAML = {"Content-Type": "application/yaml"}


def alias_bomb() -> str:
    """A 1 KB "billion laughs" file: nine levels of nine aliases each (9**9 strings once expanded)."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("prompts: [{name: bomb, kind: text, versions: [{number: 1, template: x, variables: *i}]}]")
    return "\n".join(lines) + "\n"


def import_url(account: Account) -> str:
    return f"/api/v1/projects/{account.project_id}/import"


async def test_a_strangers_alias_bomb_is_404_without_parsing(factory: Factory) -> None:
    owner = await factory.account()
    stranger = await factory.account()
    start = time.monotonic()
    response = await stranger.client.post(import_url(owner), content=alias_bomb(), headers=YAML)
    assert response.status_code == 404
    assert time.monotonic() - start < 1


async def test_an_owners_alias_bomb_is_422_at_once(factory: Factory) -> None:
    owner = await factory.account()
    start = time.monotonic()
    response = await owner.client.post(import_url(owner), content=alias_bomb(), headers=YAML)
    assert time.monotonic() - start < 1
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_document"
    assert "aliases" in response.json()["detail"]


async def test_a_single_anchor_is_refused_too(factory: Factory) -> None:
    owner = await factory.account()
    document = "prompts:\n- &p {name: a, kind: text, versions: [{number: 1, template: x}]}\n"
    response = await owner.client.post(import_url(owner), content=document, headers=YAML)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_document"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("[" * 10_000 + "]" * 10_000, "application/json"),
        ('{"prompts": ' + '{"a": ' * 10_000 + "1" + "}" * 10_001, "application/json"),
        ("[" * 10_000 + "]" * 10_000, "application/yaml"),
        ("prompts:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "application/yaml"),
    ],
)
async def test_deeply_nested_documents_are_422(factory: Factory, content: str, content_type: str) -> None:
    owner = await factory.account()
    response = await owner.client.post(
        import_url(owner), content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_document"
    assert "nest" in response.json()["detail"]


@pytest.mark.parametrize(
    "value",
    ["2024-01-01", "!!binary aGk=", "!!set {a, b}", ".nan"],
)
async def test_yaml_values_json_does_not_have_are_422(factory: Factory, value: str) -> None:
    owner = await factory.account()
    document = (
        "prompts:\n- name: a\n  kind: text\n  versions:\n"
        f"  - number: 1\n    template: x\n    model_config: {{t: {value}}}\n"
    )
    response = await owner.client.post(import_url(owner), content=document, headers=YAML)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_document"


async def test_template_problems_point_at_the_version(factory: Factory) -> None:
    owner = await factory.account()
    document = {
        "prompts": [{"name": "a", "kind": "text", "versions": [{"number": 1, "template": "{% if %}"}]}]
    }
    response = await owner.client.post(
        import_url(owner), content=json.dumps(document), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "template_syntax"
    assert response.json()["errors"][0]["loc"] == ["body", "prompts", 0, "versions", 0, "template"]
    assert response.json()["detail"].startswith("prompt 'a': ")


@pytest.mark.parametrize("mode", ["merge", "dry-run"])
async def test_a_lone_surrogate_in_a_prompt_name_is_422(factory: Factory, mode: str) -> None:
    owner = await factory.account()
    document = (
        '{"format_version": 1, "prompts": [{"name": "\\ud800", "kind": "text",'
        ' "versions": [{"number": 1, "template": "x"}]}]}'
    )
    response = await owner.client.post(
        f"{import_url(owner)}?mode={mode}", content=document, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][:3] == ["body", "prompts", 0]
    assert "prompt '\\ud800'" in response.json()["detail"]  # quoted as text, not as a broken character


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (
            "prompts:\n- name: a\n  kind: text\n  versions:\n  - number: " + "1" * 5000 + "\n",
            "application/yaml",
        ),
        (
            '{"prompts": [{"name": "a", "kind": "text", "versions": [{"number": ' + "1" * 5000 + "}]}]}",
            "application/json",
        ),
    ],
)
async def test_an_integer_with_thousands_of_digits_is_422_with_a_clean_message(
    factory: Factory, content: str, content_type: str
) -> None:
    owner = await factory.account()
    response = await owner.client.post(
        import_url(owner), content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_document"
    assert "integer is too large" in response.json()["detail"]
    assert "sys." not in response.text and "set_int_max_str_digits" not in response.text
