"""`make bench`: start the app as production does (PostgreSQL, Redis, uvicorn with 2 workers) and drive
resolve, render and a bare route (/healthz) with wrk in one run; print req/s, p50/p99 and the ratios."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("PF_BENCH_PORT", "8077"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("PF_BENCH_DURATION", "5s")
CONNECTIONS = os.environ.get("PF_BENCH_CONNECTIONS", "32")
PG = os.environ.get("PF_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("PF_BENCH_REDIS", "redis://127.0.0.1:6379/5")
# One database per run: two benches at once (several worktrees on one machine) must not drop or
# seed each other's. Redis is shared by the app's fixed key prefix, so give each its own
# PF_BENCH_REDIS database number when running several at once.
DB_NAME = os.environ.get("PF_BENCH_DB", f"promptforge_bench_{os.getpid()}")
ROUNDS = int(os.environ.get("PF_BENCH_ROUNDS", "3"))


def sh(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)  # type: ignore[call-overload]


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "PF_ENV": "production",
        "PF_DATABASE_URL": f"{PG.replace('postgresql://', 'postgresql+asyncpg://')}/{DB_NAME}",
        "PF_REDIS_URL": REDIS,
        "PF_SECRET_KEY": secrets.token_urlsafe(48),
        "PF_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "PF_DATA_DIR": tempfile.mkdtemp(prefix="pf-bench-"),
    }


def wait_ready(seconds: float = 120) -> None:
    # Two workers importing the app take ~5 s on an idle machine, over 30 s on a busy one.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):  # not listening yet
            if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("server did not start")


async def seed(env: dict[str, str]) -> tuple[str, str]:
    """A user, a prompt with `production` set, and a viewer API key; returns (prompt url, key).

    Seeded in-process over https so the production (Secure) session cookies are sent back.
    """
    from asgi_lifespan import LifespanManager

    from promptforge.core.config import Settings
    from promptforge.main import create_app

    settings = Settings(**{k.removeprefix("PF_").lower(): v for k, v in env.items() if k.startswith("PF_")})
    app = create_app(settings.model_copy(update={"log_level": "WARNING"}))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://bench") as c:
            email, password = "bench@example.com", "Bench-password-1"
            account = {"email": email, "password": password, "display_name": "Bench"}
            (await c.post("/api/v1/auth/register", json=account)).raise_for_status()
            (
                await c.post("/api/v1/auth/login", json={"email": email, "password": password})
            ).raise_for_status()
            c.headers["X-CSRF-Token"] = c.cookies["pf_csrf"]
            workspace = (await c.get("/api/v1/auth/me")).json()["memberships"][0]["workspace"]["id"]
            project_id = (await c.get(f"/api/v1/workspaces/{workspace}/projects")).json()["items"][0]["id"]
            url = f"/api/v1/projects/{project_id}/prompts"
            template = (
                "You help {{ company }}'s customers.\nAnswer {{ customer }}'s question:\n{{ question }}"
            )
            prompt = {
                "name": "support-answer",
                "kind": "text",
                "template": template,
                "model_config": {"model": "gpt-4o-mini", "temperature": 0.2},
            }
            (await c.post(url, json=prompt)).raise_for_status()
            (await c.put(f"{url}/support-answer/labels/production", json={"version": 1})).raise_for_status()
            key = await c.post(
                f"/api/v1/projects/{project_id}/api-keys", json={"name": "bench", "role": "viewer"}
            )
            return f"{url}/support-answer", key.json()["secret"]


def wrk(
    path: str, key: str | None = None, body: dict[str, object] | None = None, connections: str = CONNECTIONS
) -> dict[str, float]:
    threads = "1" if connections == "1" else "2"
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}", "--latency"]
    if key:
        args += ["-H", f"Authorization: Bearer {key}"]
    with tempfile.TemporaryDirectory() as tmp:
        if body is not None:
            payload = json.dumps(body).replace("\\", "\\\\").replace('"', '\\"')
            script = Path(tmp) / "post.lua"
            lines = [
                'wrk.method = "POST"',
                f'wrk.body = "{payload}"',
                'wrk.headers["Content-Type"] = "application/json"',
            ]
            script.write_text("\n".join(lines) + "\n")
            args += ["-s", str(script)]
        out = sh(*args, BASE + path).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{path} answered errors under load:\n{out}")

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": latency("50%"), "p99": latency("99%")}


def median_run(samples: list[dict[str, float]]) -> dict[str, float]:
    """The sample with the median throughput (its latencies go with it)."""
    return sorted(samples, key=lambda r: r["rps"])[len(samples) // 2]


def main() -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it)")
    sh("psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    sh("psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{DB_NAME}"')
    sh("redis-cli", "-u", REDIS, "flushdb")
    env = server_env()
    sh(sys.executable, "-m", "promptforge.cli", "migrate", env=env, cwd=ROOT)
    server = subprocess.Popen(
        [sys.executable, "-m", "promptforge.cli", "serve", "--port", str(PORT), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready()
        prompt_url, key = asyncio.run(seed(env))
        variables = {"company": "Acme", "customer": "Ada", "question": "Where is my order?"}
        for _ in range(20):  # warm both workers' caches
            httpx.get(
                BASE + prompt_url + "/resolve", headers={"Authorization": f"Bearer {key}"}
            ).raise_for_status()
        targets = {
            "bare /healthz": lambda: wrk("/healthz"),
            "resolve (viewer key, warm)": lambda: wrk(prompt_url + "/resolve", key),
            "render (viewer key, warm)": lambda: wrk(prompt_url + "/render", key, {"variables": variables}),
        }
        # Interleaved rounds, median per route: a burst of other work on the machine then hits all
        # three alike instead of skewing one ratio.
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, run in targets.items():
                runs[name].append(run())
        results = {name: median_run(samples) for name, samples in runs.items()}
        # One client at a time: the latency an application sees, comparable with Langfuse's figures.
        unloaded = {
            "resolve, 1 connection": wrk(prompt_url + "/resolve", key, connections="1"),
            "render, 1 connection": wrk(
                prompt_url + "/render", key, {"variables": variables}, connections="1"
            ),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        sh("psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    bare = results["bare /healthz"]["rps"]
    print(
        f"wrk -t2 -c{CONNECTIONS} -d{DURATION} x {ROUNDS} interleaved rounds (median); "
        f"2 uvicorn workers, PostgreSQL, Redis, {os.cpu_count()} CPUs"
    )
    print(f"{'route':30} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
    for name, r in results.items():
        print(f"{name:30} {r['rps']:>10.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['rps'] / bare:>8.2f}")
    print(f"\n{'unloaded latency':30} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for name, r in unloaded.items():
        print(f"{name:30} {r['rps']:>10.0f} {r['p50']:>8.2f} {r['p99']:>8.2f}")
    resolve_ratio = results["resolve (viewer key, warm)"]["rps"] / bare
    render_ratio = results["render (viewer key, warm)"]["rps"] / bare
    print(f"\nresolve/bare = {resolve_ratio:.2f} (target >= 0.8)")
    print(f"render/bare = {render_ratio:.2f} (target >= 0.6)")
    # The dataset import through a worker process, next to PostgreSQL COPY (bench_import.py).
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_import

    bench_import.report(bench_import.run())
    # An evaluation through a worker process against a provider answering in 100 ms (bench_eval.py).
    import bench_eval

    bench_eval.report(bench_eval.run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
