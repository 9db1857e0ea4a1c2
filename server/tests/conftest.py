"""Test fixtures: a real database (PostgreSQL by default, SQLite with PF_TEST_BACKEND=embedded),
real Redis (or the in-process store when embedded), the ASGI app and data factories."""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn
from alembic import command
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cli_pf.pf_harness import pf_owner, pf_project, pf_server  # noqa: F401  (`pf` against a served API)
from fake_llm import fake_llm  # noqa: F401  (the local provider server fixture)
from langfuse_server import live_url  # noqa: F401  (a running Prompt-Forge server, for SDK tests)
from promptforge.auth import service as auth_service
from promptforge.auth.dependencies import ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE
from promptforge.auth.models import User
from promptforge.cli import alembic_config
from promptforge.core.config import Settings
from promptforge.core.kv import RedisStore
from promptforge.core.security import csrf_token_for, hash_password
from promptforge.main import create_app
from promptforge.models import Base
from promptforge.workspaces.service import create_personal_workspace
from s3_server import s3_server  # noqa: F401  (the local S3 server fixture)
from webhook_receiver import fast_retries, receiver  # noqa: F401  (a local webhook receiver)

BACKEND = os.environ.get("PF_TEST_BACKEND", "postgres")
PG_ADMIN_DSN = os.environ.get("PF_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PF_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "Correct-horse-42"
_PASSWORD_HASH = hash_password(PASSWORD)


def pytest_report_header() -> str:
    return f"promptforge backend: {BACKEND}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throw-away database, migrated to head with Alembic."""
    if BACKEND == "embedded":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        command.upgrade(alembic_config(url), "head")  # type: ignore[arg-type]
        yield url
        return
    name = f"pf_test_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    command.upgrade(alembic_config(url), "head")  # type: ignore[arg-type]
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    spa = tmp_path_factory.mktemp("spa")  # a stand-in build: tests never depend on client/dist
    (spa / "index.html").write_text("<!doctype html><div id=root></div>")
    return Settings(
        spa_dir=spa,
        env="test",
        database_url=database_url,
        redis_url="" if BACKEND == "embedded" else REDIS_URL,
        data_dir=Path(tmp_path_factory.mktemp("data")),
        secret_key=secrets.token_urlsafe(48),
        encryption_key=secrets.token_urlsafe(48),
        log_level="WARNING",
    )


def running(application: FastAPI) -> LifespanManager:
    """The app's lifespan; a generous startup timeout, since a loaded CI machine can take over 5 s."""
    return LifespanManager(application, startup_timeout=60, shutdown_timeout=60)


@pytest.fixture(scope="session")
def kv_prefix() -> str:
    return f"pftest:{secrets.token_hex(4)}:"


@pytest.fixture(scope="session")
async def app(settings: Settings, kv_prefix: str) -> AsyncIterator[FastAPI]:
    application = create_app(settings, kv_prefix=kv_prefix)
    async with running(application):
        yield application
    if settings.redis_url:
        store = RedisStore(settings.redis_url, kv_prefix)
        keys = [k async for k in store.client.scan_iter(f"{kv_prefix}*")]
        if keys:
            await store.client.delete(*keys)
        await store.close()


@pytest.fixture(scope="session")
async def live_server_url(app: FastAPI) -> AsyncIterator[str]:
    """The session's app on a real uvicorn server (a free port, this event loop), for real clients."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(1000):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test starts with empty tables and an empty cache."""
    yield
    if "app" not in request.fixturenames:
        return
    application: FastAPI = request.getfixturevalue("app")
    tables = [t.name for t in Base.metadata.sorted_tables]
    # Only the tables the test wrote to, found in one round trip, are emptied, children first. A
    # DELETE of a few rows is far cheaper than a TRUNCATE, which gives every table (and each of its
    # indexes) a new file that the commit must sync: most of the suite's time on a slow disk.
    # A background job the test started (an import, an evaluation) may still be writing: its row
    # locks and the cleanup's can deadlock. PostgreSQL aborts one side; the job copes with its rows
    # being gone, and the cleanup simply tries again.
    probe = text(" UNION ALL ".join(f"SELECT '{t}' FROM (SELECT 1 FROM \"{t}\" LIMIT 1) x" for t in tables))
    for attempt in range(5):
        try:
            async with application.state.engine.begin() as conn:
                written = set((await conn.execute(probe)).scalars())
                for table in reversed(tables):
                    if table in written:
                        await conn.execute(text(f'DELETE FROM "{table}"'))
            break
        except DBAPIError as exc:
            if attempt == 4 or "deadlock" not in str(exc).lower():
                raise
            await asyncio.sleep(0.1)
    kv = application.state.kv
    if isinstance(kv, RedisStore):
        keys = [k async for k in kv.client.scan_iter(f"{kv.prefix}*")]
        if keys:
            await kv.client.delete(*keys)
    else:
        await kv.close()


def new_client(app: FastAPI, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(app) as c:
        yield c


@dataclass
class Account:
    """A signed-in user: a client carrying its cookies and CSRF header, and its personal workspace."""

    client: httpx.AsyncClient
    user_id: uuid.UUID
    email: str
    workspace_id: str
    project_id: str


class Factory:
    """Creates data fast (no password hashing per user) straight through the service layer."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.clients: list[httpx.AsyncClient] = []

    async def account(self, name: str | None = None) -> Account:
        name = name or f"user-{secrets.token_hex(3)}"
        email = f"{name}@example.com"
        async with self.app.state.sessionmaker() as session:
            user = User(email=email, password_hash=_PASSWORD_HASH, display_name=name)
            session.add(user)
            await session.flush()
            workspace = await create_personal_workspace(session, user)
            tokens = await auth_service._issue_tokens(session, self.app.state.settings, user.id, uuid.uuid4())
            await session.commit()
            user_id = user.id
        client = self.signed_in_client(tokens)
        self.clients.append(client)
        me = (await client.get("/api/v1/workspaces/" + str(workspace.id) + "/projects")).json()
        return Account(client, user_id, email, str(workspace.id), me["items"][0]["id"])

    def signed_in_client(self, tokens: auth_service.SessionTokens) -> httpx.AsyncClient:
        client = new_client(self.app)
        client.cookies.set(ACCESS_COOKIE, tokens.access_token)
        client.cookies.set(REFRESH_COOKIE, tokens.refresh_token, path="/api/v1/auth")
        csrf = csrf_token_for(self.app.state.settings.secret_key, tokens.session_id)
        client.cookies.set(CSRF_COOKIE, csrf)
        client.headers["X-CSRF-Token"] = csrf
        return client

    async def member(self, owner: Account, role: str, name: str | None = None) -> Account:
        """A new account invited to `owner`'s workspace with `role`, having accepted."""
        account = await self.account(name)
        response = await owner.client.post(
            f"/api/v1/workspaces/{owner.workspace_id}/members", json={"email": account.email, "role": role}
        )
        assert response.status_code == 201, response.text
        accepted = await account.client.post(f"/api/v1/invitations/{response.json()['id']}/accept")
        assert accepted.status_code == 200, accepted.text
        account.workspace_id, account.project_id = owner.workspace_id, owner.project_id
        return account

    async def api_key(self, owner: Account, role: str, project_id: str | None = None) -> httpx.AsyncClient:
        """A client authenticated by a new API key of `owner`'s project."""
        project_id = project_id or owner.project_id
        response = await owner.client.post(
            f"/api/v1/projects/{project_id}/api-keys", json={"name": f"{role}-key", "role": role}
        )
        assert response.status_code == 201, response.text
        client = new_client(self.app)
        client.headers["Authorization"] = f"Bearer {response.json()['secret']}"
        self.clients.append(client)
        return client


@pytest.fixture
async def factory(app: FastAPI) -> AsyncIterator[Factory]:
    f = Factory(app)
    yield f
    for c in f.clients:
        await c.aclose()
