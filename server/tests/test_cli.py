"""`promptforge create-user`, `(de|re)activate-user`, `serve` and `worker` from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from fastapi import FastAPI
from typer.testing import CliRunner

from conftest import new_client
from promptforge import cli

PASSWORD = "Cli-password-42"
RunCli = Callable[[list[str], str], Awaitable[Result]]


@pytest.fixture
def run_cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run `promptforge ...` against the test database, in a thread (the command runs its own loop)."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's checkout
    env = {"PF_DATABASE_URL": database_url, "PF_DATA_DIR": str(tmp_path / "data"), "PF_ENV": "development"}

    async def run(args: list[str], input: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, cli.app, args, input=input, env=env)

    return run


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_create_user_who_can_sign_in(run_cli: RunCli, client: httpx.AsyncClient) -> None:
    result = await run_cli(["create-user", "--email", "Root@Example.com"], f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Created root@example.com" in result.output
    assert PASSWORD not in result.output  # asked without echo

    response = await login(client, "root@example.com")
    assert response.status_code == 200
    assert "is_admin" not in response.json()  # there is no instance administrator
    assert response.json()["display_name"] == "Root"
    [membership] = (await client.get("/api/v1/auth/me")).json()["memberships"]
    assert membership["role"] == "owner"


async def test_create_regular_user_after_a_mistyped_confirmation(
    run_cli: RunCli, client: httpx.AsyncClient
) -> None:
    result = await run_cli(
        ["create-user", "--email", "dev@example.com", "--display-name", "Dev"],
        f"{PASSWORD}\nsomething-else-1\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    response = await login(client, "dev@example.com")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Dev"


async def test_existing_email_is_refused(run_cli: RunCli, client: httpx.AsyncClient) -> None:
    first = await run_cli(["create-user", "--email", "dup@example.com"], f"{PASSWORD}\n{PASSWORD}\n")
    assert first.exit_code == 0, first.output
    again = await run_cli(
        ["create-user", "--email", "DUP@example.com"], "Other-password-9\nOther-password-9\n"
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert (await login(client, "dup@example.com")).status_code == 200
    assert (await login(client, "dup@example.com", "Other-password-9")).status_code == 401


@pytest.mark.parametrize("password", ["short1A", "onlylowercaseletters"])
async def test_weak_password_is_refused(run_cli: RunCli, client: httpx.AsyncClient, password: str) -> None:
    result = await run_cli(["create-user", "--email", "weak@example.com"], f"{password}\n{password}\n")
    assert result.exit_code != 0
    assert "assword" in result.output
    assert (await login(client, "weak@example.com", password)).status_code == 401


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"reload": False, "workers": 1, "reload_dirs": None}),
        (["--workers", "4"], {"reload": False, "workers": 4}),
        (["--reload", "--workers", "4"], {"reload": True, "workers": 1}),
    ],
)
def test_serve_passes_reload_to_uvicorn(
    args: list[str], expected: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    monkeypatch.chdir(tmp_path)
    env = {"PF_DATA_DIR": str(tmp_path / "data"), "PF_ENV": "development"}
    result = CliRunner().invoke(cli.app, ["serve", "--port", "18123", *args], env=env)
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["factory"] is True
    assert {k: calls[0][k] for k in expected} == expected
    if expected["reload"]:
        assert calls[0]["reload_dirs"] == [str(cli.ROOT / "server" / "src")]


async def test_deactivate_user_ends_sessions_and_sign_in_until_reactivated(
    run_cli: RunCli, app: FastAPI, client: httpx.AsyncClient
) -> None:
    created = await run_cli(["create-user", "--email", "leaver@example.com"], f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    assert (await login(client, "leaver@example.com")).status_code == 200

    result = await run_cli(["deactivate-user", "--email", "Leaver@example.com"], "")
    assert result.exit_code == 0, result.output
    assert "Deactivated leaver@example.com" in result.output
    assert (await client.get("/api/v1/auth/me")).status_code == 401  # the open session, at once
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401
    async with new_client(app) as fresh:
        assert (await login(fresh, "leaver@example.com")).status_code == 401

    result = await run_cli(["reactivate-user", "--email", "leaver@example.com"], "")
    assert result.exit_code == 0, result.output
    async with new_client(app) as fresh:
        assert (await login(fresh, "leaver@example.com")).status_code == 200
        assert (await fresh.get("/api/v1/auth/me")).status_code == 200


async def test_deactivating_an_unknown_account_fails(run_cli: RunCli) -> None:
    result = await run_cli(["deactivate-user", "--email", "nobody@example.com"], "")
    assert result.exit_code == 1
    assert "No account uses nobody@example.com" in result.output


def test_worker_without_redis_exits_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"PF_DATA_DIR": str(tmp_path / "data"), "PF_ENV": "development", "PF_REDIS_URL": ""}
    result = CliRunner().invoke(cli.app, ["worker"], env=env)
    assert result.exit_code == 1
    assert "needs PF_REDIS_URL" in result.output
    assert "`promptforge serve` runs every job" in result.output
