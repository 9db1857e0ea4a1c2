"""The generated Python client and its PromptCache against a served API: typed sync and async calls,
ETag revalidation (304s), the last good copy when the server is unreachable, then the fallback."""

from __future__ import annotations

import asyncio
import socket

import pytest

from cli_pf.pf_harness import PfProject
from promptforge_client import AuthenticatedClient
from promptforge_client.api.prompts import prompts_list
from promptforge_client.models.page_prompt import PagePrompt
from promptforge_client.prompt_cache import PromptCache, PromptUnavailable


def closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def deploy(project: PfProject, template: str) -> None:
    url = project.url("/prompts")
    if project.owner.get(f"{url}/greeting").status_code == 404:
        created = project.owner.post(url, json={"name": "greeting", "kind": "text", "template": template})
        assert created.status_code == 201, created.text
        version = 1
    else:
        added = project.owner.post(f"{url}/greeting/versions", json={"template": template})
        version = added.json()["number"]
    moved = project.owner.put(f"{url}/greeting/labels/production", json={"version": version})
    assert moved.status_code == 200, moved.text


def test_typed_calls_sync_and_async(pf_project: PfProject) -> None:
    deploy(pf_project, "Hello {{ name }}!")
    client = AuthenticatedClient(base_url=pf_project.host, token=pf_project.viewer_key)
    page = prompts_list.sync(pf_project.project_id, client=client)
    assert isinstance(page, PagePrompt)
    assert [p.name for p in page.items] == ["greeting"]

    async def listed() -> list[str]:
        async with AuthenticatedClient(base_url=pf_project.host, token=pf_project.viewer_key) as c:
            result = await prompts_list.asyncio(pf_project.project_id, client=c)
            assert isinstance(result, PagePrompt)
            return [p.name for p in result.items]

    assert asyncio.run(listed()) == ["greeting"]


def test_prompt_cache_revalidates_with_etags_and_sees_a_new_deploy(pf_project: PfProject) -> None:
    deploy(pf_project, "Hello {{ name }}!")
    cache = PromptCache(
        AuthenticatedClient(base_url=pf_project.host, token=pf_project.viewer_key), pf_project.project_id
    )
    first = cache.get("greeting")
    assert (first.version, first.template, first.is_fallback) == (1, "Hello {{ name }}!", False)
    assert cache.get("greeting") == first
    assert cache.not_modified == 1  # the second call was a 304

    deploy(pf_project, "Welcome {{ name }}!")
    assert cache.get("greeting").template == "Welcome {{ name }}!"

    assert asyncio.run(cache.aget("greeting")).version == 2
    assert cache.not_modified == 2


def test_prompt_cache_offline_uses_the_last_copy_then_the_fallback(pf_project: PfProject) -> None:
    deploy(pf_project, "Hello {{ name }}!")
    cache = PromptCache(
        AuthenticatedClient(base_url=pf_project.host, token=pf_project.viewer_key), pf_project.project_id
    )
    cache.get("greeting")
    cache.client = AuthenticatedClient(
        base_url=closed_url(), token=pf_project.viewer_key
    )  # the server is gone

    stale = cache.get("greeting", fallback="Hi {{ name }}")
    assert stale.stale and stale.template == "Hello {{ name }}!" and not stale.is_fallback
    never_fetched = cache.get("farewell", fallback="Bye {{ name }}")
    assert never_fetched.is_fallback and never_fetched.template == "Bye {{ name }}"
    assert never_fetched.version == 0
    with pytest.raises(PromptUnavailable):
        cache.get("farewell")  # no copy, no fallback


def test_prompt_cache_never_hides_a_4xx_behind_the_fallback(pf_project: PfProject) -> None:
    cache = PromptCache(
        AuthenticatedClient(base_url=pf_project.host, token=pf_project.viewer_key), pf_project.project_id
    )
    with pytest.raises(PromptUnavailable) as missing:
        cache.get("does-not-exist", fallback="x")
    assert missing.value.status == 404
