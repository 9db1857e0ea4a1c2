"""`pf eval run`: build the evaluation body (flags, --config or --promptfoo), run it, report, gate.

Exit codes: 0 the evaluation passed (and nothing regressed against the baseline), 1 it failed,
was cancelled or failed to run, or regressed; 2 usage, auth or connection problems (UsageProblem,
ConnectionProblem, and every refusal of the server: commands/evaluations.py maps ApiError to 2,
because 1 must mean "the evaluation said no").
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

from .errors import ApiError, UsageProblem
from .eval_api import EvalApi
from .eval_report import (
    compare_counts,
    compare_tables,
    promptfoo_totals,
    summary_table,
    tests_table,
    verdict_line,
)
from .eval_watch import wait_for_evaluation
from .promptfoo.assertions import MODEL_GRADED, base_type, parse_assert_flag
from .promptfoo.config import load_suite
from .promptfoo.plan import Connection, PlanError, build_plan
from .promptfoo_sync import SyncRefused, sync

PROMPT_REF = re.compile(r"^([a-z0-9][a-z0-9._-]{0,127})(?:@([A-Za-z0-9][A-Za-z0-9._-]*))?$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
FAILURES_SHOWN = 20
LOOKBACK = 2000  # evaluations examined for --baseline latest-passing


@dataclass
class RunOptions:
    dataset: str | None = None
    prompts: list[str] = field(default_factory=list)
    provider: str | None = None
    model: str | None = None
    asserts: list[str] = field(default_factory=list)
    threshold: float | None = None
    concurrency: int | None = None
    name: str | None = None
    config: Path | None = None
    promptfoo: Path | None = None
    junit: Path | None = None
    json_out: Path | None = None
    baseline: str | None = None
    timeout: float = 3600.0
    live: bool = True


@dataclass
class Session:
    """Where to talk: the API wrapper plus what the WebSocket needs."""

    api: EvalApi
    host: str
    api_key: str
    project_id: str
    out: Console  # the report (stdout)
    err: Console  # progress and notes (stderr)


def _connections(api: EvalApi) -> list[Connection]:
    return [
        Connection(c["id"], c["name"], c["kind"], c.get("default_model"), tuple(c.get("models") or ()))
        for c in api.pages("/run-providers")
    ]


def _connection_id(name_or_id: str | None, connections: list[Connection]) -> str:
    """A connection by id or name; without one, the project's only connection."""
    if name_or_id is None:
        if len(connections) == 1:
            return str(connections[0].id)
        names = ", ".join(c.name for c in connections) or "none"
        raise UsageProblem(
            f"--provider is required: the project has {len(connections)} connections ({names})"
        )
    for conn in connections:
        if name_or_id in (conn.id, conn.name):
            return str(conn.id)
    raise UsageProblem(f"--provider {name_or_id}: no provider connection of the project has that id or name")


def _prompt_ref(text: str) -> dict[str, Any]:
    match = PROMPT_REF.match(text)
    if match is None:
        raise UsageProblem(f"--prompt {text!r}: expected NAME, NAME@LABEL or NAME@VERSION")
    name, at = match.groups()
    if at is None:
        return {"name": name}
    return {"name": name, "version": int(at)} if at.isdigit() else {"name": name, "label": at}


def body_from_flags(options: RunOptions, connections: list[Connection]) -> dict[str, Any]:
    if not options.dataset or not options.prompts:
        raise UsageProblem("give --dataset and at least one --prompt (or --config / --promptfoo)")
    provider_id = _connection_id(options.provider, connections)
    refs = [_prompt_ref(p) for p in options.prompts]
    variants = []
    for text, ref in zip(options.prompts, refs, strict=True):
        variant: dict[str, Any] = {"name": text[:100], "prompt": ref, "provider_id": provider_id}
        if options.model:
            variant["model"] = options.model
        variants.append(variant)
    body: dict[str, Any] = {
        "name": options.name or f"{options.dataset}: {', '.join(options.prompts)}"[:200],
        "dataset": {"name": options.dataset},
        "variants": variants,
        "assertions": _flag_assertions(options, connections, variants),
    }
    return body


def body_from_config(options: RunOptions, connections: list[Connection]) -> dict[str, Any]:
    """The evaluation body as YAML; a variant's `provider_id` may name a connection instead."""
    assert options.config is not None
    try:
        body = yaml.safe_load(options.config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageProblem(f"--config {options.config}: {exc}") from None
    if not isinstance(body, dict):
        raise UsageProblem(f"--config {options.config}: the evaluation body is a YAML mapping")
    for variant in body.get("variants") or []:
        provider = variant.get("provider_id") if isinstance(variant, dict) else None
        if isinstance(provider, str) and not UUID.match(provider):
            variant["provider_id"] = _connection_id(variant["provider_id"], connections)
    return body


def _override(body: dict[str, Any], options: RunOptions) -> None:
    for key, value in (
        ("name", options.name),
        ("pass_threshold", options.threshold),
        ("concurrency", options.concurrency),
    ):
        if value is not None:
            body[key] = value


def _results(api: EvalApi, evaluation_id: str) -> list[dict[str, Any]]:
    return list(api.pages(f"/evaluations/{evaluation_id}/results"))


def find_latest_passing(api: EvalApi, evaluation: dict[str, Any]) -> str | None:
    """The newest completed, passed evaluation over the same dataset and the same prompt names."""
    prompts = {v["prompt"]["name"] for v in evaluation["variants"]}
    first = sorted(prompts)[0]
    # newest first; looking further back than a few thousand runs would only find stale baselines
    candidates = itertools.islice(api.pages("/evaluations", prompt=first, status="completed"), LOOKBACK)
    for candidate in candidates:
        if candidate["id"] == evaluation["id"] or candidate.get("passed") is not True:
            continue
        if candidate["dataset"]["name"] != evaluation["dataset"]["name"]:
            continue
        if {v["prompt"]["name"] for v in candidate["variants"]} == prompts:
            return str(candidate["id"])
    return None


def _baseline(session: Session, evaluation: dict[str, Any], baseline: str) -> dict[str, Any] | None:
    if baseline == "latest-passing":
        against = find_latest_passing(session.api, evaluation)
        if against is None:
            session.err.print(
                "No earlier passing evaluation of these prompts on this dataset: nothing to compare."
            )
            return None
    elif UUID.match(baseline):
        against = baseline
    else:
        raise UsageProblem(f"--baseline {baseline!r}: an evaluation id or latest-passing")
    comparison: dict[str, Any] = session.api.get(f"/evaluations/{evaluation['id']}/compare", against=against)
    return comparison


def _check_flags(options: RunOptions) -> None:
    if options.config and options.promptfoo:
        raise UsageProblem("give --config or --promptfoo, not both")
    if options.promptfoo and (options.prompts or options.asserts):
        raise UsageProblem("--prompt and --assert do not combine with --promptfoo (the config says them)")
    if not options.config and not options.promptfoo and not (options.dataset and options.prompts):
        raise UsageProblem("give --dataset and at least one --prompt, or --config FILE, or --promptfoo FILE")
    if options.baseline and options.baseline != "latest-passing" and not UUID.match(options.baseline):
        raise UsageProblem(f"--baseline {options.baseline!r}: an evaluation id or latest-passing")


def override_config(body: dict[str, Any], options: RunOptions, connections: list[Connection]) -> None:
    """Flags given with --config win over the file.

    `--prompt NAME@LABEL` re-points the variants that run NAME (their names stay, so results still
    match a baseline's by variant name: one eval.yaml serves every pull request); `--dataset`,
    `--provider` and `--model` apply to every variant; `--assert` adds assertions.
    """
    variants = [v for v in body.get("variants") or [] if isinstance(v, dict)]
    for text in options.prompts:
        ref = _prompt_ref(text)
        matching = [
            v
            for v in variants
            if isinstance(v.get("prompt"), dict) and v["prompt"].get("name") == ref["name"]
        ]
        if not matching:
            raise UsageProblem(
                f"--prompt {text}: no variant of {options.config} runs the prompt {ref['name']}"
            )
        for variant in matching:
            variant["prompt"] = dict(ref)
    if options.dataset:
        body["dataset"] = {"name": options.dataset}
    if options.provider:
        provider_id = _connection_id(options.provider, connections)
        for variant in variants:
            variant["provider_id"] = provider_id
    if options.model:
        for variant in variants:
            variant["model"] = options.model
    if options.asserts:
        body["assertions"] = [
            *(body.get("assertions") or []),
            *_flag_assertions(options, connections, variants),
        ]


def _flag_assertions(
    options: RunOptions, connections: list[Connection], variants: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    try:
        assertions = [parse_assert_flag(a) for a in options.asserts]
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    first = variants[0] if variants else {}
    provider_id = str(first.get("provider_id") or "")
    model = (
        options.model
        or first.get("model")
        or next((c.default_model for c in connections if c.id == provider_id), None)
    )
    for assertion in assertions:
        if base_type(assertion["type"]) in MODEL_GRADED:
            if not model or not provider_id:
                raise UsageProblem(f"--assert {assertion['type']}: give --model (the judge's model)")
            assertion["provider"] = {"provider_id": provider_id, "model": model}
    return assertions


def run(session: Session, options: RunOptions) -> int:
    """Run the evaluation and report; the exit code (0 pass, 1 fail or regression)."""
    _check_flags(options)
    labels: dict[str, str] | None = None
    if options.promptfoo is not None:
        suite = load_suite(options.promptfoo)
        if suite.problems:
            lines = "\n".join(f"  - {p}" for p in suite.problems)
            raise UsageProblem(f"{options.promptfoo} uses what Prompt-Forge cannot run:\n{lines}")
        for note in suite.notes:
            session.err.print(f"[dim]note: {note}[/]")
        try:
            plan = build_plan(
                suite,
                _connections(session.api),
                provider_override=options.provider,
                model_override=options.model,
                dataset=options.dataset,
                name=options.name,
                concurrency=options.concurrency,
            )
        except PlanError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise UsageProblem(f"{options.promptfoo} cannot run on this project:\n{lines}") from None
        try:
            synced = sync(session.api, plan, session.err, f"pf eval run --promptfoo {options.promptfoo.name}")
        except SyncRefused as exc:
            raise UsageProblem(str(exc)) from None
        labels = synced.item_labels
        body = plan.evaluation_body(synced.versions, options.threshold)
    elif options.config is not None:
        connections = _connections(session.api)
        body = body_from_config(options, connections)
        override_config(body, options, connections)
        _override(body, options)
    else:
        body = body_from_flags(options, _connections(session.api))
        _override(body, options)
    created = session.api.post("/evaluations", body)
    session.err.print(
        f"Evaluation {created['id']} queued ({created['progress']['total']} results to compute)"
    )
    evaluation = wait_for_evaluation(
        host=session.host,
        api_key=session.api_key,
        project_id=session.project_id,
        evaluation=created,
        read=lambda: session.api.get(f"/evaluations/{created['id']}"),
        console=session.err,
        timeout=options.timeout,
        live=options.live,
    )
    return report(session, options, evaluation, labels)


def report(
    session: Session, options: RunOptions, evaluation: dict[str, Any], labels: dict[str, str] | None
) -> int:
    out = session.out
    need_results = labels is not None or options.json_out is not None or evaluation.get("passed") is not True
    results = _results(session.api, evaluation["id"]) if need_results else []
    if labels is not None:
        out.print(tests_table(results, labels, [v["name"] for v in evaluation["variants"]]))
    else:
        failing = [r for r in results if r["status"] != "passed"][:FAILURES_SHOWN]
        for result in failing:
            reason = (result.get("error") or {}).get("message") or "; ".join(
                f"{a.get('type')}: {a.get('reason')}"
                for a in result.get("assertions") or []
                if not a.get("passed")
            )
            out.print(
                f"[red]{result['status'].upper()}[/] [{result['variant']}] "
                f"{json.dumps(result.get('input'))[:100]} — {reason}",
                highlight=False,
            )
    out.print(summary_table(evaluation))
    if labels is not None:
        promptfoo_totals(out, results)
    comparison = _baseline(session, evaluation, options.baseline) if options.baseline else None
    if comparison is not None:
        for table in compare_tables(comparison):
            out.print(table)
        out.print(f"Against {comparison['against_id']}: {compare_counts(comparison)}")
    if options.junit is not None:
        options.junit.write_text(
            session.api.text(f"/evaluations/{evaluation['id']}/results", format="junit"), encoding="utf-8"
        )
        session.err.print(f"JUnit report written to {options.junit}")
    if options.json_out is not None:
        document = {
            "evaluation": evaluation,
            "summary": evaluation.get("summary"),
            "results": results,
            "comparison": comparison,
        }
        options.json_out.write_text(json.dumps(document, indent=2), encoding="utf-8")
        session.err.print(f"JSON report written to {options.json_out}")
    out.print(verdict_line(evaluation))
    regressed = comparison is not None and comparison["counts"]["regressions"] > 0
    if comparison is not None and regressed:
        count = comparison["counts"]["regressions"]
        out.print(f"[bold red]REGRESSED: {count} results passed before and do not now[/]")
    return 0 if evaluation.get("passed") is True and not regressed else 1


def compare(session: Session, evaluation_id: str, against: str) -> int:
    """`pf eval compare A B`: what changed from A (before) to B (after); 1 when anything regressed."""
    for value in (evaluation_id, against):
        if not UUID.match(value):
            raise UsageProblem(f"{value!r} is not an evaluation id")
    try:
        comparison: dict[str, Any] = session.api.get(f"/evaluations/{against}/compare", against=evaluation_id)
    except ApiError as exc:
        if exc.status in (404, 422):
            raise UsageProblem(f"no such evaluation in this project ({exc.detail})") from None
        raise
    for table in compare_tables(comparison):
        session.out.print(table)
    session.out.print(compare_counts(comparison))
    return 1 if comparison["counts"]["regressions"] else 0
