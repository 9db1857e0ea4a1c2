"""Provider connections: CRUD, kind rules, keys encrypted at rest and never shown, connection test."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from conftest import Factory
from fake_llm import FakeLLM, connect
from promptforge.core.encryption import DecryptionError, SecretBox

OPENAI_KEY = "sk-test-openai-key-1234"


def providers_url(project_id: str) -> str:
    return f"/api/v1/projects/{project_id}/providers"


async def test_create_shows_only_the_last_four_characters(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    created = await connect(owner, "openai", fake_llm, name="OpenAI prod", default_model="gpt-4o")
    assert created["api_key_last4"] == "1234"
    assert created["label"] == "OpenAI"
    assert created["base_url"] == fake_llm.openai_url
    assert OPENAI_KEY not in str(created)
    listed = (await owner.client.get(providers_url(owner.project_id))).json()
    assert [p["name"] for p in listed["items"]] == ["OpenAI prod"]
    one = await owner.client.get(f"{providers_url(owner.project_id)}/{created['id']}")
    assert one.json() == created
    assert OPENAI_KEY not in one.text and OPENAI_KEY not in str(listed)


async def test_key_is_encrypted_at_rest(app: FastAPI, factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    created = await connect(owner, "openai", fake_llm)
    async with app.state.engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM provider_connection"))).mappings().one()
    stored = row["api_key_encrypted"]
    assert OPENAI_KEY not in str(dict(row))
    assert "1234" not in stored
    kid, _nonce, _ciphertext = stored.split(":")
    box: SecretBox = app.state.secret_box
    assert kid == box.kid
    assert box.decrypt(stored, f"provider_connection:{created['id']}") == OPENAI_KEY
    # bound to its row: the same ciphertext is useless anywhere else
    other = await connect(owner, "openai", fake_llm)
    with pytest.raises(DecryptionError):
        box.decrypt(stored, f"provider_connection:{other['id']}")


async def test_key_never_reaches_the_audit_log(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    created = await connect(owner, "openai", fake_llm)
    url = f"{providers_url(owner.project_id)}/{created['id']}"
    patched = await owner.client.patch(url, json={"api_key": "sk-rotated-key-9999"})
    assert patched.status_code == 200 and patched.json()["api_key_last4"] == "9999"
    assert (await owner.client.delete(url)).status_code == 204
    log = await owner.client.get(f"/api/v1/workspaces/{owner.workspace_id}/audit-log")
    actions = [e["action"] for e in log.json()["items"]]
    assert {"provider.created", "provider.updated", "provider.deleted"} <= set(actions)
    assert OPENAI_KEY not in log.text and "sk-rotated-key-9999" not in log.text
    updated = next(e for e in log.json()["items"] if e["action"] == "provider.updated")
    assert updated["data"]["changed"] == ["api_key"]


async def test_kind_rules_names_and_urls(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    url = providers_url(owner.project_id)
    cases = [
        ({"name": "a", "kind": "openai"}, "api_key"),
        ({"name": "a", "kind": "anthropic", "base_url": fake_llm.anthropic_url}, "api_key"),
        ({"name": "a", "kind": "openai_compatible"}, "base_url"),
        ({"name": "a", "kind": "echo", "api_key": "sk-something"}, "api_key"),
        ({"name": "a", "kind": "echo", "base_url": "http://localhost:1"}, "base_url"),
        ({"name": "a", "kind": "openai_compatible", "base_url": "ftp://x"}, "base_url"),
        ({"name": "a", "kind": "nope"}, "kind"),
    ]
    for body, field in cases:
        response = await owner.client.post(url, json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert field in str(response.json()["errors"]), (body, response.text)
    ollama = await owner.client.post(
        url, json={"name": "ollama", "kind": "openai_compatible", "base_url": "http://localhost:11434/v1/"}
    )
    assert ollama.status_code == 201, ollama.text
    assert ollama.json()["base_url"] == "http://localhost:11434/v1"
    assert ollama.json()["api_key_last4"] is None
    duplicate = await owner.client.post(url, json={"name": "ollama", "kind": "echo"})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "provider_exists"


async def test_update_fields_and_remove_key(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    compatible = await connect(owner, "openai_compatible", fake_llm)
    url = f"{providers_url(owner.project_id)}/{compatible['id']}"
    response = await owner.client.patch(
        url,
        json={
            "default_model": "fake-chat",
            "models": ["fake-chat"],
            "pricing": {"fake-chat": {"input": 1, "output": 2}},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["default_model"] == "fake-chat"
    assert body["pricing"] == {"fake-chat": {"input": 1.0, "output": 2.0}}
    assert body["api_key_last4"] == "1234"
    removed = await owner.client.patch(url, json={"api_key": None})
    assert removed.status_code == 200 and removed.json()["api_key_last4"] is None
    # an OpenAI connection cannot lose its key
    openai_conn = await connect(owner, "openai", fake_llm)
    response = await owner.client.patch(
        f"{providers_url(owner.project_id)}/{openai_conn['id']}", json={"api_key": None}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "key", ["\ud800", "k\u00e9\u20ac\U0001f600", "sk-a\x00b", "sk-a\r\nX-Evil: 1", "sk a", "", "k" * 4097]
)
async def test_a_key_that_cannot_travel_in_a_header_is_refused(
    factory: Factory, fake_llm: FakeLLM, key: str
) -> None:
    owner = await factory.account()
    url = providers_url(owner.project_id)
    body = {"name": "openai-main", "kind": "openai", "base_url": fake_llm.openai_url, "api_key": key}
    json_headers = {"content-type": "application/json"}  # json.dumps escapes a lone surrogate; httpx cannot
    created = await owner.client.post(url, content=json.dumps(body), headers=json_headers)
    assert created.status_code == 422, created.text
    assert created.headers["content-type"] == "application/problem+json"
    assert [e["loc"] for e in created.json()["errors"]] == [["body", "api_key"]]
    provider = await connect(owner, "openai", fake_llm)
    updated = await owner.client.patch(
        f"{url}/{provider['id']}", content=json.dumps({"api_key": key}), headers=json_headers
    )
    assert updated.status_code == 422, updated.text
    assert [e["loc"] for e in updated.json()["errors"]] == [["body", "api_key"]]
    longest = await owner.client.patch(f"{url}/{provider['id']}", json={"api_key": "k" * 4096})
    assert longest.status_code == 200, longest.text
    checked = await owner.client.post(f"{url}/{provider['id']}/test")
    assert checked.status_code == 200 and checked.json()["ok"] is True, checked.text


async def test_other_tenants_provider_is_404(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    stranger = await factory.account()
    created = await connect(owner, "echo")
    for method in ("GET", "PATCH", "DELETE"):
        response = await stranger.client.request(
            method, f"{providers_url(stranger.project_id)}/{created['id']}", json={}
        )
        assert response.status_code == 404, method


async def test_connection_test_lists_models(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    for kind, expected in (
        ("openai", ["fake-chat", "gpt-4o", "gpt-4o-mini"]),
        ("anthropic", ["claude-haiku-4-5", "claude-sonnet-4-5"]),
        ("openai_compatible", ["fake-chat", "gpt-4o", "gpt-4o-mini"]),
        ("echo", ["echo"]),
    ):
        created = await connect(owner, kind, fake_llm)
        response = await owner.client.post(f"{providers_url(owner.project_id)}/{created['id']}/test")
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["ok"] is True, (kind, result)
        assert result["models"] == expected
        assert result["error"] is None


async def test_connection_test_reports_a_bad_key_without_showing_it(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    for kind in ("openai", "anthropic"):
        created = await connect(owner, kind, fake_llm, api_key="sk-bad-key-abcd")
        response = await owner.client.post(f"{providers_url(owner.project_id)}/{created['id']}/test")
        result = response.json()
        assert result["ok"] is False, (kind, result)
        assert result["error"]["code"] == "provider_auth_failed"
        assert "sk-bad-key-abcd" not in response.text


async def test_connection_test_of_an_unreachable_server(factory: Factory) -> None:
    owner = await factory.account()
    body = {"name": "down", "kind": "openai_compatible", "base_url": "http://127.0.0.1:9/v1"}
    created = (await owner.client.post(providers_url(owner.project_id), json=body)).json()
    response = await owner.client.post(f"{providers_url(owner.project_id)}/{created['id']}/test")
    result = response.json()
    assert result["ok"] is False and result["error"]["code"] == "provider_unavailable"


async def test_members_pick_providers_from_run_providers_without_connection_details(
    factory: Factory, fake_llm: FakeLLM
) -> None:
    owner = await factory.account()
    created = await connect(owner, "openai", fake_llm, name="OpenAI prod", default_model="gpt-4o")
    editor = await factory.member(owner, "editor")
    viewer_key = await factory.api_key(owner, "viewer")
    # managing connections (and seeing their URLs) is for admins and owners
    assert (await editor.client.get(providers_url(owner.project_id))).status_code == 403
    assert (await viewer_key.get(f"{providers_url(owner.project_id)}/{created['id']}")).status_code == 403
    for client in (editor.client, viewer_key):
        choices = await client.get(f"/api/v1/projects/{owner.project_id}/run-providers")
        assert choices.status_code == 200
        [item] = choices.json()["items"]
        assert item == {
            "id": created["id"],
            "name": "OpenAI prod",
            "kind": "openai",
            "label": "OpenAI",
            "default_model": "gpt-4o",
            "models": created["models"],
        }
