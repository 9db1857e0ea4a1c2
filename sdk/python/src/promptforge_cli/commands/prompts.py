"""`pf prompts pull|push`: a project's prompts as one YAML file each, kept in the repository."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Prompts as code: pull them into YAML files, push changed ones back.", no_args_is_help=True
)
