"""Webhook delivery latency (issue 14): from a label move's `PUT` answer (the change is committed) to
the receiver seeing the signed `label.moved` request.

`promptforge serve` runs as production would (PostgreSQL, Redis, its in-process worker relaying), the
receiver is a plain HTTP server in this process answering 200 at once. One move at a time, alternating
the label between two versions. Run alone with `python server/bench/bench_webhooks.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server" / "live"))
from harness import ApiServer, seed  # noqa: E402

PG = os.environ.get("PF_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# A database number of its own (bench.py 5, bench_import.py 6, bench_gateway.py 11).
REDIS = os.environ.get("PF_BENCH_WEBHOOKS_REDIS", "redis://127.0.0.1:6379/12")
SAMPLES = int(os.environ.get("PF_BENCH_WEBHOOKS_SAMPLES", "200"))
WARMUP = 10


class Arrivals:
    """When each event id reached the receiver (monotonic clock of this process)."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.cond = threading.Condition()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        arrivals = self

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                now = time.monotonic()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                data = json.loads(body)["data"]
                with arrivals.cond:
                    arrivals.at[f"{data['to_version']}:{len(arrivals.at)}"] = now
                    arrivals.cond.notify_all()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Receiver


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def measure(base_url: str, cookies: dict[str, str], csrf: str, project_id: str, hook_url: str) -> list[float]:
    arrivals = Arrivals()
    server = ThreadingHTTPServer(("127.0.0.1", 0), arrivals.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    samples: list[float] = []
    with httpx.Client(base_url=base_url, cookies=cookies, timeout=30) as c:
        c.headers["X-CSRF-Token"] = csrf
        prompts = f"/api/v1/projects/{project_id}/prompts"
        c.post(f"{prompts}/greeting/versions", json={"template": "Hi {{ name }}!"}).raise_for_status()
        c.post(hook_url, json={"url": url, "events": ["label.moved"]}).raise_for_status()
        for i in range(WARMUP + SAMPLES):
            with arrivals.cond:
                seen = len(arrivals.at)
            c.put(f"{prompts}/greeting/labels/staging", json={"version": 1 + i % 2}).raise_for_status()
            committed = time.monotonic()
            with arrivals.cond:
                arrivals.cond.wait_for(lambda: len(arrivals.at) > seen, timeout=30)  # noqa: B023
                arrived = max(arrivals.at.values())
            if i >= WARMUP:
                samples.append((arrived - committed) * 1000)
    server.shutdown()
    return samples


def main() -> None:
    database = f"promptforge_bench_webhooks_{secrets.token_hex(3)}"
    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    url = f"{PG.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"
    api = None
    try:
        api = ApiServer(url, REDIS, env={"PF_REGISTER_MAX_PER_IP": "1000"})
        seeded = seed(api.base_url, email=f"bench-{secrets.token_hex(3)}@example.com")
        hooks = f"/api/v1/projects/{seeded.project_id}/webhooks"
        samples = measure(api.base_url, seeded.cookies, seeded.csrf, seeded.project_id, hooks)
    finally:
        if api is not None:
            api.close()
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    print(f"\nwebhook delivery after a label move: {len(samples)} moves, one at a time")
    print(f"  median {statistics.median(samples):.1f} ms   p99 {p99:.1f} ms   max {ordered[-1]:.1f} ms")


if __name__ == "__main__":
    main()
