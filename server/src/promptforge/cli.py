"""The `promptforge` command: serve, worker, migrate, create-user, (de|re)activate-user, key rotation,
import-langfuse."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from promptforge.core.config import ConfigurationError, Settings
from promptforge.core.config import load_settings as _load_settings
from promptforge.core.migrations import alembic_config

if TYPE_CHECKING:
    from promptforge.core.queue import JobSpec

app = typer.Typer(help="Prompt-Forge server tools.", no_args_is_help=True)
ROOT = Path(__file__).resolve().parents[3]


def load_settings() -> Settings:
    """The settings, or a one-line error and exit 1 when they must not be used (e.g. production)."""
    try:
        return _load_settings()
    except ConfigurationError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def migrate(revision: str = "head") -> None:
    """Apply database migrations (up to `revision`)."""
    from alembic import command

    command.upgrade(alembic_config(load_settings().effective_database_url), revision)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Defaults to PF_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Defaults to PF_PORT")] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    reload: Annotated[
        bool, typer.Option("--reload", help="Restart when server code changes (development; one worker)")
    ] = False,
) -> None:
    """Serve the API (and the SPA when it is built)."""
    import uvicorn

    settings = load_settings()
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"Prompt-Forge is running on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "promptforge.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=1 if reload else workers,
        reload=reload,
        reload_dirs=[str(ROOT / "server" / "src")] if reload else None,
        access_log=False,
        log_level="warning",
        # The app reads X-Forwarded-* itself, only from PF_FORWARDED_ALLOW_IPS (core/client_address.py).
        proxy_headers=False,
        # WebSocket keep-alive and frame bound from the same settings as /api/v1/ws (core/ws.py).
        ws_ping_interval=settings.ws_ping_seconds,
        ws_ping_timeout=settings.ws_ping_seconds,
        ws_max_size=settings.ws_max_message_bytes,
    )


@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, max=256, help="Jobs run at once; defaults to PF_WORKER_CONCURRENCY")
    ] = None,
    metrics_port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Serve Prometheus /metrics on PF_HOST at this port")
    ] = None,
) -> None:
    """Run background jobs from the Redis queue until SIGTERM or SIGINT (needs PF_REDIS_URL)."""
    settings = load_settings()
    if not settings.redis_url:
        typer.echo(
            "Error: `promptforge worker` needs PF_REDIS_URL. Without Redis there is no separate worker: "
            "`promptforge serve` runs every job in its own process.",
            err=True,
        )
        raise typer.Exit(1)
    from promptforge.core.logging import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=settings.host)
    asyncio.run(run_worker(settings, concurrency or settings.worker_concurrency))


async def run_worker(
    settings: Settings, concurrency: int, *, kv_prefix: str = "pf:", jobs: Sequence[JobSpec] | None = None
) -> None:
    """Open what jobs need, work until a stop signal, then let running jobs finish (or re-queue them)."""
    import signal

    from promptforge.core.resources import open_resources
    from promptforge.jobs import ALL_JOBS
    from promptforge.webhooks.relay import relay_for
    from promptforge.webhooks.sender import WebhookSender

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    resources = await open_resources(settings, kv_prefix, ALL_JOBS if jobs is None else jobs)
    relay = relay_for(resources, WebhookSender(settings))
    try:
        await resources.queue.start_worker(resources, concurrency)
        relay.start()  # webhook deliveries: every worker process relays (webhooks/relay.py)
        typer.echo(f"Prompt-Forge worker running {concurrency} job(s) at once; stop with SIGTERM or Ctrl-C.")
        await stop.wait()
        typer.echo("Stopping: running jobs get PF_WORKER_SHUTDOWN_GRACE_SECONDS to finish.")
    finally:
        await relay.stop()
        await resources.close()


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Email address of the new account")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Asked without echo")
    ],
    display_name: Annotated[str | None, typer.Option(help="Defaults to the part before @")] = None,
) -> None:
    """Create an account from the command line (works when sign-up is closed)."""
    from promptforge.auth.schemas import UserCreate
    from promptforge.auth.service import create_user as create
    from promptforge.core.db import create_engine
    from promptforge.core.errors import AppError

    try:
        data = UserCreate(email=email, password=password, display_name=display_name or email.split("@")[0])
    except ValidationError as exc:
        raise typer.BadParameter(str(exc.errors()[0]["msg"])) from None

    async def run() -> None:
        from sqlalchemy.ext.asyncio import async_sessionmaker

        engine = create_engine(load_settings().effective_database_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                user = await create(session, data)
                await session.commit()
                typer.echo(f"Created {user.email}, id {user.id}")
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except AppError as exc:
        typer.echo(f"Error: {exc.detail}", err=True)
        raise typer.Exit(1) from None


def _set_active(email: str, *, active: bool) -> None:
    """Switch an account on or off, then publish the change to the store every replica reads."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from promptforge.auth.accounts import set_active_by_email
    from promptforge.auth.service import set_user_state
    from promptforge.core.db import create_engine
    from promptforge.core.errors import AppError
    from promptforge.core.kv import create_store

    settings = load_settings()

    async def run() -> str:
        engine = create_engine(settings.effective_database_url)
        # With Redis this reaches every running replica at once; embedded, the server's in-process
        # store is out of reach and the change shows there within auth.service.USER_STATE_TTL.
        kv = create_store(settings.redis_url, "pf:")
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                user = await set_active_by_email(session, kv, settings, email, active=active)
                await session.commit()
            await set_user_state(kv, user.id, active=active)
            return user.email
        finally:
            await kv.close()
            await engine.dispose()

    try:
        done = asyncio.run(run())
    except AppError as exc:
        typer.echo(f"Error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{'Reactivated' if active else 'Deactivated'} {done}.")


@app.command("deactivate-user")
def deactivate_user(email: Annotated[str, typer.Option(help="Email address of the account")]) -> None:
    """Deactivate an account: its sessions end at once and it can no longer sign in."""
    _set_active(email, active=False)


@app.command("reactivate-user")
def reactivate_user(email: Annotated[str, typer.Option(help="Email address of the account")]) -> None:
    """Let a deactivated account sign in again (its old sessions stay ended)."""
    _set_active(email, active=True)


@app.command("rotate-encryption-key")
def rotate_encryption_key() -> None:
    """Re-encrypt every stored secret with PF_ENCRYPTION_KEY (old keys listed in PF_ENCRYPTION_KEYS_OLD)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from promptforge.core.db import create_engine
    from promptforge.core.encryption import DecryptionError, SecretBox
    from promptforge.providers.service import rotate_api_keys
    from promptforge.webhooks.service import rotate_webhook_secrets

    settings = load_settings()
    box = SecretBox.from_settings(settings)

    async def run() -> int:
        engine = create_engine(settings.effective_database_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                changed = await rotate_api_keys(session, box)
                changed += await rotate_webhook_secrets(session, box)
                await session.commit()
                return changed
        finally:
            await engine.dispose()

    try:
        changed = asyncio.run(run())
    except DecryptionError:
        typer.echo(
            "Error: a stored secret cannot be decrypted with PF_ENCRYPTION_KEY or PF_ENCRYPTION_KEYS_OLD; "
            "nothing was changed.",
            err=True,
        )
        raise typer.Exit(1) from None
    typer.echo(f"Re-encrypted {changed} secret(s) with key id {box.kid}.")


@app.command("import-langfuse")
def import_langfuse(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Langfuse prompts as JSON")],
    host: Annotated[
        str | None, typer.Option(envvar=["LANGFUSE_HOST", "LANGFUSE_BASE_URL"], help="Prompt-Forge URL")
    ] = None,
    public_key: Annotated[str | None, typer.Option(envvar="LANGFUSE_PUBLIC_KEY", help="pk-pf-...")] = None,
    secret_key: Annotated[
        str | None, typer.Option(envvar="LANGFUSE_SECRET_KEY", help="pf_... (editor)")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing")
    ] = False,
    output: Annotated[
        Path | None, typer.Option(help="Write a Prompt-Forge export file here instead of uploading it")
    ] = None,
) -> None:
    """Import prompts exported from Langfuse (its API's JSON), with all versions and labels.

    Uploads through the project's import endpoint with an API key (the LANGFUSE_* lines shown when
    the key was created). API keys may not move protected labels such as `production`: for those,
    write the file with --output and import it in the web app as an admin.
    """
    import json

    import httpx

    from promptforge.langfuse_compat.migration import convert_export

    try:
        conversion = convert_export(json.loads(file.read_bytes()))
    except (ValueError, UnicodeDecodeError) as exc:
        typer.echo(f"Error: {file}: {exc}", err=True)
        raise typer.Exit(1) from None
    for old, new in sorted(conversion.renamed.items()):
        typer.echo(f"renamed {old!r} -> {new!r}")
    if conversion.merged_versions:
        typer.echo(f"{conversion.merged_versions} version(s) repeated the one before them and were merged")
    if output is not None:
        output.write_text(json.dumps(conversion.export, indent=2, ensure_ascii=False))
        typer.echo(f"Wrote {len(conversion.export['prompts'])} prompt(s) to {output}")
        return
    if not (host and public_key and secret_key):
        typer.echo(
            "Error: set LANGFUSE_HOST, LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (or --output).", err=True
        )
        raise typer.Exit(1)
    base = host.rstrip("/")
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            projects = client.get("/api/public/projects", auth=(public_key, secret_key))
            if projects.status_code != 200:
                typer.echo(f"Error: {projects.status_code}: {projects.json().get('message')}", err=True)
                raise typer.Exit(1)
            project_id = projects.json()["data"][0]["id"]
            answer = client.post(
                f"/api/v1/projects/{project_id}/import",
                params={"mode": "dry-run" if dry_run else "merge"},
                json=conversion.export,
                headers={"Authorization": f"Bearer {secret_key}"},
            )
    except httpx.HTTPError as exc:
        typer.echo(f"Error: cannot reach {base}: {exc}", err=True)
        raise typer.Exit(1) from None
    if answer.status_code != 200:
        typer.echo(f"Error: {answer.status_code}: {answer.json().get('detail', answer.text)}", err=True)
        if answer.status_code == 403:
            typer.echo(
                "API keys cannot move protected labels: use --output and import as an admin.", err=True
            )
        raise typer.Exit(1)
    report = answer.json()
    for outcome in report["prompts"]:
        moved = ", ".join(outcome["labels_moved"]) or "none"
        typer.echo(
            f"{outcome['name']}: {outcome['status']}, {outcome['versions_added']} version(s), labels: {moved}"
        )
    typer.echo("Dry run: nothing was written." if dry_run else "Imported.")


if __name__ == "__main__":
    app()
