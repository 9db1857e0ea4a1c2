"""`pf datasets push|pull`: upload a CSV/JSONL/JSON file into a dataset, download one."""

from __future__ import annotations

import typer

app = typer.Typer(help="Upload and download datasets.", no_args_is_help=True)
