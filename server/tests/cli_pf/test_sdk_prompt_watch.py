"""PromptCache watching the change stream of a served API (`promptforge serve`): a label move reaches
the cache without a get() in between, a restart resumes with Last-Event-ID, the names filter, and a
reset after the server pruned the events the cache missed."""

from __future__ import annotations

import asyncio
import queue
import time
import uuid
from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import create_async_engine

from cli_pf.pf_harness import PfProject
from harness import ApiServer
from promptforge.core.outbox import ProjectEvent
from promptforge_client import AuthenticatedClient
from promptforge_client.prompt_cache import CachedPrompt, PromptCache


def create(project: PfProject, name: str, template: str) -> None:
    response = project.owner.post(
        project.url("/prompts"), json={"name": name, "kind": "text", "template": template}
    )
    assert response.status_code == 201, response.text
    moved = project.owner.put(project.url(f"/prompts/{name}/labels/production"), json={"version": 1})
    assert moved.status_code == 200, moved.text


def deploy(project: PfProject, name: str, template: str) -> int:
    added = project.owner.post(project.url(f"/prompts/{name}/versions"), json={"template": template})
    assert added.status_code == 201, added.text
    version = int(added.json()["number"])
    moved = project.owner.put(project.url(f"/prompts/{name}/labels/production"), json={"version": version})
    assert moved.status_code == 200, moved.text
    return version


def eventually(check: Callable[[], bool], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def new_cache(project: PfProject) -> PromptCache:
    return PromptCache(
        AuthenticatedClient(base_url=project.host, token=project.viewer_key), project.project_id
    )


def next_change(seen: queue.Queue[CachedPrompt], name: str, version: int) -> CachedPrompt:
    while True:
        prompt = seen.get(timeout=15)
        if prompt.name == name and prompt.version == version:
            return prompt


def test_a_label_move_reaches_the_cache_without_a_get_in_between(pf_project: PfProject) -> None:
    create(pf_project, "greeting", "Hello {{ name }}!")
    cache = new_cache(pf_project)
    assert cache.get("greeting").version == 1
    seen: queue.Queue[CachedPrompt] = queue.Queue()
    with cache.watch(on_change=seen.put):
        assert cache.wait_until_watching()
        version = deploy(pf_project, "greeting", "Welcome {{ name }}!")
        changed = next_change(seen, "greeting", version)
        assert changed.template == "Welcome {{ name }}!"
        assert cache.events_received["label.moved"] >= 1
        # Answered from the cache: the stream is connected, so no request (not even a 304) is made.
        not_modified = cache.not_modified
        assert cache.get("greeting").version == version
        assert cache.not_modified == not_modified
    assert not cache.watching


def test_restarting_resumes_with_last_event_id_and_sees_the_missed_move(pf_project: PfProject) -> None:
    create(pf_project, "greeting", "v1")
    cache = new_cache(pf_project)
    assert cache.get("greeting").version == 1
    cache.start_watching()
    assert eventually(lambda: cache.last_event_id is not None)  # the `ready` message's id
    cache.stop_watching()
    position = cache.last_event_id
    version = deploy(pf_project, "greeting", "v2")  # while disconnected
    seen: queue.Queue[CachedPrompt] = queue.Queue()
    with cache.watch(on_change=seen.put):
        assert next_change(seen, "greeting", version).template == "v2"
        assert cache.events_received["reset"] == 0  # a replay, not a refetch of everything
        assert int(cache.last_event_id or 0) > int(position)


def test_watching_some_names_only_refreshes_those(pf_project: PfProject) -> None:
    create(pf_project, "greeting", "g1")
    create(pf_project, "farewell", "f1")
    cache = new_cache(pf_project)
    assert cache.get("greeting").version == 1
    assert cache.get("farewell").version == 1
    seen: queue.Queue[CachedPrompt] = queue.Queue()
    with cache.watch(names=["farewell"], on_change=seen.put):
        assert cache.wait_until_watching()
        deploy(pf_project, "greeting", "g2")
        version = deploy(pf_project, "farewell", "f2")
        assert next_change(seen, "farewell", version).template == "f2"
        assert eventually(lambda: cache.events_received["label.moved"] == 1)  # farewell's, not greeting's
        assert all(seen.get_nowait().name != "greeting" for _ in range(seen.qsize()))  # not followed
        # greeting is not followed: get() asks the server, as without watching.
        assert cache.get("greeting").template == "g2"


def test_a_reset_after_the_server_pruned_missed_events_refreshes_everything(
    pf_project: PfProject, pf_server: ApiServer
) -> None:
    create(pf_project, "greeting", "v1")
    cache = new_cache(pf_project)
    assert cache.get("greeting").version == 1
    cache.start_watching()
    assert eventually(lambda: cache.last_event_id is not None)
    cache.stop_watching()
    version = deploy(pf_project, "greeting", "v2")

    async def prune() -> None:  # what the relay does once the retention window has passed
        engine = create_async_engine(pf_server.env["PF_DATABASE_URL"])
        async with engine.begin() as conn:
            await conn.execute(
                delete(ProjectEvent).where(ProjectEvent.project_id == uuid.UUID(pf_project.project_id))
            )
        await engine.dispose()

    asyncio.run(prune())
    seen: queue.Queue[CachedPrompt] = queue.Queue()
    with cache.watch(on_change=seen.put):
        assert next_change(seen, "greeting", version).template == "v2"
        assert cache.events_received["reset"] == 1
