"""The scale-out topology as real processes: two `promptforge serve` (PF_RUN_WORKER=false) and two
`promptforge worker` on one PostgreSQL database, one Redis and one S3 server, plus the fake LLM.

PostgreSQL is the shared server (PF_TEST_PG_DSN) with a throw-away database; Redis is a private
redis-server on a free port (server/live/harness.py); S3 is moto's server in its own process
(server/tests/s3_server.py). Everything is started once per session and torn down at the end.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import boto3
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "live"))
sys.path.insert(0, str(HERE.parent / "tests"))

from fake_llm import FakeLLM, ServerThread, build_app  # noqa: E402
from harness import STARTUP_TIMEOUT, ApiServer, PrivateRedis, Seeded, WorkerProcess, seed  # noqa: E402
from s3_server import AWS_ENV, _wait_until_up, free_port  # noqa: E402

PG_ADMIN_DSN = os.environ.get("PF_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKER_CONCURRENCY = 3  # jobs at once per worker: neither can take all of an evaluation's shards


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class S3:
    endpoint_url: str
    bucket: str

    def client(self) -> object:
        return boto3.client("s3", endpoint_url=self.endpoint_url, **_boto_credentials())


def _boto_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        "region_name": AWS_ENV["AWS_DEFAULT_REGION"],
    }


@dataclass
class Topology:
    """The running processes and what a test needs to drive them."""

    apis: list[ApiServer]
    workers: list[WorkerProcess]
    env: dict[str, str]
    database_url: str
    s3: S3
    fake: FakeLLM
    seeded: Seeded
    logs: Path

    def add_worker(self) -> WorkerProcess:
        worker = WorkerProcess(self.env, self.logs / f"worker-{len(self.workers) + 1}.log")
        self.workers.append(worker)
        return worker

    def wait_for_workers(self) -> None:
        """Until every worker says it takes jobs (a cold start on a loaded machine takes a while)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for worker in self.workers:
            while "worker running" not in worker.log_tail():
                if worker.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"promptforge worker did not start:\n{worker.log_tail()}")
                time.sleep(0.1)


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3]:
    """moto's S3 server in its own process, with one bucket."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("s3") / "moto.log"
    env = {**os.environ, **AWS_ENV}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        server = S3(f"http://127.0.0.1:{port}", f"pf-topology-{secrets.token_hex(4)}")
        _wait_until_up(process, server.endpoint_url + "/moto-api/")
        server.client().create_bucket(Bucket=server.bucket)  # type: ignore[attr-defined]
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM()
    runner = ServerThread(build_app(server))
    server.port = runner.start()
    yield server
    runner.stop()


@pytest.fixture(scope="session")
def topology(s3: S3, fake: FakeLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    """Two api instances and two workers sharing PostgreSQL, Redis and S3, like a scaled-out install."""
    database = f"pf_topology_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{database}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    database_url = f"{base}/{database}"
    redis = PrivateRedis()
    logs = tmp_path_factory.mktemp("topology")
    # One configuration for every process, as a ConfigMap + Secret give them in Kubernetes: the
    # same secrets (a session cookie from api 1 is valid on api 2), no worker inside the api.
    shared = {
        "PF_RUN_WORKER": "false",
        "PF_SECRET_KEY": secrets.token_urlsafe(48),
        "PF_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "PF_STORAGE_URL": f"s3://{s3.bucket}/topology",
        "PF_S3_ENDPOINT_URL": s3.endpoint_url,
        "PF_WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
        "PF_LOG_JSON": "true",
        "PF_DATA_DIR": str(logs / "data"),
        **AWS_ENV,
    }
    apis: list[ApiServer] = []
    workers: list[WorkerProcess] = []
    try:
        apis.append(ApiServer(database_url, redis.url, env=shared))
        apis.append(ApiServer(database_url, redis.url, migrate=False, env=shared))
        env = {**apis[0].env, "PF_LOG_LEVEL": "INFO"}  # the workers log each shard they run
        topology = Topology(apis, workers, env, database_url, s3, fake, seed(apis[0].base_url), logs)
        topology.add_worker()
        topology.add_worker()
        topology.wait_for_workers()
        yield topology
    finally:
        for worker in workers:
            worker.kill()
        for api in apis:
            api.close()
        redis.close()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
