"""Reading an evaluation's results through the API: pages and filters, CSV and JUnit XML files,
their 422s, another tenant's 404s and viewers' access (results inserted as the job writes them)."""

from __future__ import annotations

import csv
import io
import json
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import httpx
from evaluation_rows import ITEM_IDS, Cell, assertion, insert_evaluation
from fastapi import FastAPI
from junitparser import Error as JUnitError
from junitparser import Failure as JUnitFailure
from junitparser import JUnitXml

from conftest import Factory
from promptforge.evaluations.result_files import xml_attr, xml_text


def results_url(project_id: str, evaluation_id: object) -> str:
    return f"/api/v1/projects/{project_id}/evaluations/{evaluation_id}/results"


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def matrix(items: int) -> list[Cell]:
    """Variant a passes every item; b fails odd items and errors on every 5th."""
    cells = []
    for i in range(items):
        cells.append(Cell(i, 0, assertions=[assertion("icontains", True)]))
        if i % 5 == 4:
            cells.append(
                Cell(
                    i,
                    1,
                    status="error",
                    score=None,
                    output=None,
                    error={"code": "provider_error", "message": "HTTP 500"},
                )
            )
        elif i % 2:
            cells.append(
                Cell(
                    i,
                    1,
                    status="failed",
                    score=0.0,
                    output=f"nope {i}",
                    assertions=[assertion("icontains", False, reason=f"missing ok in {i}")],
                )
            )
        else:
            cells.append(Cell(i, 1, assertions=[assertion("icontains", True)]))
    return cells


async def all_pages(client: httpx.AsyncClient, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_pages_in_matrix_order_with_filters(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(app, owner.project_id, matrix(12))
    url = results_url(owner.project_id, evaluation_id)

    first = (await owner.client.get(url, params={"limit": 5})).json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    cells = await all_pages(owner.client, url, limit=5)
    assert [(c["item_id"], c["variant"]) for c in cells] == [
        (str(ITEM_IDS[i]), v) for i in range(12) for v in ("a", "b")
    ]
    failed = cells[3]  # item 1 on b
    assert failed == {
        "item_id": str(ITEM_IDS[1]),
        "variant": "b",
        "input": {"question": "q1"},
        "expected": None,
        "output": "nope 1",
        "status": "failed",
        "passed": False,
        "score": 0.0,
        "assertions": [
            {
                "type": "icontains",
                "passed": False,
                "score": 0.0,
                "reason": "missing ok in 1",
                "metric": None,
                "weight": 1.0,
                "error": False,
            }
        ],
        "latency_ms": 100,
        "tokens": {"input": 10, "output": 5},
        "cost_usd": 0.001,
        "grading_cost_usd": None,
        "error": None,
    }
    errors = await all_pages(owner.client, url, status="error")
    assert [(e["variant"], e["error"]["code"]) for e in errors] == [("b", "provider_error")] * 2
    only_b_failed = await all_pages(owner.client, url, variant="b", status="failed", limit=2)
    assert [c["item_id"] for c in only_b_failed] == [str(ITEM_IDS[i]) for i in (1, 3, 5, 7, 11)]
    only_a = await all_pages(owner.client, url, variant="a", limit=100)
    assert len(only_a) == 12 and all(c["passed"] for c in only_a)


async def test_bad_queries_are_422_naming_the_parameter(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(app, owner.project_id, matrix(2))
    url = results_url(owner.project_id, evaluation_id)
    for params, field in [
        ({"variant": "nope"}, "variant"),
        ({"variant": "nope", "format": "csv"}, "variant"),
        ({"status": "maybe"}, "status"),
        ({"format": "xlsx"}, "format"),
        ({"cursor": "forged"}, "cursor"),
        ({"cursor": "1.2.3"}, "cursor"),
        ({"cursor": str(uuid.uuid4())}, "cursor"),  # a UUID, but not one this list made
        ({"cursor": str(uuid.UUID(int=1 << 48))}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
    ]:
        body = problem(await owner.client.get(url, params=params), 422)
        assert body["errors"][0]["loc"] == ["query", field], (params, body)
    # A well-formed cursor past the end is simply an empty page.
    assert (await owner.client.get(url, params={"cursor": str(uuid.UUID(int=500 << 16))})).json() == {
        "items": [],
        "next_cursor": None,
    }


async def test_csv_file(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    cells = matrix(3)
    cells[0].output = '=HYPERLINK("http://evil")'
    cells[0].input = {"question": "+1 and @me", "n": 3}
    cells[0].expected = "-5"
    cells[2].output = 'line one\nline "two", with comma'
    evaluation_id = await insert_evaluation(app, owner.project_id, cells, name="nightly check")
    response = await owner.client.get(results_url(owner.project_id, evaluation_id), params={"format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="nightly-check-results.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 6
    assert list(rows[0]) == [
        "item_id",
        "item_position",
        "variant",
        "status",
        "passed",
        "score",
        "input",
        "expected",
        "output",
        "latency_ms",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "grading_cost_usd",
        "failed_assertions",
        "assertions",
        "error",
    ]
    # Cells a spreadsheet would run as formulas start with an apostrophe.
    assert rows[0]["output"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["input"] == '{"question": "+1 and @me", "n": 3}'  # JSON text starts with "{"
    assert rows[0]["expected"] == "'-5"
    assert rows[0]["status"] == "passed" and rows[0]["passed"] == "true" and rows[0]["score"] == "1.0"
    assert rows[2]["output"] == 'line one\nline "two", with comma'
    assert rows[3]["variant"] == "b" and rows[3]["status"] == "failed" and rows[3]["passed"] == "false"
    assert rows[3]["failed_assertions"] == "icontains: missing ok in 1"
    assert json.loads(rows[3]["assertions"])[0]["reason"] == "missing ok in 1"
    assert (
        rows[3]["latency_ms"] == "100"
        and rows[3]["cost_usd"] == "0.001"
        and rows[3]["grading_cost_usd"] == ""
    )
    assert rows[1]["item_id"] == str(ITEM_IDS[0]) and rows[1]["item_position"] == "0"

    # Filters apply to files too; a file is not paged.
    only = await owner.client.get(
        results_url(owner.project_id, evaluation_id), params={"format": "csv", "status": "failed"}
    )
    assert [r["item_position"] for r in csv.DictReader(io.StringIO(only.text))] == ["1"]


async def test_csv_streams_every_result_across_batches(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(app, owner.project_id, matrix(700))  # 1400 rows: 3 batches
    response = await owner.client.get(results_url(owner.project_id, evaluation_id), params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(int(r["item_position"]), r["variant"]) for r in rows] == [
        (i, v) for i in range(700) for v in ("a", "b")
    ]


async def test_junit_file(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    cells = matrix(6)
    cells[0].output = "bad \x01 char \x1b and <tag> & \x0b lone"
    cells[3].assertions = [
        assertion("icontains", False, reason='quote " and <x>\nnewline\x07'),
        assertion("regex", True),
        assertion("llm-rubric", False, reason="not polite"),
    ]
    evaluation_id = await insert_evaluation(app, owner.project_id, cells, name="ci <check>")
    response = await owner.client.get(
        results_url(owner.project_id, evaluation_id), params={"format": "junit"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "testsuites" and root.get("name") == "ci <check>"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("12", "3", "1")
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("a", "6", "0", "0"),
        ("b", "6", "3", "1"),
    ]
    assert suites[0].get("time") == "0.600"
    cases = suites[1].findall("testcase")
    assert len(cases) == 6 and all(c.get("classname") == "ci <check>" for c in cases)
    assert cases[1].get("name") == f"item 1 ({ITEM_IDS[1]})" and cases[1].get("time") == "0.100"
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == 'icontains: quote " and <x>\nnewline; llm-rubric: not polite'
    error = cases[4].find("error")
    assert error is not None and error.get("message") == "HTTP 500" and error.get("type") == "provider_error"
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    out = suites[0].findall("testcase")[0].find("system-out")
    assert out is not None and out.text == "bad  char  and <tag> &  lone"
    # What the database cannot hold either (NUL, lone surrogates) is dropped all the same.
    assert xml_text("a\x00b\ud800c<") == "abc&lt;" and xml_attr("\ufffe\n") == '"&#10;"'

    # A maintained JUnit library reads it the same way.
    xml = JUnitXml.fromstring(response.text)
    parsed = {suite.name: suite for suite in xml}
    assert set(parsed) == {"a", "b"}
    assert (parsed["b"].tests, parsed["b"].failures, parsed["b"].errors) == (6, 3, 1)
    results = [case.result for case in parsed["b"]]
    assert [type(r[0]).__name__ if r else None for r in results] == [
        None,
        JUnitFailure.__name__,
        None,
        JUnitFailure.__name__,
        JUnitError.__name__,
        JUnitFailure.__name__,
    ]


async def test_junit_with_filters_and_empty_suites(app: FastAPI, factory: Factory) -> None:
    owner = await factory.account()
    evaluation_id = await insert_evaluation(app, owner.project_id, matrix(4))
    url = results_url(owner.project_id, evaluation_id)
    only_b = ET.fromstring((await owner.client.get(url, params={"format": "junit", "variant": "b"})).content)
    assert [s.get("name") for s in only_b.findall("testsuite")] == ["b"]
    failed = ET.fromstring(
        (await owner.client.get(url, params={"format": "junit", "status": "failed"})).content
    )
    suites = failed.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), len(s.findall("testcase"))) for s in suites] == [
        ("b", "2", 2),
        ("a", "0", 0),
    ] or [(s.get("name"), s.get("tests"), len(s.findall("testcase"))) for s in suites] == [
        ("a", "0", 0),
        ("b", "2", 2),
    ]


async def test_other_tenants_and_viewers(app: FastAPI, factory: Factory) -> None:
    owner, stranger = await factory.account(), await factory.account()
    evaluation_id = await insert_evaluation(app, owner.project_id, matrix(2))
    for fmt in ("json", "csv", "junit"):
        # The stranger's own project, the owner's evaluation: 404 like a missing one.
        response = await stranger.client.get(
            results_url(stranger.project_id, evaluation_id), params={"format": fmt}
        )
        assert problem(response, 404)["detail"] == "Evaluation not found."
        response = await stranger.client.get(
            results_url(owner.project_id, evaluation_id), params={"format": fmt}
        )
        problem(response, 404)
    viewer = await factory.member(owner, "viewer")
    key = await factory.api_key(owner, "viewer")
    for client in (viewer.client, key):
        assert len((await client.get(results_url(owner.project_id, evaluation_id))).json()["items"]) == 4
        csv_response = await client.get(
            results_url(owner.project_id, evaluation_id), params={"format": "csv"}
        )
        assert csv_response.status_code == 200
