"""The `pf` command: global options, the sub-commands, and the exit-code contract (see errors.py)."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer

from promptforge_cli.commands import datasets, evaluations, login, prompts
from promptforge_cli.config import Flags
from promptforge_cli.console import err
from promptforge_cli.errors import FAILED, PfError

app = typer.Typer(
    name="pf",
    help="Prompt-Forge from the command line and CI: prompts as code, datasets, evaluations as a gate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # run() reports errors; never a traceback for users
    add_completion=False,
)
app.add_typer(prompts.app, name="prompts")
app.add_typer(datasets.app, name="datasets")
app.add_typer(evaluations.app, name="eval")
login.register(app)


@app.callback()
def main(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option("--host", help="Server URL, e.g. https://pf.example.com (else PF_HOST).")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="Project API key pf_... (else PF_API_KEY).")
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project", help="Project id or slug (else PF_PROJECT; default: the API key's project)."
        ),
    ] = None,
) -> None:
    """Settings: these flags, then PF_HOST / PF_API_KEY / PF_PROJECT, then pf.toml, then `pf login`."""
    ctx.obj = Flags(host=host, api_key=api_key, project=project)


def run() -> None:
    """Entry point: exit 0 when done, 1 when the work failed or was refused, 2 on usage, auth or
    connection problems; every message goes to stderr without a traceback."""
    try:
        # Typer's standalone mode reports usage errors itself (exit 2) and exits with the command's code.
        app(prog_name="pf")
    except PfError as exc:
        err.print(f"pf: {exc.message}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("pf: interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug in pf: say so plainly, the trace only on request
        if os.environ.get("PF_DEBUG"):
            traceback.print_exc()
        err.print(f"pf: internal error ({type(exc).__name__}: {exc}); PF_DEBUG=1 shows details", markup=False)
        sys.exit(FAILED)


if __name__ == "__main__":
    run()
