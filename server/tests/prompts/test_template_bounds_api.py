"""Template shape bounds through the API: include arguments and the number of chat messages."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from conftest import Account, Factory
from fake_llm import connect
from promptforge.prompts.models import PromptVersion

BAD_INCLUDES = [
    'prompt("p1", version=2147483648)',
    'prompt("p1", version=99999999999999999999)',
    'prompt("p1", version=0)',
    r'prompt("p1", label="\x00")',
    'prompt("p1", label="Prod uction")',
    'prompt("p1", label="' + "l" * 65 + '")',
    r'prompt("p\x00")',
    'prompt("../p1")',
    'prompt("P1")',
]


def prompts_url(owner: Account) -> str:
    return f"/api/v1/projects/{owner.project_id}/prompts"


async def create(owner: Account, template: Any, kind: str = "text", name: str = "p") -> httpx.Response:
    return await owner.client.post(
        prompts_url(owner), json={"name": name, "kind": kind, "template": template}
    )


async def draft_run(owner: Account, template: Any, kind: str = "text") -> httpx.Response:
    provider = await connect(owner, "echo")
    return await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs",
        json={"template": template, "kind": kind, "provider_id": provider["id"], "variables": {}},
    )


async def store_behind_the_check(factory: Factory, owner: Account, template: Any, kind: str = "text") -> None:
    """A version saved before a check existed: created harmless, then rewritten in the database."""
    harmless: Any = "x" if kind == "text" else [{"role": "user", "content": "x"}]
    assert (await create(owner, harmless, kind)).status_code == 201
    async with factory.app.state.sessionmaker() as session:
        await session.execute(update(PromptVersion).values(template=template))
        await session.commit()


@pytest.mark.parametrize("call", BAD_INCLUDES)
async def test_out_of_range_include_arguments_are_422_at_save(factory: Factory, call: str) -> None:
    owner = await factory.account()
    response = await create(owner, "{{ " + call + " }}")
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_include"
    assert response.json()["errors"][0]["loc"] == ["body", "template"]


@pytest.mark.parametrize("call", BAD_INCLUDES[:4])
async def test_out_of_range_include_arguments_are_422_for_drafts(factory: Factory, call: str) -> None:
    owner = await factory.account()
    response = await draft_run(owner, "{{ " + call + " }}")
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_include"


@pytest.mark.parametrize("call", BAD_INCLUDES[:4])
async def test_a_stored_out_of_range_include_is_422_at_render(factory: Factory, call: str) -> None:
    owner = await factory.account()
    await store_behind_the_check(factory, owner, "{{ " + call + " }}")
    response = await owner.client.post(f"{prompts_url(owner)}/p/render", json={"version": 1})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_include"


async def test_include_arguments_at_the_bounds_still_work(factory: Factory) -> None:
    owner = await factory.account()
    assert (await create(owner, "inner", name="p1")).status_code == 201
    template = '{{ prompt("p1", version=1) }}|{{ prompt("p1", label="latest") }}'
    assert (await create(owner, template)).status_code == 201
    response = await owner.client.post(f"{prompts_url(owner)}/p/render", json={"label": "latest"})
    assert response.status_code == 200, response.text
    assert response.json()["text"] == "inner|inner"
    response = await create(owner, '{{ prompt("p1", version=2147483647) }}', name="p2")
    assert response.status_code == 201, response.text
    response = await owner.client.post(f"{prompts_url(owner)}/p2/render", json={"label": "latest"})
    assert response.status_code == 404, response.text  # a valid number that does not exist


def messages(count: int, content: str = "{{a}}") -> list[dict[str, str]]:
    """`count` chat messages; 12,000 of the default are 60,000 bytes, under the 64 KB size limit."""
    return [{"role": "user", "content": content}] * count


@pytest.mark.parametrize("count", [501, 12_000])
async def test_too_many_chat_messages_are_422_at_once(factory: Factory, count: int) -> None:
    owner = await factory.account()
    start = time.monotonic()
    response = await create(owner, messages(count), kind="chat")
    assert time.monotonic() - start < 1
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "template_too_large"
    assert response.json()["errors"][0]["loc"] == ["body", "template"]
    assert "500" in response.json()["detail"]


async def test_too_many_chat_messages_are_422_for_drafts(factory: Factory) -> None:
    owner = await factory.account()
    start = time.monotonic()
    response = await draft_run(owner, messages(12_000), kind="chat")
    assert time.monotonic() - start < 1
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "template_too_large"


async def test_a_stored_template_with_too_many_messages_is_422_at_render(factory: Factory) -> None:
    owner = await factory.account()
    await store_behind_the_check(factory, owner, messages(12_000), kind="chat")
    start = time.monotonic()
    response = await owner.client.post(
        f"{prompts_url(owner)}/p/render", json={"version": 1, "variables": {"a": 1}}
    )
    assert time.monotonic() - start < 1
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "template_too_large"


async def test_chat_templates_at_the_message_limit_still_work(factory: Factory) -> None:
    owner = await factory.account()
    response = await create(owner, messages(500), kind="chat")
    assert response.status_code == 201, response.text
    response = await owner.client.post(
        f"{prompts_url(owner)}/p/render", json={"version": 1, "variables": {"a": "hi"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["messages"] == [{"role": "user", "content": "hi"}] * 500
