"""Runs whose text cannot be stored as is, or whose path fails: the run is stored and readable,
never left `running`, and the project's run list keeps answering."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from test_run_streaming import parse_sse

from conftest import Account, Factory
from fake_llm import FakeLLM, connect
from promptforge.runs import service
from promptforge.runs.models import Run

REPLACED = "\ufffd"


async def create_run(owner: Account, provider: dict[str, Any], **body: Any) -> Any:
    return await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/runs", json={"provider_id": provider["id"], **body}
    )


async def list_runs(owner: Account) -> list[dict[str, Any]]:
    response = await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def final_run(response: Any) -> dict[str, Any]:
    """The stored run carried by the last event of a streamed run."""
    assert response.status_code == 201, response.text
    events = parse_sse(response.text)
    assert events[-1][0] == "run", events
    run: dict[str, Any] = events[-1][1]
    return run


@pytest.mark.parametrize("stream", [False, True])
async def test_a_rendered_nul_is_replaced(factory: Factory, stream: bool) -> None:
    owner = await factory.account()
    echo = await connect(owner, "echo")
    response = await create_run(owner, echo, template="Hi {{ '\\x00' }}!", stream=stream)
    run = final_run(response) if stream else response.json()
    assert response.status_code == 201, response.text
    assert run["status"] == "completed"
    assert run["input"]["text"] == f"Hi {REPLACED}!"
    assert run["output"] == f"Hi {REPLACED}!"
    [listed] = await list_runs(owner)
    assert listed["output"] == run["output"]


@pytest.mark.parametrize("stream", [False, True])
async def test_provider_text_with_nul_and_lone_surrogates_is_replaced(
    factory: Factory, fake_llm: FakeLLM, stream: bool
) -> None:
    owner = await factory.account()
    provider = await connect(
        owner, "openai", fake_llm, base_url=fake_llm.misbehaving_url("openai", "bad-text")
    )
    response = await create_run(owner, provider, template="Hi", model="m", stream=stream)
    if stream:
        run = final_run(response)
        deltas = [data["text"] for event, data in parse_sse(response.text) if event == "delta"]
        assert deltas == [f"{REPLACED}x", f"{REPLACED}y"]
        assert run["output"] == f"{REPLACED}x{REPLACED}y"
    else:
        assert response.status_code == 201, response.text
        run = response.json()
        assert run["output"] == f"{REPLACED}hi{REPLACED}"
    assert run["status"] == "completed"
    [listed] = await list_runs(owner)
    assert listed["output"] == run["output"]


async def test_runs_stored_with_nul_before_the_repair_still_read(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    echo = await connect(owner, "echo")
    created = await create_run(owner, echo, template="Hi")
    assert created.status_code == 201, created.text
    async with app.state.sessionmaker() as session:  # what an older version stored (JSON keeps \u0000)
        row = await session.get(Run, uuid.UUID(created.json()["id"]))
        assert row is not None
        row.input = {"text": "Hi \x00"}
        row.error = {"code": "x", "message": "bad \x00"}
        await session.commit()
    [listed] = await list_runs(owner)
    assert listed["input"]["text"] == f"Hi {REPLACED}"
    assert listed["error"]["message"] == f"bad {REPLACED}"
    one = await owner.client.get(f"/api/v1/projects/{owner.project_id}/runs/{listed['id']}")
    assert one.status_code == 200 and one.json()["input"]["text"] == f"Hi {REPLACED}"


@pytest.mark.parametrize("stream", [False, True])
async def test_a_failure_while_storing_the_outcome_marks_the_run_failed(
    factory: Factory, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    owner = await factory.account()
    provider = await connect(owner, "openai", fake_llm)

    def broken_cost(*args: Any) -> float:
        raise RuntimeError("provoked: the final write fails")

    monkeypatch.setattr(service, "cost_usd", broken_cost)  # fault injection in the final write
    response = await create_run(
        owner, provider, template="Hi", model=f"m-{secrets.token_hex(3)}", stream=stream
    )
    if stream:  # the stream had begun: its last event says the run could not be stored
        assert response.status_code == 201, response.text
        assert parse_sse(response.text)[-1] == (
            "error",
            {"code": "run_not_stored", "message": "The run could not be stored."},
        )
    else:
        assert response.status_code == 500, response.text
        assert response.json()["code"] == "internal_error"
    [stored] = await list_runs(owner)
    assert stored["status"] == "failed", stored
    assert stored["error"]["code"] == "internal_error"
    assert stored["finished_at"] is not None
