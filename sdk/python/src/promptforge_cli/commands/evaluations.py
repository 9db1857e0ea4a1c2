"""`pf eval ...`: run an evaluation as a CI gate, compare two evaluations (exit 1 on regressions).

The work is in eval_run.py. Exit 1 means "the evaluation said no" (failed, regressed, did not
finish); anything that kept it from running or being judged — bad flags, a refused request
(unknown dataset, viewer key, ...), an unreachable server — exits 2 with one message on stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from promptforge_cli.connection import connect
from promptforge_cli.console import err, out
from promptforge_cli.errors import FAILED, USAGE, ApiError, PfError, UsageProblem
from promptforge_cli.eval_api import EvalApi
from promptforge_cli.eval_run import RunOptions, Session, compare, run

app = typer.Typer(help="Run evaluations and gate CI on them.", no_args_is_help=True)


def _guarded(ctx: typer.Context, action: Callable[[Session], int]) -> None:
    """Run a command on this invocation's connection; map its failures onto the exit codes."""
    connection = connect(ctx)
    try:
        session = Session(
            api=EvalApi(connection),
            host=connection.config.host,
            api_key=connection.config.api_key,
            project_id=connection.project_id,
            out=out,
            err=err,
        )
        code = action(session)
    except ApiError as exc:
        raise PfError(exc.message, USAGE) from None
    except TimeoutError:
        raise PfError("the evaluation did not finish within --timeout", FAILED) from None
    except OSError as exc:  # writing --junit / --json, reading --config
        raise UsageProblem(str(exc)) from None
    raise typer.Exit(code)


@app.command("run")
def run_command(
    ctx: typer.Context,
    dataset: Annotated[
        str | None, typer.Option(help="Dataset name (promptfoo: overrides the derived name)")
    ] = None,
    prompt: Annotated[
        list[str] | None, typer.Option(help="NAME@LABEL or NAME@VERSION; repeat for variants")
    ] = None,
    provider: Annotated[str | None, typer.Option(help="Provider connection (id or name)")] = None,
    model: Annotated[
        str | None, typer.Option(help="Model (default: the prompt's, then the connection's)")
    ] = None,
    assertion: Annotated[
        list[str] | None,
        typer.Option("--assert", help="TYPE:VALUE, e.g. icontains:refund or not-contains:sorry; repeatable"),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(min=0, max=1, help="Pass threshold: least pass rate of every variant")
    ] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, max=50, help="Provider calls in flight")] = None,
    name: Annotated[str | None, typer.Option(help="Evaluation name")] = None,
    config: Annotated[Path | None, typer.Option(help="The evaluation body as YAML", dir_okay=False)] = None,
    promptfoo: Annotated[
        Path | None, typer.Option(help="A promptfoo config (promptfooconfig.yaml)", dir_okay=False)
    ] = None,
    junit: Annotated[Path | None, typer.Option(help="Write the results as JUnit XML")] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write evaluation, summary and results as JSON")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Evaluation id or latest-passing: fail on any regression against it")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the evaluation")] = 3600.0,
    live: Annotated[bool, typer.Option(help="Live progress over the WebSocket (else polling)")] = True,
) -> None:
    """Run an evaluation on the server; exit 0 when it passes, 1 when it fails or regresses."""
    options = RunOptions(
        dataset=dataset,
        prompts=list(prompt or []),
        provider=provider,
        model=model,
        asserts=list(assertion or []),
        threshold=threshold,
        concurrency=concurrency,
        name=name,
        config=config,
        promptfoo=promptfoo,
        junit=junit,
        json_out=json_out,
        baseline=baseline,
        timeout=timeout,
        live=live,
    )
    _guarded(ctx, lambda session: run(session, options))


@app.command("compare")
def compare_command(
    ctx: typer.Context,
    before: Annotated[str, typer.Argument(help="The baseline evaluation (id)")],
    after: Annotated[str, typer.Argument(help="The evaluation to judge (id)")],
) -> None:
    """Print regressions and fixes from BEFORE to AFTER; exit 1 when anything regressed."""
    _guarded(ctx, lambda session: compare(session, before, after))
