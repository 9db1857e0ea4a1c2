"""`pf eval ...`: run an evaluation as a CI gate, compare two evaluations (exit 1 on regressions)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run evaluations and gate CI on them.", no_args_is_help=True)
