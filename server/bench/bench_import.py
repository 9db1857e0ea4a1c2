"""The dataset import benchmark (issue 9, Performance): a 100,000-row CSV (5 variable columns +
`__expected`) imported on PostgreSQL through a real worker process, next to PostgreSQL `COPY` of the
same file into a plain table, in the same run.

`promptforge serve` runs with PF_RUN_WORKER=false and a separate `promptforge worker` process does
the import; its peak RSS is the kernel's high-water mark (VmHWM in /proc/<pid>/status). Run alone
with `python server/bench/bench_import.py`; `make bench` runs it after the resolve benchmark.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server" / "live"))
sys.path.insert(0, str(ROOT / "server" / "bench"))
from dataset_files import COLUMNS, write_benchmark_csv  # noqa: E402

from harness import ApiServer, WorkerProcess, seed  # noqa: E402

PG = os.environ.get("PF_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# A database number of its own: the queue is named after the app's fixed key prefix.
REDIS = os.environ.get("PF_BENCH_IMPORT_REDIS", "redis://127.0.0.1:6379/6")
ROWS = int(os.environ.get("PF_BENCH_IMPORT_ROWS", "100000"))


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def copy_seconds(database: str, csv_path: Path) -> float:
    """PostgreSQL COPY of the file into a plain table of text columns: the reference speed."""
    conn = await asyncpg.connect(f"{PG}/{database}")
    try:
        columns = ", ".join(f'"{c}" text' for c in COLUMNS)
        await conn.execute(f"CREATE TABLE bench_copy ({columns})")
        started = time.perf_counter()
        await conn.copy_to_table(
            "bench_copy", source=str(csv_path), format="csv", header=True, columns=COLUMNS
        )
        elapsed = time.perf_counter() - started
        assert await conn.fetchval("SELECT count(*) FROM bench_copy") == ROWS
        return elapsed
    finally:
        await conn.close()


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run() -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="pf-bench-import-"))
    csv_path = workdir / "items.csv"
    size = write_benchmark_csv(csv_path, ROWS)
    database = f"promptforge_bench_import_{secrets.token_hex(3)}"
    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    url = f"{PG.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"
    env = {"PF_RUN_WORKER": "false", "PF_DATA_DIR": str(workdir / "data")}
    api = ApiServer(url, REDIS, env=env)
    worker = WorkerProcess(api.env, workdir / "worker.log")
    try:
        seeded = seed(api.base_url, email=f"bench-{secrets.token_hex(3)}@example.com")
        with httpx.Client(base_url=api.base_url, headers=seeded.key_headers, timeout=120) as client:
            datasets = f"/api/v1/projects/{seeded.project_id}/datasets"
            client.post(datasets, json={"name": "bench"}).raise_for_status()
            deadline = time.monotonic() + 120
            while "worker running" not in worker.log_path.read_text(errors="replace"):
                if time.monotonic() > deadline:
                    raise SystemExit(f"the worker did not start\n{worker.log_tail()}")
                time.sleep(0.1)
            time.sleep(1)  # up and idle: its RSS baseline is not part of the import
            baseline = peak_rss_mb(worker.pid)
            with csv_path.open("rb") as file:
                started = time.perf_counter()
                response = client.post(f"{datasets}/bench/imports", files={"file": ("items.csv", file)})
            uploaded = time.perf_counter()
            response.raise_for_status()
            status_url = f"{datasets}/bench/imports/{response.json()['id']}"
            while (body := client.get(status_url).json())["status"] not in ("completed", "failed"):
                time.sleep(0.05)
            finished = time.perf_counter()
            if body["status"] != "completed" or body["items_created"] != ROWS:
                raise SystemExit(f"import did not complete: {body}\n{worker.log_tail()}")
            # The job's own time (started_at → finished_at), without the upload.
            job = datetime.fromisoformat(body["finished_at"]) - datetime.fromisoformat(body["started_at"])
            peak = peak_rss_mb(worker.pid)
        copy = asyncio.run(copy_seconds(database, csv_path))
    finally:
        worker.stop()
        api.close()
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    return {
        "bytes": size,
        "upload_s": uploaded - started,
        "total_s": finished - started,
        "job_s": job.total_seconds(),
        "copy_s": copy,
        "baseline_mb": baseline,
        "peak_mb": peak,
    }


def report(r: dict[str, float]) -> None:
    job_rate, copy_rate = ROWS / r["job_s"], ROWS / r["copy_s"]
    total_rate = ROWS / r["total_s"]
    print(f"\ndataset import: {ROWS} CSV rows ({r['bytes'] / 1e6:.1f} MB), PostgreSQL, one worker process")
    print(f"{'what':42} {'seconds':>8} {'rows/s':>10}")
    print(f"{'upload (HTTP, into storage)':42} {r['upload_s']:>8.2f}")
    print(f"{'import job (parse, stage, publish)':42} {r['job_s']:>8.2f} {job_rate:>10.0f}")
    print(f"{'upload + import, as a client waits':42} {r['total_s']:>8.2f} {total_rate:>10.0f}")
    print(f"{'PostgreSQL COPY into a plain table':42} {r['copy_s']:>8.2f} {copy_rate:>10.0f}")
    print(f"\nimport/COPY = {job_rate / copy_rate:.2f} (target >= 0.25)")
    print(f"worker peak RSS = {r['peak_mb']:.0f} MB (idle {r['baseline_mb']:.0f} MB; target < 300 MB)")


if __name__ == "__main__":
    report(run())
