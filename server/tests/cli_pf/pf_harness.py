"""Fixtures for the `pf` tests: the real `pf` executable as a subprocess, against a real
`promptforge serve` (uvicorn on a free port) with its own database and its own Redis.

PF_TEST_BACKEND=postgres (the default): a throw-away PostgreSQL database and a private redis-server,
so no other test (nor another checkout's run) shares its queue or cache. embedded: a SQLite file
and the in-process store. Each test gets a fresh project of one owner, with an editor and a viewer
API key, so tests never see each other's prompts and need no cleanup. server/tests/conftest.py
imports these fixtures, so the session ones start once however many modules use them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "live"))
from harness import ApiServer, PrivateRedis, seed

BACKEND = os.environ.get("PF_TEST_BACKEND", "postgres")
PG_ADMIN_DSN = os.environ.get("PF_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
PF = str(Path(sys.executable).with_name("pf"))  # the entry point of sdk/python in this environment


@dataclass
class PfRun:
    """What a `pf` run printed and how it exited."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class PfProject:
    """A fresh project on the test server, with its owner's session and two API keys."""

    host: str
    owner: httpx.Client  # signed in as the workspace owner (cookies + CSRF): sets things up
    project_id: str
    slug: str
    editor_key: str
    viewer_key: str
    home: Path  # HOME and XDG_CONFIG_HOME of the pf runs: `pf login` writes here, never to ~
    workdir: Path  # the runs' working directory (a git repository root, for pf.toml lookups)

    def url(self, path: str = "") -> str:
        return f"/api/v1/projects/{self.project_id}{path}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a pf run: the runner's own PF_* settings removed, then `extra`."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("PF_")}
        base.update(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / ".config"), COLUMNS="200")
        base.update(extra)
        return base

    def pf(
        self,
        *args: str,
        key: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> PfRun:
        """Run `pf ARGS` with PF_HOST and PF_API_KEY (the editor key unless `key`) in the environment;
        `env` overrides or adds variables (an empty value removes one)."""
        variables = self.env(PF_HOST=self.host, PF_API_KEY=key or self.editor_key)
        variables.update(env or {})
        variables = {k: v for k, v in variables.items() if v != ""}
        done = subprocess.run(
            [PF, *args],
            env=variables,
            cwd=cwd or self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return PfRun(done.returncode, done.stdout, done.stderr)


def _admin_sql(sql: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


@pytest.fixture(scope="session")
def pf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    """`promptforge serve` on its own database (and Redis), for the whole session."""
    if BACKEND == "embedded":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('pf-db') / 'pf.db'}"
        server = ApiServer(url, "")
        yield server
        server.close()
        return
    name = f"pf_cli_{secrets.token_hex(4)}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    redis = PrivateRedis()
    try:
        server = ApiServer(f"{base}/{name}", redis.url)
        yield server
        server.close()
    finally:
        redis.close()
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pf_owner(pf_server: ApiServer) -> Iterator[tuple[httpx.Client, str]]:
    """The owner's signed-in client and workspace id."""
    seeded = seed(pf_server.base_url, email="pf-owner@example.com")
    client = httpx.Client(base_url=pf_server.base_url, timeout=30, cookies=seeded.cookies)
    client.headers["X-CSRF-Token"] = seeded.csrf
    yield client, seeded.workspace_id
    client.close()


@pytest.fixture
def pf_project(
    pf_server: ApiServer, pf_owner: tuple[httpx.Client, str], tmp_path: Path
) -> Iterator[PfProject]:
    owner, workspace_id = pf_owner
    slug = f"p-{secrets.token_hex(4)}"
    created = owner.post(f"/api/v1/workspaces/{workspace_id}/projects", json={"name": slug, "slug": slug})
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    keys = {}
    for role in ("editor", "viewer"):
        response = owner.post(f"/api/v1/projects/{project_id}/api-keys", json={"name": role, "role": role})
        assert response.status_code == 201, response.text
        keys[role] = response.json()["secret"]
    home, workdir = tmp_path / "home", tmp_path / "repo"
    home.mkdir()
    (workdir / ".git").mkdir(parents=True)  # pf.toml lookups stop at the git root
    yield PfProject(
        pf_server.base_url, owner, project_id, slug, keys["editor"], keys["viewer"], home, workdir
    )
    shutil.rmtree(tmp_path, ignore_errors=True)
