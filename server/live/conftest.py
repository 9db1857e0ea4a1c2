"""Fixtures of the fault suite: one private PostgreSQL, Redis and `promptforge serve` for the session.

Each test may stop, kill or restart them, and leaves them running again when it ends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from harness import ApiServer, PrivatePostgres, PrivateRedis, Seeded, seed


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    yield server
    server.close()


@pytest.fixture(scope="session")
def redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    server.close()


@pytest.fixture(scope="session")
def api(postgres: PrivatePostgres, redis: PrivateRedis) -> Iterator[ApiServer]:
    server = ApiServer(postgres.url, redis.url)
    yield server
    server.close()


@pytest.fixture(scope="session")
def seeded(api: ApiServer) -> Seeded:
    return seed(api.base_url)


@pytest.fixture
def report_server_log(api: ApiServer, request: pytest.FixtureRequest) -> Iterator[None]:
    """On failure, show the end of the server's log next to the assertion."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print("\n--- promptforge serve (last lines) ---\n" + api.log_tail())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if call.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@dataclass
class Sample:
    """One request under load: what it was, when it started (s since the load began), how it ended."""

    kind: str
    started: float
    elapsed: float
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    code: str | None = None
    value: str | None = None  # what a write created, when it was acknowledged


Request = Callable[[httpx.AsyncClient, int], Awaitable[tuple[str, httpx.Response, str | None]]]


class Load:
    """Concurrent request loops that record every answer until `stop()`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.samples: list[Sample] = []
        self.t0 = time.monotonic()
        self._running = True
        self._tasks: list[asyncio.Task[None]] = []

    def now(self) -> float:
        return time.monotonic() - self.t0

    def start(self, request: Request, workers: int) -> None:
        for worker in range(workers):
            self._tasks.append(asyncio.create_task(self._loop(request, worker)))

    async def _loop(self, request: Request, worker: int) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=15) as client:
            i = 0
            while self._running:
                i += 1
                started = self.now()
                try:
                    kind, response, value = await request(client, worker * 1_000_000 + i)
                except httpx.TransportError:
                    self.samples.append(Sample("?", started, self.now() - started, 0))
                    await asyncio.sleep(0.05)
                    continue
                code = None
                if response.headers.get("content-type") == "application/problem+json":
                    code = response.json().get("code")
                ok = response.is_success
                self.samples.append(
                    Sample(
                        kind, started, self.now() - started, response.status_code, code, value if ok else None
                    )
                )
                await asyncio.sleep(0.01)

    async def stop(self) -> list[Sample]:
        self._running = False
        await asyncio.gather(*self._tasks)
        return self.samples


@pytest.fixture
async def load(api: ApiServer) -> AsyncIterator[Load]:
    driver = Load(api.base_url)
    yield driver
    if driver._running:
        await driver.stop()
