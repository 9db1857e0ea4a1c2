"""Running evaluations end to end through the job, against the local fake LLM server: counts,
pinned dataset versions, the concurrency limit, 429 back-off, item errors, cancel, retry-errors and
the live events."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from eval_setup import evaluation_setup, questions
from fastapi import FastAPI
from sqlalchemy import select
from websockets.asyncio.client import connect as ws_connect

from conftest import Factory
from fake_llm import FakeLLM, connect
from promptforge.auth.dependencies import ACCESS_COOKIE
from promptforge.core.queue import JobContext
from promptforge.evaluations.job import run_evaluation_shard
from promptforge.evaluations.models import Evaluation, EvaluationResult


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


async def test_a_run_completes_with_counts_and_a_summary(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    items = [*questions(3), {"input": {"q": "the odd one"}, "expected": "contains: not in the answer"}]
    setup = await evaluation_setup(owner, fake_llm, items=items)
    created = await setup.create()
    finished = await setup.wait(created["id"])
    assert finished["status"] == "completed", finished
    assert finished["progress"] == {"done": 4, "total": 4, "passed": 3, "failed": 1, "errors": 0}
    assert finished["passed"] is False  # pass rate 0.75 < the default threshold 1.0
    assert finished["finished_at"] is not None and finished["started_at"] is not None
    summary = finished["variants"][0]["summary"]
    assert summary["results"] == 4 and summary["passed"] == 3 and summary["pass_rate"] == 0.75
    assert finished["summary"]["variants"][0]["variant"] == "v1"

    lenient = await setup.create(pass_threshold=0.7)
    assert (await setup.wait(lenient["id"]))["passed"] is True


async def test_the_dataset_version_is_pinned(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    created = await setup.create()
    await setup.add_items(questions(2))  # version 2, after the evaluation pinned version 1
    finished = await setup.wait(created["id"])
    assert finished["dataset"]["version"] == 1
    assert finished["progress"]["total"] == 3 and finished["progress"]["done"] == 3


async def test_concurrency_is_never_exceeded(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(12))
    model = unique("slow-200ms")
    fake_llm.reset_in_flight()
    started = time.monotonic()
    created = await setup.create(model=model, concurrency=3)
    finished = await setup.wait(created["id"])
    assert finished["progress"]["passed"] == 12
    assert fake_llm.max_in_flight == 3
    assert len(fake_llm.calls(model)) == 12
    assert time.monotonic() - started >= 12 / 3 * 0.2 * 0.9


async def test_429_backs_off_without_failing_the_item(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(2))
    model = unique("fail-429-once")
    finished = await setup.wait((await setup.create(model=model, concurrency=1))["id"])
    assert finished["progress"] == {"done": 2, "total": 2, "passed": 2, "failed": 0, "errors": 0}
    assert len(fake_llm.calls(model)) == 3  # the first answer was a 429, then both succeeded


async def test_item_errors_do_not_stop_the_run(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    items = [*questions(2), {"input": {"other": "no q here"}}]  # StrictUndefined: a render error
    setup = await evaluation_setup(owner, fake_llm, items=items)
    body = setup.body()
    body["variants"].append({**body["variants"][0], "name": "broken", "model": unique("fail-500-always")})
    created = (await owner.client.post(setup.url, json=body)).json()
    finished = await setup.wait(created["id"])
    assert finished["status"] == "completed"
    # v1: 2 passed + 1 render error; broken: 2 provider errors + 1 render error
    assert finished["progress"] == {"done": 6, "total": 6, "passed": 2, "failed": 0, "errors": 4}
    results = await owner.client.get(f"{setup.url}/{created['id']}/results", params={"status": "error"})
    assert results.status_code == 200, results.text
    errors = results.json()["items"]
    by_variant: dict[str, list[str]] = {}
    for result in errors:
        by_variant.setdefault(result["variant"], []).append(result["error"]["code"])
    assert sorted(by_variant["v1"]) == ["render_failed"]
    assert sorted(by_variant["broken"]) == ["provider_unavailable", "provider_unavailable", "render_failed"]
    assert all(r["error"]["message"] for r in errors)


async def test_cancel_stops_within_two_seconds_and_keeps_results(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(40))
    model = unique("slow-300ms")
    created = await setup.create(model=model, concurrency=2)
    running = await setup.wait_done(created["id"], 2)
    assert running["status"] == "running", running
    cancelled_at = time.monotonic()
    response = await owner.client.post(f"{setup.url}/{created['id']}/cancel")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled" and response.json()["finished_at"] is not None
    # the job stops calling the provider (what was in flight when it noticed may still finish)
    await asyncio.sleep(0.8)
    calls_after_notice = len(fake_llm.calls(model))
    await asyncio.sleep(1.0)
    assert len(fake_llm.calls(model)) == calls_after_notice
    assert time.monotonic() - cancelled_at < 2.5
    final = (await owner.client.get(f"{setup.url}/{created['id']}")).json()
    assert final["status"] == "cancelled" and final["passed"] is None
    assert 2 <= final["progress"]["done"] < 40
    assert final["progress"]["done"] >= running["progress"]["done"]
    assert final["variants"][0]["summary"]["results"] == final["progress"]["done"]
    assert calls_after_notice <= final["progress"]["done"] + 2  # at most the two in flight were dropped


async def test_cancel_of_a_queued_evaluation(factory: Factory, fake_llm: FakeLLM, app: FastAPI) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    created = await setup.create()
    response = await owner.client.post(f"{setup.url}/{created['id']}/cancel")
    if response.status_code == 409:  # the job was faster than this test: nothing left to cancel
        return
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    await asyncio.sleep(0.5)
    final = (await owner.client.get(f"{setup.url}/{created['id']}")).json()
    assert final["status"] == "cancelled" and final["summary"] is not None


async def test_retry_errors_reruns_only_error_cells(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm)
    # a second connection that fails (400, not retried) until it is pointed at the right place
    broken = await connect(
        owner, "openai", fake_llm, base_url=fake_llm.misbehaving_url("openai", "error-json")
    )
    good_model, flaky_model = unique("good"), unique("flaky")
    body = setup.body(model=good_model)
    body["variants"].append(
        {"name": "flaky", "prompt": {"name": setup.prompt}, "provider_id": broken["id"], "model": flaky_model}
    )
    created = (await owner.client.post(setup.url, json=body)).json()
    first = await setup.wait(created["id"])
    assert first["progress"] == {"done": 6, "total": 6, "passed": 3, "failed": 0, "errors": 3}
    assert first["variants"][1]["summary"]["errors"] == 3

    fixed = await owner.client.patch(
        f"/api/v1/projects/{owner.project_id}/providers/{broken['id']}",
        json={"base_url": fake_llm.openai_url, "api_key": "sk-test-openai-key-1234"},
    )
    assert fixed.status_code == 200, fixed.text
    retry = await owner.client.post(f"{setup.url}/{created['id']}/retry-errors")
    assert retry.status_code == 202, retry.text
    assert retry.json()["status"] == "queued"
    assert retry.json()["progress"] == {"done": 3, "total": 6, "passed": 3, "failed": 0, "errors": 0}
    assert retry.json()["summary"] is None and retry.json()["passed"] is None
    second = await setup.wait(created["id"])
    assert second["progress"] == {"done": 6, "total": 6, "passed": 6, "failed": 0, "errors": 0}
    assert second["passed"] is True
    assert second["variants"][1]["summary"]["pass_rate"] == 1.0
    assert len(fake_llm.calls(good_model)) == 3  # the good variant's cells were not run again
    paths = [c["path"] for c in fake_llm.calls(flaky_model)]
    assert paths == ["/error-json/v1/chat/completions"] * 3 + ["/v1/chat/completions"] * 3
    again = await owner.client.post(f"{setup.url}/{created['id']}/retry-errors")
    assert again.status_code == 409


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[int]:
    """The already started app on a real socket (the test transport has no WebSocket)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


async def test_progress_and_completion_arrive_over_the_websocket(
    factory: Factory, fake_llm: FakeLLM, app: FastAPI
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(10))
    token = owner.client.cookies.get(ACCESS_COOKIE)
    async with serve(app) as port:
        origin = f"http://127.0.0.1:{port}"
        headers = {"Cookie": f"{ACCESS_COOKIE}={token}"}
        async with ws_connect(
            f"ws://127.0.0.1:{port}/api/v1/ws", origin=origin, additional_headers=headers
        ) as ws:  # type: ignore[arg-type]
            await ws.send(json.dumps({"type": "subscribe", "project_id": owner.project_id}))
            created = await setup.create(model=unique("slow-100ms"), concurrency=2)
            events: list[dict[str, Any]] = []
            async with asyncio.timeout(20):
                while not events or events[-1]["event"] != "evaluation.completed":
                    message = json.loads(await ws.recv())
                    if message["type"] == "event" and message["event"].startswith("evaluation."):
                        events.append(message)
    progress = [e["data"] for e in events if e["event"] == "evaluation.progress"]
    assert progress and all(p["id"] == created["id"] and p["total"] == 10 for p in progress)
    assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)
    completed = events[-1]["data"]
    assert completed == {
        "id": created["id"],
        "status": "completed",
        "progress": {"done": 10, "total": 10, "passed": 10, "failed": 0, "errors": 0},
        "passed": True,
    }
    # at most ~4 progress events per second
    seconds = [time.mktime(time.strptime(e["at"][:19], "%Y-%m-%dT%H:%M:%S")) for e in events]
    assert len(progress) <= 4 * (seconds[-1] - seconds[0] + 1) + 1


async def test_a_second_attempt_takes_over_and_each_cell_is_written_once(
    factory: Factory, fake_llm: FakeLLM, app: FastAPI
) -> None:
    """At-least-once delivery: an attempt presumed dead may still run while the next one starts."""
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(16))
    model = unique("slow-150ms")
    created = await setup.create(model=model, concurrency=2)
    await setup.wait_done(created["id"], 2)
    # the queue's retry of the same shard job, started while the first attempt is still running
    async with app.state.sessionmaker() as session:
        row = await session.get(Evaluation, uuid.UUID(created["id"]))
        assert row is not None and row.attempt_token is not None and row.shards is not None
        generation, shards = row.attempt_token.hex, row.shards["count"]
    assert shards == 1  # 16 cells: too few to share
    ctx = JobContext(app.state.resources, key=created["id"], attempt=2)
    await run_evaluation_shard(ctx, created["id"], generation, 0)
    finished = await setup.wait(created["id"])
    assert finished["status"] == "completed"
    assert finished["progress"] == {"done": 16, "total": 16, "passed": 16, "failed": 0, "errors": 0}
    async with app.state.sessionmaker() as session:
        cells = (
            await session.execute(
                select(EvaluationResult.item_id, EvaluationResult.variant_position).where(
                    EvaluationResult.evaluation_id == uuid.UUID(created["id"])
                )
            )
        ).all()
    assert len(cells) == 16 and len(set(cells)) == 16
    # The first attempt stops at its next write or poll (every 0.25 s): only cells it had in flight,
    # finished but unwritten, or started before it noticed were asked twice, never the whole run.
    assert 16 <= len(fake_llm.calls(model)) < 2 * 16


async def test_retry_errors_after_a_cancel_runs_the_cells_left(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(12))
    model = unique("slow-200ms")
    created = await setup.create(model=model, concurrency=2)
    await setup.wait_done(created["id"], 2)
    assert (await owner.client.post(f"{setup.url}/{created['id']}/cancel")).status_code == 200
    await asyncio.sleep(0.6)  # the job notices, keeps what finished, writes the summary
    cancelled = (await owner.client.get(f"{setup.url}/{created['id']}")).json()
    assert cancelled["status"] == "cancelled" and cancelled["progress"]["done"] < 12
    resumed = await owner.client.post(f"{setup.url}/{created['id']}/retry-errors")
    assert resumed.status_code == 202, resumed.text
    finished = await setup.wait(created["id"])
    assert finished["status"] == "completed"
    assert finished["progress"] == {"done": 12, "total": 12, "passed": 12, "failed": 0, "errors": 0}
    # the cells written before the cancel were not asked again
    assert len(fake_llm.calls(model)) <= 12 + 2
