"""Prompts and versions through the API: create, list/filter, archive/restore, immutable versions, diff."""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Account, Factory


def prompts_url(account: Account) -> str:
    return f"/api/v1/projects/{account.project_id}/prompts"


async def create(account: Account, name: str = "greeting", **fields: Any) -> httpx.Response:
    body = {"name": name, "kind": "text", "template": "Hello {{ name }}!", **fields}
    return await account.client.post(prompts_url(account), json=body)


async def test_create_text_prompt_returns_version_1_with_inferred_variables(factory: Factory) -> None:
    owner = await factory.account()
    response = await create(
        owner,
        description="Greets",
        tags=["onboarding"],
        model_config={"model": "gpt-4o", "temperature": 0.2},
        commit_message="first",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "greeting" and body["kind"] == "text" and body["latest_version"] == 1
    version = body["version"]
    assert version["number"] == 1
    assert version["template"] == "Hello {{ name }}!"
    assert "name" in version["variables"]["properties"]
    assert version["model_config"] == {"model": "gpt-4o", "temperature": 0.2}
    assert version["commit_message"] == "first"
    assert version["author_label"] == owner.email
    assert len(version["content_hash"]) == 64


async def test_create_chat_prompt_with_placeholder(factory: Factory) -> None:
    owner = await factory.account()
    template = [
        {"role": "system", "content": "You are {{ persona }}."},
        {"role": "placeholder", "name": "history"},
        {"role": "user", "content": "{{ question }}"},
    ]
    response = await create(owner, "support", kind="chat", template=template)
    assert response.status_code == 201, response.text
    variables = response.json()["version"]["variables"]["properties"]
    assert {"persona", "history", "question"} <= set(variables)


async def test_invalid_names_kinds_and_duplicates(factory: Factory) -> None:
    owner = await factory.account()
    for bad in ["Greeting", "-x", "a b", "x" * 129, ""]:
        response = await create(owner, bad)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["loc"][-1] == "name"
    assert (await create(owner, "ok", kind="chat", template="plain text")).status_code == 422
    assert (await create(owner, "ok2", template=[{"role": "user", "content": "x"}])).status_code == 422
    assert (await create(owner, "dup")).status_code == 201
    duplicate = await create(owner, "dup")
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"


async def test_template_syntax_error_is_422(factory: Factory) -> None:
    owner = await factory.account()
    response = await create(owner, "broken", template="Hello {{ name ")
    assert response.status_code == 422
    assert response.json()["code"] == "template_syntax"


async def test_list_with_search_tag_label_and_pagination(factory: Factory) -> None:
    owner = await factory.account()
    await create(owner, "welcome-email", description="Sent after sign-up", tags=["email"])
    await create(owner, "summary", description="Summarise a ticket", tags=["support"])
    await create(owner, "reply", description="Answer a ticket", tags=["support", "email"])
    await owner.client.put(f"{prompts_url(owner)}/reply/labels/staging", json={"version": 1})

    async def names(**params: Any) -> list[str]:
        response = await owner.client.get(prompts_url(owner), params=params)
        assert response.status_code == 200
        return sorted(p["name"] for p in response.json()["items"])

    assert await names() == ["reply", "summary", "welcome-email"]
    assert await names(q="TICKET") == ["reply", "summary"]
    assert await names(tag="email") == ["reply", "welcome-email"]
    assert await names(label="staging") == ["reply"]
    page = (await owner.client.get(prompts_url(owner), params={"limit": 2})).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = (
        await owner.client.get(prompts_url(owner), params={"limit": 2, "cursor": page["next_cursor"]})
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    item = next(p for p in page["items"] + rest["items"] if p["name"] == "reply")
    assert item["labels"] == {"staging": 1} and item["latest_version"] == 1


async def test_versions_are_immutable_and_identical_content_is_a_no_op(factory: Factory) -> None:
    owner = await factory.account()
    await create(owner)
    url = f"{prompts_url(owner)}/greeting/versions"
    same = await owner.client.post(url, json={"template": "Hello {{ name }}!", "commit_message": "again"})
    assert same.status_code == 200
    assert same.json()["number"] == 1
    second = await owner.client.post(
        url, json={"template": "Hi {{ name }}, welcome!", "commit_message": "warmer"}
    )
    assert second.status_code == 201
    assert second.json()["number"] == 2
    listed = (await owner.client.get(url)).json()["items"]
    assert [v["number"] for v in listed] == [2, 1]
    first = (await owner.client.get(f"{url}/1")).json()
    assert first["template"] == "Hello {{ name }}!"
    assert (await owner.client.get(f"{url}/3")).status_code == 404
    # there is no route that edits or deletes a version
    assert (await owner.client.put(f"{url}/1", json={"template": "x"})).status_code == 405
    assert (await owner.client.delete(f"{url}/1")).status_code == 405


async def test_diff_between_versions(factory: Factory) -> None:
    owner = await factory.account()
    await create(owner, model_config={"temperature": 0.2})
    await owner.client.post(
        f"{prompts_url(owner)}/greeting/versions",
        json={"template": "Hi {{ name }}!", "model_config": {"temperature": 0.7}},
    )
    diff = (
        await owner.client.get(f"{prompts_url(owner)}/greeting/versions/2/diff", params={"against": 1})
    ).json()
    assert "-Hello {{ name }}!" in diff["template_diff"]
    assert "+Hi {{ name }}!" in diff["template_diff"]
    assert any(line.startswith("+") and "0.7" in line for line in diff["model_config_diff"])


async def test_archive_hides_and_restore_brings_back(factory: Factory) -> None:
    owner = await factory.account()
    await create(owner)
    url = f"{prompts_url(owner)}/greeting"
    await owner.client.put(f"{url}/labels/production", json={"version": 1})
    assert (await owner.client.get(f"{url}/resolve")).status_code == 200
    assert (await owner.client.delete(url)).status_code == 204
    assert (await owner.client.get(prompts_url(owner))).json()["items"] == []
    assert (await owner.client.get(f"{url}/resolve")).status_code == 404
    archived = (await owner.client.get(prompts_url(owner), params={"archived": True})).json()["items"]
    assert [p["name"] for p in archived] == ["greeting"]
    restored = await owner.client.patch(url, json={"archived": False})
    assert restored.status_code == 200 and restored.json()["archived"] is False
    assert (await owner.client.get(f"{url}/resolve")).status_code == 200


async def test_other_tenants_prompts_are_404(factory: Factory) -> None:
    owner = await factory.account()
    stranger = await factory.account()
    await create(owner)
    for method, suffix in [("GET", ""), ("GET", "/versions"), ("GET", "/resolve"), ("POST", "/render")]:
        response = await stranger.client.request(
            method,
            f"{prompts_url(owner)}/greeting{suffix}",
            json={"variables": {}} if method == "POST" else None,
        )
        assert response.status_code == 404, (method, suffix)


async def test_model_config_is_bounded_in_size_depth_and_values(factory: Factory) -> None:
    owner = await factory.account()
    too_big = {"model": "gpt-4o", "notes": "x" * (65 * 1024)}
    too_many = {"stop": list(range(6000))}
    too_deep: dict[str, Any] = {"model": "m"}
    for _ in range(20):
        too_deep = {"nested": too_deep}
    for name, config in (("big", too_big), ("many", too_many), ("deep", too_deep)):
        response = await create(owner, name, model_config=config)
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert error["loc"] == ["body", "model_config"]
        assert "model_config" in error["msg"]
    fine = {"model": "gpt-4o", "temperature": 0.2, "stop": ["\n\n"], "notes": "x" * 1000}
    assert (await create(owner, "fine", model_config=fine)).status_code == 201


async def test_diff_of_large_templates_is_computed(factory: Factory) -> None:
    """The diff runs in a worker thread; what it answers is the same unified diff."""
    owner = await factory.account()
    lines = [f"line {i}" for i in range(2000)]
    assert (await create(owner, "long", template="\n".join(lines))).status_code == 201
    lines[1000] = "changed"
    url = f"{prompts_url(owner)}/long/versions"
    assert (await owner.client.post(url, json={"template": "\n".join(lines)})).status_code == 201
    response = await owner.client.get(f"{url}/2/diff", params={"against": 1})
    assert response.status_code == 200, response.text
    diff = response.json()["template_diff"]
    assert "-line 1000" in diff and "+changed" in diff
