"""Dataset file imports through the API: each format, promptfoo's columns, strict and non-strict with
line-numbered errors, a malformed file, the upload size limit, unknown formats, permissions, and the
uploaded file's retention. The job runs on the app's own worker (SAQ on Redis, or in-process)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from test_datasets_api import datasets_url, make_dataset, problem
from test_item_history import all_items

from conftest import Account, Factory, new_client

CSV = (
    "question,context,__expected,__description,__threshold,__metadata:source\n"
    "What is 2+2?,math,4,addition,0.5,quiz\n"
    '"Say ""hi""","greeting, polite",,,,\n'
)


async def upload(
    client: httpx.AsyncClient,
    url: str,
    content: bytes | str,
    filename: str = "items.csv",
    **params: Any,
) -> httpx.Response:
    data = content.encode() if isinstance(content, str) else content
    query = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items()}
    return await client.post(f"{url}/imports", files={"file": (filename, data)}, params=query)


async def wait_done(client: httpx.AsyncClient, url: str, import_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = await client.get(f"{url}/imports/{import_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in ("completed", "failed"):
            return body
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.05)


async def import_file(
    owner: Account, url: str, content: bytes | str, filename: str = "items.csv", **params: Any
) -> dict[str, Any]:
    response = await upload(owner.client, url, content, filename, **params)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "queued"
    return await wait_done(owner.client, url, accepted["id"])


def contents(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"input": i["input"], "expected": i["expected"], "metadata": i["metadata"]} for i in items]


def stored_files(app: FastAPI) -> list[Path]:
    root = Path(app.state.settings.effective_storage_url.removeprefix("file://"))
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_csv_import_with_promptfoo_columns(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    response = await upload(owner.client, url, CSV, "cases.csv")
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["dataset"] == "qa" and accepted["format"] == "csv" and accepted["filename"] == "cases.csv"
    assert accepted["strict"] is False and accepted["rows_done"] == 0 and accepted["errors"] == []
    assert accepted["message"] is None and accepted["finished_at"] is None

    done = await wait_done(owner.client, url, accepted["id"])
    assert done["status"] == "completed", done
    assert (done["rows_done"], done["items_created"], done["error_count"], done["version"]) == (2, 2, 0, 1)
    assert done["started_at"] is not None and done["finished_at"] is not None
    items = contents(await all_items(owner, url))
    assert items == [
        {
            "input": {"question": "What is 2+2?", "context": "math"},
            "expected": "4",
            "metadata": {"description": "addition", "threshold": 0.5, "source": "quiz"},
        },
        {"input": {"question": 'Say "hi"', "context": "greeting, polite"}, "expected": None, "metadata": {}},
    ]
    dataset = (await owner.client.get(url)).json()
    assert (dataset["version"], dataset["item_count"]) == (1, 2)
    listed = (await owner.client.get(f"{url}/imports")).json()
    assert [i["id"] for i in listed["items"]] == [accepted["id"]] and listed["items"][0] == done
    if not app.state.storage.__class__.__name__.startswith("S3"):
        assert stored_files(app) == []  # the upload is deleted once the import is finished


async def test_jsonl_and_json_array_with_both_item_shapes(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    lines = [
        {"input": {"q": "a"}, "expected": {"answer": 1}, "metadata": {"tag": "x"}},
        {"vars": {"q": "b"}, "assert": [{"type": "contains", "value": "b"}], "threshold": 0.8},
    ]
    jsonl = "\n".join(json.dumps(line) for line in lines) + "\n"
    done = await import_file(owner, url, jsonl, "items.jsonl")
    assert (done["status"], done["format"], done["items_created"]) == ("completed", "jsonl", 2)
    expected_items = [
        {"input": {"q": "a"}, "expected": {"answer": 1}, "metadata": {"tag": "x"}},
        {
            "input": {"q": "b"},
            "expected": None,
            "metadata": {"assert": [{"type": "contains", "value": "b"}], "threshold": 0.8},
        },
    ]
    assert contents(await all_items(owner, url)) == expected_items

    # A JSON array, its format given explicitly (the name says nothing).
    done = await import_file(owner, url, json.dumps(lines), "upload.bin", format="json")
    assert (done["status"], done["format"], done["items_created"], done["version"]) == ("completed", "json", 2, 2)
    assert contents(await all_items(owner, url)) == expected_items * 2


async def test_non_strict_skips_bad_rows_and_reports_their_lines(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    text = 'q,__threshold\nok,1\nbad,not-a-number\n"multi\nline",2\ntoo,many,cells\nfine,3\n'
    done = await import_file(owner, url, text)
    assert done["status"] == "completed" and done["message"] is None
    assert (done["rows_done"], done["items_created"], done["error_count"]) == (5, 3, 2)
    assert [e["line"] for e in done["errors"]] == [3, 6]
    assert "__threshold must be a number" in done["errors"][0]["message"]
    assert "header has 2 columns" in done["errors"][1]["message"]
    assert [i["input"]["q"] for i in await all_items(owner, url)] == ["ok", "multi\nline", "fine"]


async def test_strict_fails_on_any_bad_row_and_writes_nothing(factory: Factory) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    lines = [json.dumps({"input": {"q": n}}) for n in range(3000)]
    lines[2500] = json.dumps({"input": {"not a name": 1}})
    done = await import_file(owner, url, "\n".join(lines), "big.jsonl", strict=True)
    assert done["status"] == "failed" and done["strict"] is True
    assert done["message"] == "1 row is invalid; a strict import writes nothing."
    assert done["error_count"] == 1 and done["errors"][0]["line"] == 2501
    assert "is not a variable name" in done["errors"][0]["message"]
    assert done["items_created"] == 0 and done["version"] is None
    dataset = (await owner.client.get(url)).json()
    assert (dataset["version"], dataset["item_count"]) == (0, 0)

    # The same file without the bad row imports whole, strict or not.
    del lines[2500]
    done = await import_file(owner, url, "\n".join(lines), "big.jsonl", strict=True)
    assert (done["status"], done["items_created"], done["version"]) == ("completed", 2999, 1)


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"\xff\xfeq\x00\n\x00", "a.csv", "UTF-16"),
        (b'{"input": {"q": 1}}\n\xff\xfe\xfd\n', "a.jsonl", "not UTF-8"),
        (b'[{"input": {"q": 1}}, ', "a.json", ""),
        (b'{"input": {"q": 1}}', "a.json", "array"),
        (b"q,q\n1,2\n", "a.csv", "appears twice"),
    ],
)
async def test_a_file_that_is_not_csv_or_json_fails_with_a_message(
    factory: Factory, content: bytes, filename: str, reason: str
) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    done = await import_file(owner, url, content, filename)
    assert done["status"] == "failed" and done["message"], done
    assert reason in done["message"]
    assert (await owner.client.get(url)).json()["version"] == 0
    assert await all_items(owner, url) == []


async def test_unknown_format_and_bad_requests(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    body = problem(await upload(owner.client, url, "q\n1\n", "items.csv", format="xlsx"), 422)
    assert body["code"] == "invalid_dataset_file" and "xlsx" in body["detail"]
    body = problem(await upload(owner.client, url, "q\n1\n", "items.xlsx"), 422)
    assert "Cannot tell the file's format" in body["detail"]
    no_file = await owner.client.post(f"{url}/imports", files={"other": ("a.csv", b"q\n1\n")})
    assert problem(no_file, 422)["errors"][0]["loc"] == ["body", "file"]
    not_multipart = await owner.client.post(f"{url}/imports", content=b"q\n1\n")
    problem(not_multipart, 422)
    problem(await upload(owner.client, f"{datasets_url(owner)}/missing", "q\n1\n"), 404)
    assert (await owner.client.get(f"{url}/imports")).json()["items"] == []
    problem(await owner.client.get(f"{url}/imports/{owner.project_id}"), 404)


async def test_upload_size_limit(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    settings = app.state.settings
    limit = 300_000
    original = settings.dataset_max_upload_bytes
    settings.dataset_max_upload_bytes = limit  # read per request by the route
    try:
        big = ("q\n" + "x" * 100 + "\n") * (limit // 100)
        # Declared up front: refused by the middleware before a byte is read (the route's limit).
        response = await upload(owner.client, url, big * 2)
        assert problem(response, 413)["code"] == "payload_too_large"

        # Within the body's framing allowance, but the file itself is over: counted while streaming.
        response = await upload(owner.client, url, big[: limit + 10])
        assert problem(response, 413)["code"] == "payload_too_large"

        # No Content-Length (chunked): counted as it streams.
        async def chunks() -> Any:
            boundary = "----pf"
            yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'.encode()
            for _ in range(10):
                yield big.encode()
            yield f"\r\n--{boundary}--\r\n".encode()

        response = await owner.client.post(
            f"{url}/imports",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=----pf"},
        )
        assert problem(response, 413)["code"] == "payload_too_large"
        # Just under the limit goes through.
        done = await import_file(owner, url, big[: limit - 1000].rsplit("\n", 1)[0] + "\n")
        assert done["status"] == "completed"
    finally:
        settings.dataset_max_upload_bytes = original
    # Nothing left behind by the refused uploads: one import, no stored file.
    assert len((await owner.client.get(f"{url}/imports")).json()["items"]) == 1
    if not settings.storage_url:
        assert stored_files(app) == []
    # Other routes keep the small global limit.
    huge = {"items": [{"input": {"q": "x" * 3000}}] * 1000}
    assert (await owner.client.post(f"{url}/items", content=json.dumps(huge))).status_code == 413


async def test_permissions(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()
    await make_dataset(owner)
    url = f"{datasets_url(owner)}/qa"
    done = await import_file(owner, url, CSV)
    viewer = await factory.member(owner, "viewer")
    viewer_key = await factory.api_key(owner, "viewer")
    editor_key = await factory.api_key(owner, "editor")
    for client in (viewer.client, viewer_key):
        problem(await upload(client, url, CSV), 403)
        assert (await client.get(f"{url}/imports/{done['id']}")).json() == done
        assert (await client.get(f"{url}/imports")).status_code == 200
    accepted = await upload(editor_key, url, CSV)
    assert accepted.status_code == 202, accepted.text
    assert (await wait_done(editor_key, url, accepted.json()["id"]))["status"] == "completed"

    stranger = await factory.account()
    for response in (
        await upload(stranger.client, url, CSV),
        await stranger.client.get(f"{url}/imports/{done['id']}"),
        await stranger.client.get(f"{url}/imports"),
    ):
        problem(response, 404)
    # The stranger's own dataset of the same name does not reveal the owner's import either.
    await make_dataset(stranger)
    other = f"{datasets_url(stranger)}/qa/imports/{done['id']}"
    problem(await stranger.client.get(other), 404)
    async with new_client(app) as anonymous:
        problem(await anonymous.get(f"{url}/imports"), 401)
        problem(await upload(anonymous, url, CSV), 401)
