"""`pf login`: remember a server and API key in the user's config file (mode 0600)."""

from __future__ import annotations

from typing import Annotated

import typer

from promptforge_cli.config import Config, Flags, normalize_host, save_login
from promptforge_cli.connection import Connection
from promptforge_cli.console import out
from promptforge_cli.errors import UsageProblem


def register(app: typer.Typer) -> None:
    app.command("login")(login)


def login(
    ctx: typer.Context,
    api_key: Annotated[
        str | None,
        typer.Option("--key", help="The API key; asked for (hidden) when not given."),
    ] = None,
) -> None:
    """Check an API key against the server and store both in ~/.config/promptforge/config.toml."""
    flags = ctx.find_root().obj if isinstance(ctx.find_root().obj, Flags) else Flags()
    host = flags.host
    if not host:
        host = typer.prompt("Server URL", default="http://127.0.0.1:8000")
    key = api_key or flags.api_key or typer.prompt("API key", hide_input=True)
    if not key.startswith("pf_"):
        raise UsageProblem("An API key starts with pf_ (create one under Settings → API keys).")
    host = normalize_host(host)
    connection = Connection(Config(host=host, api_key=key, project=None))
    try:
        described = connection.key  # proves host and key before anything is stored
    finally:
        connection.close()
    path = save_login(host, key)
    out.print(
        f"Logged in to {host} with key {described.name} ({described.role}) "
        f"of project {described.project_slug}; saved to {path}"
    )
