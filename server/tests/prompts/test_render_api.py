"""Rendering through the API: variables, schema checks, composition, sandbox and limits."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from conftest import Account, Factory


async def make(owner: Account, name: str, template: Any, kind: str = "text", **extra: Any) -> str:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    response = await owner.client.post(url, json={"name": name, "kind": kind, "template": template, **extra})
    assert response.status_code == 201, response.text
    await owner.client.put(f"{url}/{name}/labels/production", json={"version": 1})
    return f"{url}/{name}"


async def render(owner: Account | httpx.AsyncClient, url: str, **body: Any) -> httpx.Response:
    client = owner.client if isinstance(owner, Account) else owner
    return await client.post(f"{url}/render", json=body)


async def test_render_text_and_chat(factory: Factory) -> None:
    owner = await factory.account()
    text = await make(owner, "hello", "Hello {{ name }}!")
    response = await render(owner, text, variables={"name": "Ada"})
    assert response.status_code == 200
    assert response.json() == {"name": "hello", "version": 1, "kind": "text", "text": "Hello Ada!"}
    chat = await make(
        owner,
        "chat",
        [
            {"role": "system", "content": "Be {{ tone }}."},
            {"role": "placeholder", "name": "history"},
            {"role": "user", "content": "{{ q }}"},
        ],
        kind="chat",
    )
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    response = await render(owner, chat, variables={"tone": "brief", "history": history, "q": "why?"})
    assert response.json()["messages"] == [
        {"role": "system", "content": "Be brief."},
        *history,
        {"role": "user", "content": "why?"},
    ]


async def test_viewer_key_can_render_with_label_or_version(factory: Factory) -> None:
    owner = await factory.account()
    url = await make(owner, "hello", "Hello {{ name }}!")
    await owner.client.post(f"{url}/versions", json={"template": "Bye {{ name }}!"})
    key = await factory.api_key(owner, "viewer")
    assert (await render(key, url, variables={"name": "A"})).json()["text"] == "Hello A!"
    assert (await render(key, url, version=2, variables={"name": "A"})).json()["text"] == "Bye A!"
    assert (await render(key, url, label="latest", variables={"name": "A"})).json()["version"] == 2


async def test_missing_variable_is_422_naming_it(factory: Factory) -> None:
    owner = await factory.account()
    url = await make(owner, "hello", "Hello {{ customer }}!")
    response = await render(owner, url, variables={})
    assert response.status_code == 422
    assert "customer" in response.json()["detail"]


async def test_values_are_checked_against_the_declared_schema(factory: Factory) -> None:
    owner = await factory.account()
    schema = {
        "type": "object",
        "properties": {"count": {"type": "integer", "minimum": 1}},
        "required": ["count"],
    }
    url = await make(owner, "count", "{{ count }} items", variables=schema)
    assert (await render(owner, url, variables={"count": 3})).json()["text"] == "3 items"
    response = await render(owner, url, variables={"count": "three"})
    assert response.status_code == 422
    assert "count" in response.text


async def test_sandbox_escapes_are_refused_without_internals(factory: Factory) -> None:
    owner = await factory.account()
    attempts = [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ x|attr('__class__') }}",
        "{{ '{0.__class__}'.format(x) }}",
        "{{ cycler.__init__.__globals__ }}",
    ]
    for i, template in enumerate(attempts):
        url = await make(owner, f"escape-{i}", template)
        response = await render(owner, url, variables={"x": "a"})
        assert 400 <= response.status_code < 500, template
        assert "Traceback" not in response.text and "subclasses" not in response.json()["detail"]


async def test_runaway_template_is_stopped_and_server_keeps_serving(factory: Factory) -> None:
    owner = await factory.account()
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    url = await make(owner, "runaway", loop)
    started = time.perf_counter()
    runaway = asyncio.create_task(render(owner, url, variables={}))
    await asyncio.sleep(0.1)
    health = await owner.client.get("/healthz")  # served while the render runs
    assert health.status_code == 200 and not runaway.done()
    response = await runaway
    assert response.status_code == 422
    assert response.json()["code"] == "render_timeout"
    assert time.perf_counter() - started < 3


async def test_oversized_template_and_output_are_422(factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    big = await owner.client.post(
        url, json={"name": "big", "kind": "text", "template": "x" * (64 * 1024 + 1)}
    )
    assert big.status_code == 422
    huge = await make(owner, "huge", "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}")
    response = await render(owner, huge, variables={})
    assert response.status_code == 422
    assert response.json()["code"] == "output_too_large"


async def test_composition_and_cycles(factory: Factory) -> None:
    owner = await factory.account()
    await make(owner, "footer", "-- {{ name }}'s team")
    url = await make(owner, "letter", 'Dear {{ name }}\n{{ prompt("footer", label="production") }}')
    response = await render(owner, url, variables={"name": "Ada"})
    assert response.json()["text"] == "Dear Ada\n-- Ada's team"
    a = await make(owner, "a", '{{ prompt("b") }}')
    await make(owner, "b", '{{ prompt("a") }}')
    cycle = await render(owner, a, variables={})
    assert cycle.status_code == 422
    assert "a → b → a" in cycle.json()["detail"]
    for i in range(7):
        await make(owner, f"d{i}", f'{{{{ prompt("d{i + 1}") }}}}' if i < 6 else "end")
    deep = await render(owner, f"/api/v1/projects/{owner.project_id}/prompts/d0", variables={})
    assert deep.status_code == 422
    assert "d0" in deep.json()["detail"]


async def test_bad_render_bodies_are_422_naming_the_field(factory: Factory) -> None:
    owner = await factory.account()
    url = await make(owner, "hello", "Hello {{ name }}!")
    for body, loc in [
        ({"version": 0, "variables": {}}, ["body", "version"]),
        ({"variables": "not an object"}, ["body", "variables"]),
        ({"label": "Bad Label"}, ["body", "label"]),
    ]:
        response = await owner.client.post(f"{url}/render", json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == loc
    broken = await owner.client.post(
        f"{url}/render", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422
