"""Label move to application latency: the time from a label move's response to a watching PromptCache
holding the new version (issue 14's closing number).

`promptforge serve` on PostgreSQL + Redis, a PromptCache (sdk/python) following the change stream,
MOVES label moves one after another (each waits until the cache has it). Then the same with two api
processes: moves on one, the stream served by the other (the nudge crosses them through Redis).
"""

from __future__ import annotations

import asyncio
import os
import queue
import secrets
import statistics
import sys
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server" / "live"))
from harness import ApiServer, seed  # noqa: E402
from promptforge_client import AuthenticatedClient  # noqa: E402
from promptforge_client.prompt_cache import CachedPrompt, PromptCache  # noqa: E402

PG = os.environ.get("PF_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# A database number of its own (bench.py 5, bench_import.py 6, bench_gateway.py 11).
REDIS = os.environ.get("PF_BENCH_STREAM_REDIS", "redis://127.0.0.1:6379/12")
MOVES = int(os.environ.get("PF_BENCH_STREAM_MOVES", "200"))


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def measure(move_on: str, stream_from: str, project_id: str, key: str) -> list[float]:
    """Milliseconds from each move's response to the cache's on_change with the moved-to version."""
    label_url = f"/api/v1/projects/{project_id}/prompts/greeting/labels/staging"
    seen: queue.Queue[tuple[float, CachedPrompt]] = queue.Queue()
    cache = PromptCache(AuthenticatedClient(base_url=stream_from, token=key), project_id)
    latencies = []
    with httpx.Client(base_url=move_on, headers={"Authorization": f"Bearer {key}"}, timeout=30) as mover:
        mover.put(label_url, json={"version": 1}).raise_for_status()
        assert cache.get("greeting", label="staging").version == 1
        with cache.watch(on_change=lambda p: seen.put((time.perf_counter(), p))):
            assert cache.wait_until_watching()
            while cache.last_event_id is None:
                time.sleep(0.01)
            for i in range(MOVES):
                version = 2 if i % 2 == 0 else 1
                mover.put(label_url, json={"version": version}).raise_for_status()
                answered = time.perf_counter()
                while True:
                    at, prompt = seen.get(timeout=30)
                    if prompt.version == version:
                        break
                latencies.append((at - answered) * 1000)
    return latencies


def stats(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def run() -> dict[str, list[float]]:
    database = f"promptforge_bench_stream_{secrets.token_hex(3)}"
    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    url = f"{PG.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"
    servers: list[ApiServer] = []
    try:
        first = ApiServer(url, REDIS, env={"PF_REGISTER_MAX_PER_IP": "1000"})
        servers.append(first)
        seeded = seed(first.base_url, email=f"bench-{secrets.token_hex(3)}@example.com")
        with httpx.Client(base_url=first.base_url, cookies=seeded.cookies, timeout=30) as owner:
            owner.headers["X-CSRF-Token"] = seeded.csrf
            prompts = f"/api/v1/projects/{seeded.project_id}/prompts"
            owner.post(f"{prompts}/greeting/versions", json={"template": "Hi {{ name }}"}).raise_for_status()
        # The second process shares the secret key so sessions and keys work on both.
        second = ApiServer(
            url,
            REDIS,
            migrate=False,
            env={**{k: first.env[k] for k in ("PF_SECRET_KEY", "PF_ENCRYPTION_KEY")}},
        )
        servers.append(second)
        return {
            "one api process": measure(first.base_url, first.base_url, seeded.project_id, seeded.api_key),
            "move on one, stream from another": measure(
                first.base_url, second.base_url, seeded.project_id, seeded.api_key
            ),
        }
    finally:
        for server in servers:
            server.close()
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def report(results: dict[str, list[float]]) -> None:
    print(f"\nlabel move -> watching PromptCache holds the new version: {MOVES} moves one after another")
    print(f"{'setup':34} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}")
    for name, values in results.items():
        median, p99, worst = stats(values)
        print(f"{name:34} {median:>10.2f} {p99:>8.2f} {worst:>8.2f}")


if __name__ == "__main__":
    report(run())
