"""The gateway's added latency (issue 11): the same chat completion sent straight to a provider and
through `/api/gateway/v1/chat/completions`, interleaved, one request at a time.

The provider is the test suite's fake (server/tests/fake_llm.py) in a process of its own, answering
at once, so what remains is the gateway's own cost: authenticate the key, resolve and render the
prompt, choose the connection, call through the OpenAI SDK, relay, and store the run. Measured for
whole answers (total) and streams (time to first token and total); median and p95 of each, and the
difference gateway - direct. `promptforge serve` runs as production would, on PostgreSQL and Redis.
Run alone with `python server/bench/bench_gateway.py`; `make bench` runs it after the others.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server" / "live"))
from harness import ApiServer, Seeded, _wait, free_port, seed  # noqa: E402

PG = os.environ.get("PF_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# A database number of its own (bench.py uses 5, bench_import.py 6); shared machines: set your own.
REDIS = os.environ.get("PF_BENCH_GATEWAY_REDIS", "redis://127.0.0.1:6379/11")
SAMPLES = int(os.environ.get("PF_BENCH_GATEWAY_SAMPLES", "300"))
WARMUP = 30
MODEL = "gpt-4o-mini"
TARGET_MS = 5.0


def serve_fake_provider(port: int) -> None:
    """The child process: the fake OpenAI/Anthropic server on `port`."""
    sys.path.insert(0, str(ROOT / "server" / "tests"))
    import uvicorn

    from fake_llm import FakeLLM, build_app

    fake = FakeLLM()
    fake.record = lambda request, body: 0  # type: ignore[method-assign]  (keep nothing: a long run)
    uvicorn.run(build_app(fake), host="127.0.0.1", port=port, log_level="warning")


def start_fake_provider() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--fake-provider", str(port)], cwd=ROOT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}/v1"
    _wait(
        lambda: httpx.get(f"{base}/models", timeout=1).status_code == 200,
        "fake provider",
        60,
        lambda: None if proc.poll() is None else "exited",
    )
    return proc, base


def connect_provider(api: ApiServer, seeded: Seeded, provider_url: str) -> None:
    """An OpenAI-compatible connection at the fake provider (the project's only one: the default)."""
    with httpx.Client(base_url=api.base_url, cookies=seeded.cookies, timeout=30) as c:
        c.headers["X-CSRF-Token"] = seeded.csrf
        body = {"name": "fake", "kind": "openai_compatible", "base_url": provider_url, "default_model": MODEL}
        c.post(f"/api/v1/projects/{seeded.project_id}/providers", json=body).raise_for_status()


def has_text(line: str) -> bool:
    """Whether an SSE line is a chunk carrying text (not the role chunk, not the usage chunk)."""
    if not line.startswith("data: {"):
        return False
    choices = json.loads(line[6:]).get("choices") or [{}]
    return bool(choices[0].get("delta", {}).get("content"))


def first_token_and_total(
    client: httpx.Client, url: str, body: dict[str, object], headers: dict[str, str]
) -> tuple[float, float]:
    """Milliseconds to the first chunk carrying text, and to the end of the stream."""
    started = time.perf_counter()
    first = None
    with client.stream("POST", url, json=body, headers=headers) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if first is None and has_text(line):
                first = time.perf_counter()
    end = time.perf_counter()
    assert first is not None, "no text in the stream"
    return (first - started) * 1000, (end - started) * 1000


def total(client: httpx.Client, url: str, body: dict[str, object], headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.post(url, json=body, headers=headers)
    response.raise_for_status()
    assert json.loads(response.content)["choices"][0]["message"]["content"]
    return (time.perf_counter() - started) * 1000


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def measure(api_url: str, provider_url: str, key: str) -> dict[str, dict[str, list[float]]]:
    direct_url, gateway_url = f"{provider_url}/chat/completions", f"{api_url}/api/gateway/v1/chat/completions"
    direct_body = {"model": MODEL, "messages": [{"role": "user", "content": "Hello Ada!"}]}
    gateway_body = {"model": "prompt:greeting", "variables": {"name": "Ada"}}
    auth = {"Authorization": f"Bearer {key}"}
    no_auth = {"Authorization": "Bearer sk-fake"}
    streamed = {"stream": True, "stream_options": {"include_usage": True}}
    cases: dict[str, Callable[[httpx.Client], tuple[float, ...]]] = {
        "direct whole": lambda c: (total(c, direct_url, direct_body, no_auth),),
        "gateway whole": lambda c: (total(c, gateway_url, gateway_body, auth),),
        "direct stream": lambda c: first_token_and_total(c, direct_url, direct_body | streamed, no_auth),
        "gateway stream": lambda c: first_token_and_total(c, gateway_url, gateway_body | streamed, auth),
    }
    results: dict[str, dict[str, list[float]]] = {name: {"ttft": [], "total": []} for name in cases}
    with httpx.Client(timeout=30) as client:
        for i in range(WARMUP + SAMPLES):
            for name, case in cases.items():  # interleaved: a burst of other work hits all alike
                values = case(client)
                if i >= WARMUP:
                    if len(values) == 2:
                        results[name]["ttft"].append(values[0])
                    results[name]["total"].append(values[-1])
    return results


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run() -> dict[str, dict[str, list[float]]]:
    database = f"promptforge_bench_gateway_{secrets.token_hex(3)}"
    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    url = f"{PG.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"
    fake, provider_url = start_fake_provider()
    api = None
    try:
        api = ApiServer(
            url, REDIS, env={"PF_ALLOW_PRIVATE_PROVIDER_URLS": "true", "PF_REGISTER_MAX_PER_IP": "1000"}
        )
        seeded = seed(api.base_url, email=f"bench-{secrets.token_hex(3)}@example.com")
        connect_provider(api, seeded, provider_url)
        return measure(api.base_url, provider_url, seeded.api_key)
    finally:
        if api is not None:
            api.close()
        fake.terminate()
        fake.wait(timeout=10)
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def report(results: dict[str, dict[str, list[float]]]) -> None:
    print(
        f"\ngateway added latency: {SAMPLES} interleaved requests each, one at a time, fake provider process"
    )
    print(f"{'what':34} {'median ms':>10} {'p95 ms':>8}")
    for name, series in results.items():
        for metric in ("ttft", "total"):
            if series[metric]:
                median, p95 = stats(series[metric])
                print(f"{name + ' ' + metric:34} {median:>10.2f} {p95:>8.2f}")
    print(f"\n{'added by the gateway':34} {'median ms':>10} {'p95 ms':>8}")
    added_medians = []
    for kind, metric in (("whole", "total"), ("stream", "ttft"), ("stream", "total")):
        gateway, direct = stats(results[f"gateway {kind}"][metric]), stats(results[f"direct {kind}"][metric])
        added_medians.append(gateway[0] - direct[0])
        print(f"{kind + ' ' + metric:34} {gateway[0] - direct[0]:>10.2f} {gateway[1] - direct[1]:>8.2f}")
    worst = max(added_medians)
    print(f"\nadded median latency <= {worst:.2f} ms (target < {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fake-provider":
        serve_fake_provider(int(sys.argv[2]))
    else:
        report(run())
