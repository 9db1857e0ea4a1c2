"""`pf eval run` and `pf eval compare` (Typer); the work is in eval_run.py.

Errors never show a traceback: usage problems, refusals (401/403/404/422) and unreachable servers
print one message on stderr and exit 2; a failed or regressed evaluation exits 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from .eval_api import ApiProblem, EvalApi
from .eval_run import RunOptions, Session, UsageProblem, compare, run

EXIT_USAGE = 2

eval_app = typer.Typer(help="Run evaluations and gate CI on them.", no_args_is_help=True)


class Target:
    """Host, key and project as resolved by the CLI's configuration (flags, env, pf.toml)."""

    def __init__(self, host: str, api_key: str, project_id: str, http: httpx.Client) -> None:
        self.host = host
        self.api_key = api_key
        self.project_id = project_id
        self.http = http


# Set by the main CLI: resolves the configuration into a Target (raises typer.Exit(2) on problems).
resolve_target: Callable[[typer.Context], Target] | None = None


def _session(ctx: typer.Context) -> Session:
    if resolve_target is None:
        raise RuntimeError("pf eval: no configuration resolver registered")
    target = resolve_target(ctx)
    return Session(
        api=EvalApi(target.http, target.project_id),
        host=target.host,
        api_key=target.api_key,
        project_id=target.project_id,
        out=Console(),
        err=Console(stderr=True),
    )


def _guarded(action: Callable[[], int]) -> None:
    """Run a command; map every expected failure to a message on stderr and exit 2."""
    err = Console(stderr=True)
    try:
        code = action()
    except UsageProblem as exc:
        err.print(f"[red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except ApiProblem as exc:
        hint = " (check PF_API_KEY)" if exc.status in (401, 403) else ""
        err.print(f"[red]Error:[/] {exc}{hint}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except httpx.HTTPError as exc:
        err.print(f"[red]Error:[/] cannot reach the server: {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except TimeoutError:
        err.print("[red]Error:[/] the evaluation did not finish within --timeout", highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:  # writing --junit / --json
        err.print(f"[red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(code)


@eval_app.command("run")
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
    _guarded(lambda: run(_session(ctx), options))


@eval_app.command("compare")
def compare_command(
    ctx: typer.Context,
    before: Annotated[str, typer.Argument(help="The baseline evaluation (id)")],
    after: Annotated[str, typer.Argument(help="The evaluation to judge (id)")],
) -> None:
    """Print regressions and fixes from BEFORE to AFTER; exit 1 when anything regressed."""
    _guarded(lambda: compare(_session(ctx), before, after))
