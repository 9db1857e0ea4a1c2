"""Comparing two evaluations through the API: regressions, fixes, unchanged and unmatched cells,
figure deltas per variant, 422/404s and viewers' access."""

from __future__ import annotations

from typing import Any

import pytest
from evaluation_rows import ITEM_IDS, Cell, assertion, insert_evaluation
from fastapi import FastAPI
from test_results_api import problem

from conftest import Factory


def compare_url(project_id: str, evaluation_id: object) -> str:
    return f"/api/v1/projects/{project_id}/evaluations/{evaluation_id}/compare"


def cell(item: int, variant: int, status: str, **kwargs: Any) -> Cell:
    score = {"passed": 1.0, "failed": 0.0, "error": None}[status]
    failing = [assertion("icontains", False, reason=f"no ok in {item}")] if status != "passed" else []
    return Cell(
        item, variant, status=status, score=score, output=f"{status} {item}", assertions=failing, **kwargs
    )


async def two_evaluations(app: FastAPI, project_id: str) -> tuple[Any, Any]:
    """Before: variants a, b over items 0-4. After: variants a, c over items 0-5.

    On a: item 0 stays passed, 1 regresses (failed), 2 regresses (error), 3 is fixed, 4 stays failed,
    5 is new. b and c have no counterpart.
    """
    before = await insert_evaluation(
        app,
        project_id,
        [
            cell(0, 0, "passed"),
            cell(1, 0, "passed"),
            cell(2, 0, "passed"),
            cell(3, 0, "failed"),
            cell(4, 0, "failed"),
            cell(0, 1, "passed"),
            cell(1, 1, "passed"),
        ],
        name="before",
        variants=("a", "b"),
        summary=True,
    )
    after = await insert_evaluation(
        app,
        project_id,
        [
            cell(0, 0, "passed", latency_ms=150),
            cell(1, 0, "failed"),
            cell(2, 0, "error", cost_usd=None),
            cell(3, 0, "passed"),
            cell(4, 0, "failed"),
            cell(5, 0, "passed"),
            cell(0, 1, "passed"),
        ],
        name="after",
        variants=("a", "c"),
        status="running",  # no stored summary yet: computed on the fly
    )
    return before, after


async def test_regressions_fixes_and_deltas(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    before, after = await two_evaluations(app, owner.project_id)
    response = await owner.client.get(compare_url(owner.project_id, after), params={"against": str(before)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["evaluation_id"] == str(after) and body["against_id"] == str(before)
    # 5 matched cells on a; unmatched: after's a/5 and c/0, before's b/0 and b/1.
    assert body["counts"] == {"regressions": 2, "fixes": 1, "unchanged": 2, "unmatched": 4}
    assert body["regressions"] == [
        {
            "item_id": str(ITEM_IDS[1]),
            "variant": "a",
            "input": {"question": "q1"},
            "before": {"status": "passed", "score": 1.0, "output": "passed 1"},
            "after": {"status": "failed", "score": 0.0, "output": "failed 1"},
            "failed_assertions": [{"type": "icontains", "reason": "no ok in 1"}],
        },
        {
            "item_id": str(ITEM_IDS[2]),
            "variant": "a",
            "input": {"question": "q2"},
            "before": {"status": "passed", "score": 1.0, "output": "passed 2"},
            "after": {"status": "error", "score": None, "output": "error 2"},
            "failed_assertions": [{"type": "icontains", "reason": "no ok in 2"}],
        },
    ]
    assert [(f["item_id"], f["before"]["status"], f["after"]["status"]) for f in body["fixes"]] == [
        (str(ITEM_IDS[3]), "failed", "passed")
    ]
    assert body["fixes"][0]["failed_assertions"] == []

    variants = {v["variant"]: v["changes"] for v in body["variants"]}
    assert list(variants) == ["a", "c", "b"]
    a = variants["a"]
    assert a["pass_rate"] == {"before": 0.6, "after": 0.5, "delta": pytest.approx(-0.1)}
    assert a["results"] == {"before": 5.0, "after": 6.0, "delta": 1.0}
    assert a["errors"] == {"before": 0.0, "after": 1.0, "delta": 1.0}
    assert a["latency_p50_ms"] == {"before": 100.0, "after": 100.0, "delta": 0.0}
    assert a["cost_usd"]["before"] == pytest.approx(0.005) and a["cost_usd"]["after"] == pytest.approx(0.005)
    assert a["input_tokens"] == {"before": 50.0, "after": 60.0, "delta": 10.0}
    assert a["grading_cost_usd"] == {"before": None, "after": None, "delta": None}
    assert set(a) == {
        "pass_rate",
        "mean_score",
        "results",
        "passed",
        "failed",
        "errors",
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_mean_ms",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "grading_cost_usd",
    }
    # A variant on one side only: the other side's figures are unknown.
    assert variants["c"]["pass_rate"] == {"before": None, "after": 1.0, "delta": None}
    assert variants["b"]["pass_rate"] == {"before": 1.0, "after": None, "delta": None}

    # The other way round, regressions and fixes swap.
    reverse = (
        await owner.client.get(compare_url(owner.project_id, before), params={"against": str(after)})
    ).json()
    assert reverse["counts"] == {"regressions": 1, "fixes": 2, "unchanged": 2, "unmatched": 4}


async def test_compare_with_itself(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    before, _ = await two_evaluations(app, owner.project_id)
    body = (
        await owner.client.get(compare_url(owner.project_id, before), params={"against": str(before)})
    ).json()
    assert body["counts"] == {"regressions": 0, "fixes": 0, "unchanged": 7, "unmatched": 0}
    assert all(c["delta"] in (0, None) for v in body["variants"] for c in v["changes"].values())


async def test_lists_stop_at_200(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    before = await insert_evaluation(
        app, owner.project_id, [cell(i, 0, "passed") for i in range(230)], variants=("a",)
    )
    after = await insert_evaluation(
        app, owner.project_id, [cell(i, 0, "failed") for i in range(230)], variants=("a",)
    )
    body = (
        await owner.client.get(compare_url(owner.project_id, after), params={"against": str(before)})
    ).json()
    assert body["counts"]["regressions"] == 230 and len(body["regressions"]) == 200
    assert [r["item_id"] for r in body["regressions"]] == [str(ITEM_IDS[i]) for i in range(200)]


async def test_missing_unknown_and_foreign(app: FastAPI, factory: Factory) -> None:
    owner, stranger = await factory.account(), await factory.account()
    before, after = await two_evaluations(app, owner.project_id)
    foreign = await insert_evaluation(app, stranger.project_id, [cell(0, 0, "passed")])
    url = compare_url(owner.project_id, after)
    assert problem(await owner.client.get(url), 422)["errors"][0]["loc"] == ["query", "against"]
    assert problem(await owner.client.get(url, params={"against": "x"}), 422)["errors"][0]["loc"] == [
        "query",
        "against",
    ]
    unknown = "018f0000-0000-7000-8000-000000000000"
    assert problem(await owner.client.get(url, params={"against": unknown}), 404)["detail"] == (
        "Evaluation not found."
    )
    # Another project's evaluation is as absent as an unknown one, on either side.
    problem(await owner.client.get(url, params={"against": str(foreign)}), 404)
    problem(
        await stranger.client.get(compare_url(stranger.project_id, foreign), params={"against": str(after)}),
        404,
    )
    problem(await stranger.client.get(url, params={"against": str(before)}), 404)
    # Viewers (members and API keys) read.
    for client in ((await factory.member(owner, "viewer")).client, await factory.api_key(owner, "viewer")):
        response = await client.get(url, params={"against": str(before)})
        assert response.status_code == 200 and response.json()["counts"]["regressions"] == 2
