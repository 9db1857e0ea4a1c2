"""One evaluation run as several shard jobs: the concurrency limit holds in total, every cell is
written exactly once, the run finishes (or stops on cancel) once, and a shard taken over is fenced.

On PostgreSQL + Redis (the SAQ queue) a 120-cell evaluation runs in 4 shards; on the embedded queue
in one (sharding gains nothing in one process), and the same guarantees are checked.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from eval_setup import evaluation_setup, questions
from fastapi import FastAPI
from sqlalchemy import func, select
from test_evaluation_run import serve, unique
from websockets.asyncio.client import connect as ws_connect

from conftest import BACKEND, Factory
from fake_llm import FakeLLM
from promptforge.auth.dependencies import ACCESS_COOKIE
from promptforge.core.outbox import ProjectEvent
from promptforge.core.queue import JobContext
from promptforge.evaluations.job import run_evaluation_shard
from promptforge.evaluations.models import Evaluation, EvaluationResult
from promptforge.evaluations.shards import shard_concurrency, shard_count

SHARDED = BACKEND != "embedded"


def test_shares_add_up_to_the_concurrency() -> None:
    for concurrency in range(1, 40):
        for cells in (1, 24, 25, 26, 100, 10_000):
            count = shard_count(4, concurrency, cells, embedded=False)
            assert 1 <= count <= min(4, concurrency, max(1, -(-cells // 25)))
            shares = [shard_concurrency(concurrency, count, shard) for shard in range(count)]
            assert sum(shares) == concurrency and min(shares) >= 1
    assert shard_count(4, 10, 10_000, embedded=True) == 1


async def _shards_of(app: FastAPI, evaluation_id: str) -> dict[str, Any] | None:
    async with app.state.sessionmaker() as session:
        row = await session.get(Evaluation, uuid.UUID(evaluation_id))
        assert row is not None
        return row.shards


async def _cells(app: FastAPI, evaluation_id: str) -> tuple[int, int]:
    """(results stored, distinct cells among them)."""
    async with app.state.sessionmaker() as session:
        result = EvaluationResult
        where = result.evaluation_id == uuid.UUID(evaluation_id)
        rows = (await session.execute(select(result.item_id, result.variant_position).where(where))).all()
        stored = (await session.scalar(select(func.count()).select_from(result).where(where))) or 0
    return stored, len(set(rows))


async def test_a_sharded_run_keeps_the_limit_and_finishes_once(
    factory: Factory, fake_llm: FakeLLM, app: FastAPI
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(120))
    model = unique("slow-50ms")
    token = owner.client.cookies.get(ACCESS_COOKIE)
    fake_llm.reset_in_flight()
    async with serve(app) as port:
        headers = {"Cookie": f"{ACCESS_COOKIE}={token}"}
        async with ws_connect(
            f"ws://127.0.0.1:{port}/api/v1/ws", origin=f"http://127.0.0.1:{port}", additional_headers=headers
        ) as ws:  # type: ignore[arg-type]
            await ws.send(json.dumps({"type": "subscribe", "project_id": owner.project_id}))
            created = await setup.create(model=model, concurrency=4)
            running = await setup.wait_done(created["id"], 1)
            assert running["status"] == "running"
            shards = await _shards_of(app, created["id"])
            assert shards is not None and shards["count"] == (4 if SHARDED else 1)
            finished = await setup.wait(created["id"], timeout=60)
            # Whatever arrives within a second after the end: a second "completed" would be a bug.
            events: list[str] = []
            with_deadline = time.monotonic() + 1
            while time.monotonic() < with_deadline:
                try:
                    async with asyncio.timeout(max(0.01, with_deadline - time.monotonic())):
                        message = json.loads(await ws.recv())
                except TimeoutError:
                    break
                if message["type"] == "event" and message["data"].get("id") == created["id"]:
                    events.append(message["event"])
    assert finished["status"] == "completed", finished
    assert finished["progress"] == {"done": 120, "total": 120, "passed": 120, "failed": 0, "errors": 0}
    assert fake_llm.max_in_flight <= 4  # the evaluation's limit, in total over its shards
    assert len(fake_llm.calls(model)) == 120
    assert await _cells(app, created["id"]) == (120, 120)
    assert events.count("evaluation.completed") <= 1
    async with app.state.sessionmaker() as session:  # the webhook outbox: exactly one event
        outbox = (
            await session.scalars(select(ProjectEvent).where(ProjectEvent.type == "evaluation.completed"))
        ).all()
    mine = [event for event in outbox if event.data["id"] == created["id"]]
    assert len(mine) == 1 and mine[0].data["status"] == "completed"
    assert finished["summary"] is not None and await _shards_of(app, created["id"]) is None


async def test_cancel_stops_every_shard_and_finishes_once(
    factory: Factory, fake_llm: FakeLLM, app: FastAPI
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(100))
    model = unique("slow-100ms")
    created = await setup.create(model=model, concurrency=4)
    await setup.wait_done(created["id"], 8)
    cancelled = await owner.client.post(f"{setup.url}/{created['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    async with asyncio.timeout(20):  # every shard notices and the last one writes the summary
        while (body := (await owner.client.get(f"{setup.url}/{created['id']}")).json())["summary"] is None:
            await asyncio.sleep(0.05)
    assert body["status"] == "cancelled"
    calls = len(fake_llm.calls(model))
    await asyncio.sleep(0.5)
    assert len(fake_llm.calls(model)) == calls  # no shard goes on calling the provider
    stored, distinct = await _cells(app, created["id"])
    assert stored == distinct == body["progress"]["done"] < 100
    assert await _shards_of(app, created["id"]) is None


async def test_a_shard_taken_over_fences_the_old_attempt(
    factory: Factory, fake_llm: FakeLLM, app: FastAPI
) -> None:
    owner = await factory.account()
    setup = await evaluation_setup(owner, fake_llm, items=questions(60))
    model = unique("slow-100ms")
    created = await setup.create(model=model, concurrency=2)
    await setup.wait_done(created["id"], 4)
    shards = await _shards_of(app, created["id"])
    async with app.state.sessionmaker() as session:
        row = await session.get(Evaluation, uuid.UUID(created["id"]))
        assert row is not None and row.attempt_token is not None and shards is not None
        generation = row.attempt_token.hex
    # the queue's retry of every shard, started while the first attempts are still running
    ctx = JobContext(app.state.resources, key=created["id"], attempt=2)
    await asyncio.gather(
        *(run_evaluation_shard(ctx, created["id"], generation, shard) for shard in range(shards["count"]))
    )
    finished = await setup.wait(created["id"])
    assert finished["status"] == "completed"
    assert finished["progress"] == {"done": 60, "total": 60, "passed": 60, "failed": 0, "errors": 0}
    assert await _cells(app, created["id"]) == (60, 60)
    assert 60 <= len(fake_llm.calls(model)) < 2 * 60
