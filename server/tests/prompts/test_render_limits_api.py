"""Render limits seen through the API: size-determining filter arguments, Python reprs, bad Unicode."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest

from conftest import Account, Factory
from fake_llm import connect


async def make(owner: Account, template: str, name: str = "p") -> str:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    response = await owner.client.post(url, json={"name": name, "kind": "text", "template": template})
    assert response.status_code == 201, response.text
    return f"{url}/{name}/render"


async def render(owner: Account, url: str, variables: dict[str, Any] | None = None) -> Any:
    return await owner.client.post(url, json={"label": "latest", "variables": variables or {}})


@pytest.mark.parametrize(
    "template",
    [
        "{{ {'a': [1, 2]}|tojson(indent=300000000) }}",
        "{{ [[[1]]]|tojson(indent=' ' * 400000) }}",
        "{{ 'x'|indent(300000000, true) }}",
        "{{ 'x'|center(300000000) }}",
        "{{ 'x'|wordwrap(1, wrapstring=' ' * 900000) }}",
        "{{ 'x' * 300000000 }}",
        "{{ '%300000000s'|format('x') }}",
        "{{ '{:300000000}'.format('x') }}",
        "{{ 1.5|round(300000000, 'ceil') }}",
        "{{ ([[1] * 300] * 300)|sum(start=[]) }}",
    ],
)
async def test_size_arguments_are_bounded_before_the_filter_runs(factory: Factory, template: str) -> None:
    owner = await factory.account()
    url = await make(owner, template)
    tracemalloc.start()
    try:
        start = time.monotonic()
        response = await render(owner, url)
        elapsed = time.monotonic() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "output_too_large"
    assert elapsed < 2
    assert peak < 50_000_000  # the reported tojson case allocated about 1 GB


async def test_reasonable_filter_arguments_still_work(factory: Factory) -> None:
    owner = await factory.account()
    url = await make(
        owner, "{{ {'a': [1]}|tojson(indent=2) }}|{{ 'x'|center(5) }}|{{ 2.345|round(2, 'ceil') }}"
    )
    response = await render(owner, url)
    assert response.status_code == 200, response.text
    assert response.json()["text"] == '{\n  "a": [\n    1\n  ]\n}|  x  |2.35'


@pytest.mark.parametrize(
    "template",
    [
        "{{ lipsum }}",
        "{{ range }}",
        "{{ dict }}",
        "{{ cycler }}",
        "{{ joiner }}",
        "{{ namespace }}",
        "{{ cycler(1, 2) }}",
        "{{ joiner(',') }}",
        "{{ 'abc'.upper }}",
        "{{ [range] }}",
        "{{ {'f': dict} }}",
        "{{ range ~ '' }}",
        "{{ range|string }}",
        "{{ '%s' % cycler }}",
        "{{ '{}'.format(joiner) }}",
        "{{ [1, 2]|map('string') }}",
        "{{ [1, 2]|reverse }}",
        "{% set ns = namespace() %}{% set ns.f = range %}{{ ns }}",
        "{% for i in [1] %}{{ loop.cycle }}{% endfor %}",
    ],
)
async def test_no_global_or_callable_prints_a_python_repr(factory: Factory, template: str) -> None:
    owner = await factory.account()
    url = await make(owner, template)
    response = await render(owner, url)
    assert response.status_code == 422, response.text
    for leak in ("0x", "<function", "<class", "<built-in", "object at"):
        assert leak not in response.text
    assert response.json()["code"] in {"unprintable_value", "missing_variable"}


async def test_globals_still_work_when_called(factory: Factory) -> None:
    owner = await factory.account()
    template = (
        "{% set c = cycler('a', 'b') %}{% set j = joiner('+') %}{% set ns = namespace(n=0) %}"
        "{% for i in range(3) %}{{ j() }}{{ c.next() }}{% set ns.n = ns.n + i %}{% endfor %}"
        "{{ ns.n }}{{ dict(k=1)['k'] }}{{ [1, 2]|map('string')|join(',') }}"
    )
    response = await render(owner, await make(owner, template))
    assert response.status_code == 200, response.text
    assert response.json()["text"] == "a+b+a311,2"


async def test_lone_surrogate_in_a_template_is_422(factory: Factory) -> None:
    owner = await factory.account()
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    body = '{"name": "s", "kind": "text", "template": "a\\ud800b"}'
    response = await owner.client.post(url, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "template"]
    chat = '{"name": "c", "kind": "chat", "template": [{"role": "user", "content": "\\udfff"}]}'
    response = await owner.client.post(url, content=chat, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    # The schema refuses it (pydantic names each branch of `str | list[Message]`); one names the message.
    locs = [e["loc"] for e in response.json()["errors"]]
    assert any(loc[:2] == ["body", "template"] and loc[-3:] == [0, "user", "content"] for loc in locs), locs


@pytest.mark.parametrize("draft", [False, True])
async def test_lone_surrogate_in_a_variable_is_422(factory: Factory, draft: bool) -> None:
    owner = await factory.account()
    provider = await connect(owner, "echo")
    source = '"template": "Hi {{ name }}"' if draft else '"prompt": {"name": "p"}'
    if not draft:
        await make(owner, "Hi {{ name }}")
    body = f'{{{source}, "provider_id": "{provider["id"]}", "variables": {{"name": "\\ud800"}}}}'
    response = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    # Refused by the request schema, before any rendering: no field may hold a lone surrogate.
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["loc"] == ["body", "variables"]
    assert "surrogate" in response.json()["errors"][0]["msg"]
