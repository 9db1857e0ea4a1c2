"""The fault suite (`make test-faults`): Redis and PostgreSQL go away and come back, and the API
process is killed, all under load against a real `promptforge serve`; see docs/security.md."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter

import httpx
import pytest

from conftest import Load, Sample
from harness import ApiServer, PrivatePostgres, PrivateRedis, Seeded

pytestmark = pytest.mark.usefixtures("report_server_log")


def summary(samples: list[Sample]) -> str:
    """A readable tally for assertion messages: (kind, status, code) -> count."""
    counts = Counter((s.kind, s.status, s.code) for s in samples)
    return ", ".join(f"{k} {status} {code or ''}: {n}" for (k, status, code), n in sorted(counts.items()))


def resolve(seeded: Seeded):  # type: ignore[no-untyped-def]
    async def call(client: httpx.AsyncClient, _i: int) -> tuple[str, httpx.Response, str | None]:
        response = await client.get(f"{seeded.prompt_url}/resolve", headers=seeded.key_headers)
        return "resolve", response, None

    return call


def create_prompt(seeded: Seeded, tag: str):  # type: ignore[no-untyped-def]
    """A write spanning several rows (prompt, version 1, audit event) in one transaction."""

    async def call(client: httpx.AsyncClient, i: int) -> tuple[str, httpx.Response, str | None]:
        name = f"{tag}-{i}"
        body = {"name": name, "kind": "text", "template": f"Write {i}: {{{{ x }}}}"}
        url = f"/api/v1/projects/{seeded.project_id}/prompts"
        return "write", await client.post(url, json=body, headers=seeded.key_headers), name

    return call


def read_prompt(seeded: Seeded):  # type: ignore[no-untyped-def]
    async def call(client: httpx.AsyncClient, _i: int) -> tuple[str, httpx.Response, str | None]:
        return "read", await client.get(seeded.prompt_url, headers=seeded.key_headers), None

    return call


def owner_client(api: ApiServer, seeded: Seeded) -> httpx.Client:
    client = httpx.Client(base_url=api.base_url, timeout=30, cookies=seeded.cookies)
    client.headers["X-CSRF-Token"] = seeded.csrf
    return client


def assert_writes_whole(api: ApiServer, seeded: Seeded, tag: str, acknowledged: set[str]) -> None:
    """Every acknowledged write is there, and every write that is there is whole:
    its prompt, its version 1 and its audit event, or none of them."""
    with owner_client(api, seeded) as owner:
        present: set[str] = set()
        cursor = None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = owner.get(
                f"/api/v1/projects/{seeded.project_id}/prompts", params=params
            ).raise_for_status()
            present |= {p["name"] for p in page.json()["items"] if p["name"].startswith(f"{tag}-")}
            cursor = page.json()["next_cursor"]
            if not cursor:
                break
        audited: set[str] = set()
        cursor = None
        while True:
            params = {"limit": 100, "action": "prompt.created", **({"cursor": cursor} if cursor else {})}
            page = owner.get(f"/api/v1/workspaces/{seeded.workspace_id}/audit-log", params=params)
            page.raise_for_status()
            for event in page.json()["items"]:
                if event["target_type"] == "prompt" and event["target_id"].startswith(f"{tag}-"):
                    audited.add(event["target_id"])
            cursor = page.json()["next_cursor"]
            if not cursor:
                break
        lost = acknowledged - present
        assert not lost, f"{len(lost)} acknowledged writes are missing: {sorted(lost)[:10]}"
        for name in present:
            versions = owner.get(f"/api/v1/projects/{seeded.project_id}/prompts/{name}/versions").json()
            assert [v["number"] for v in versions["items"]] == [1], (
                f"{name}: half-written versions {versions}"
            )
        assert present <= audited, f"prompts without their audit event: {sorted(present - audited)[:10]}"


async def test_redis_outage_resolve_keeps_answering(
    api: ApiServer, redis: PrivateRedis, seeded: Seeded, load: Load
) -> None:
    """Redis stopped and restarted under resolve load: 200 throughout (from PostgreSQL), cached after."""
    async with httpx.AsyncClient(base_url=api.base_url) as client:  # warm every cache
        for _ in range(5):
            (await client.get(f"{seeded.prompt_url}/resolve", headers=seeded.key_headers)).raise_for_status()
    load.start(resolve(seeded), workers=4)
    await asyncio.sleep(1)
    await asyncio.to_thread(redis.stop)
    down_at = load.now()
    await asyncio.sleep(2.5)
    await asyncio.to_thread(redis.start)
    up_at = load.now()
    await asyncio.sleep(2)
    samples = await load.stop()

    during = [s for s in samples if down_at <= s.started < up_at]
    assert len(during) >= 20, f"too little load during the outage: {summary(samples)}"
    bad = [s for s in samples if s.status != 200]
    assert not bad, f"resolve must answer 200 while Redis is down: {summary(bad)}"
    # Served from the cache again: the restarted (empty) Redis holds resolve's entries once more.
    async with httpx.AsyncClient(base_url=api.base_url) as client:
        for _ in range(3):
            (await client.get(f"{seeded.prompt_url}/resolve", headers=seeded.key_headers)).raise_for_status()
    assert int(redis.cli("dbsize")) > 0, "nothing was cached in Redis after it came back"


async def test_postgres_restart_fails_fast_and_loses_nothing(
    api: ApiServer, postgres: PrivatePostgres, seeded: Seeded, load: Load
) -> None:
    """PostgreSQL restarted under reads and writes: fast 503s while down, recovery within 5 s,
    every acknowledged write present and none half-written."""
    tag = f"pg-{secrets.token_hex(2)}"
    load.start(create_prompt(seeded, tag), workers=3)
    load.start(read_prompt(seeded), workers=2)
    load.start(resolve(seeded), workers=1)
    await asyncio.sleep(1.5)
    try:
        await asyncio.to_thread(postgres.stop)
        down_at = load.now()
        await asyncio.sleep(3)
    finally:
        await asyncio.to_thread(postgres.start)
    up_at = load.now()
    await asyncio.sleep(6)
    samples = await load.stop()

    unexpected = [s for s in samples if s.status not in (200, 201, 503)]
    assert not unexpected, f"only 2xx or 503 may answer: {summary(unexpected)}"
    outage = [s for s in samples if s.status == 503]
    assert outage, f"the outage was not noticed: {summary(samples)}"
    assert {s.code for s in outage} == {"database_unavailable"}, summary(outage)
    slow = [s for s in outage if s.elapsed > 2.5]
    assert not slow, f"503s must come fast, {len(slow)} took up to {max(s.elapsed for s in slow):.1f} s"
    # Recovered within 5 s of PostgreSQL accepting connections again: nothing but 2xx afterwards.
    late = [s for s in samples if s.started >= up_at + 5 and s.status != 200 and s.status != 201]
    assert not late, f"not recovered 5 s after the restart: {summary(late)}"
    for kind in ("write", "read"):
        assert any(s.kind == kind and s.started >= up_at and s.status < 300 for s in samples), kind
    assert down_at < up_at
    acknowledged = {s.value for s in samples if s.kind == "write" and s.value}
    assert acknowledged, f"no write succeeded: {summary(samples)}"
    await asyncio.to_thread(assert_writes_whole, api, seeded, tag, acknowledged)


async def test_api_killed_during_writes_keeps_acknowledged_writes(
    api: ApiServer, seeded: Seeded, load: Load
) -> None:
    """SIGKILL of the API process in the middle of writes: every acknowledged write survives."""
    tag = f"kill-{secrets.token_hex(2)}"
    load.start(create_prompt(seeded, tag), workers=4)
    await asyncio.sleep(1.5)
    try:
        await asyncio.to_thread(api.kill)
        await asyncio.sleep(0.3)
        samples = await load.stop()
    finally:
        await asyncio.to_thread(api.start)
    acknowledged = {s.value for s in samples if s.kind == "write" and s.value}
    assert acknowledged, f"no write succeeded before the kill: {summary(samples)}"
    assert any(s.status == 0 for s in samples), "the kill did not interrupt any request"
    await asyncio.to_thread(assert_writes_whole, api, seeded, tag, acknowledged)
