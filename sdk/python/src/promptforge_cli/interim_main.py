"""Interim `pf` entry (only `pf eval`) until the CLI scaffolding lands: PF_HOST, PF_API_KEY, PF_PROJECT."""

from __future__ import annotations

import os

import httpx
import typer

from . import eval_commands

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(eval_commands.eval_app, name="eval")


def _target(ctx: typer.Context) -> eval_commands.Target:
    host = os.environ.get("PF_HOST", "http://127.0.0.1:8000")
    key = os.environ.get("PF_API_KEY", "")
    project = os.environ.get("PF_PROJECT", "")
    http = httpx.Client(base_url=host, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    return eval_commands.Target(host, key, project, http)


eval_commands.resolve_target = _target

if __name__ == "__main__":
    app()
