"""The read side end to end: evaluations created and run through the API against the local fake
provider, then read as pages, CSV and JUnit XML, and compared with each other."""

from __future__ import annotations

import csv
import io
import secrets
import xml.etree.ElementTree as ET
from typing import Any

from eval_setup import Setup, evaluation_setup, questions
from junitparser import JUnitXml

from conftest import Factory
from fake_llm import FakeLLM


async def prompt(setup: Setup, template: str) -> str:
    name = f"p-{secrets.token_hex(3)}"
    url = f"/api/v1/projects/{setup.owner.project_id}/prompts"
    response = await setup.owner.client.post(url, json={"name": name, "kind": "text", "template": template})
    assert response.status_code == 201, response.text
    return name


async def run(setup: Setup, variants: dict[str, str], model: str = "gpt-4o-mini") -> dict[str, Any]:
    """Create an evaluation with one variant per (name -> prompt) and wait until it finished."""
    body = setup.body()
    body["variants"] = [
        {"name": name, "prompt": {"name": p}, "provider_id": setup.provider_id, "model": model}
        for name, p in variants.items()
    ]
    response = await setup.owner.client.post(setup.url, json=body)
    assert response.status_code == 202, response.text
    finished = await setup.wait(response.json()["id"])
    assert finished["status"] == "completed", finished
    return finished


async def test_results_files_and_compare_of_real_runs(factory: Factory, fake_llm: FakeLLM) -> None:
    owner = await factory.account()
    items = [*questions(3), {"input": {"q": "=1+1"}}]
    setup = await evaluation_setup(owner, fake_llm, items=items)
    echo, mute = setup.prompt, await prompt(setup, "Say nothing at all.")

    first = await run(setup, {"echo": echo, "mute": mute})
    url = f"{setup.url}/{first['id']}/results"
    page = (await owner.client.get(url, params={"limit": 100})).json()
    assert page["next_cursor"] is None
    assert [(r["variant"], r["status"]) for r in page["items"]] == [
        ("echo", "passed"),
        ("mute", "failed"),
    ] * 4
    echoed, muted = page["items"][0], page["items"][1]
    assert echoed["input"] == items[0]["input"] and items[0]["input"]["q"] in echoed["output"]
    assert echoed["latency_ms"] is not None and echoed["tokens"]["input"] > 0
    assert muted["assertions"][0]["type"] == "icontains" and muted["assertions"][0]["passed"] is False
    assert muted["score"] == 0.0 and muted["passed"] is False

    rows = list(csv.DictReader(io.StringIO((await owner.client.get(url, params={"format": "csv"})).text)))
    assert len(rows) == 8 and rows[0]["item_id"] == echoed["item_id"]
    assert rows[6]["input"] == '{"q": "=1+1"}' and rows[6]["output"].startswith("Hello")
    assert rows[1]["failed_assertions"].startswith("icontains: ")

    junit = await owner.client.get(url, params={"format": "junit"})
    root = ET.fromstring(junit.content)
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in root.findall("testsuite")] == [
        ("echo", "4", "0"),
        ("mute", "4", "4"),
    ]
    assert {suite.name: suite.failures for suite in JUnitXml.fromstring(junit.text)} == {"echo": 0, "mute": 4}

    # The prompts swap places: echo regresses on every item, mute is fixed on every item.
    second = await run(setup, {"echo": mute, "mute": echo})
    compare = await owner.client.get(f"{setup.url}/{second['id']}/compare", params={"against": first["id"]})
    assert compare.status_code == 200, compare.text
    body = compare.json()
    assert body["counts"] == {"regressions": 4, "fixes": 4, "unchanged": 0, "unmatched": 0}
    assert {r["variant"] for r in body["regressions"]} == {"echo"}
    assert body["regressions"][0]["failed_assertions"][0]["type"] == "icontains"
    changes = {v["variant"]: v["changes"] for v in body["variants"]}
    assert changes["echo"]["pass_rate"] == {"before": 1.0, "after": 0.0, "delta": -1.0}
    assert changes["mute"]["pass_rate"] == {"before": 0.0, "after": 1.0, "delta": 1.0}
