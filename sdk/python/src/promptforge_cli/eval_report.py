"""What `pf eval` prints: the per-variant summary, promptfoo's per-test table, and a comparison.

Shapes are the server's (docs/evaluations.md "Reading results" and "Compare").
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

STATUS_STYLE = {"passed": "green", "failed": "red", "error": "yellow"}
STATUS_WORD = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}


def _rate(value: Any) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _cost(value: Any) -> str:
    return "-" if value is None else f"${value:.6f}"


def summary_table(evaluation: dict[str, Any]) -> Table:
    """One row per variant: counts, pass rate, mean score, latency, tokens, cost."""
    table = Table(title=f"{evaluation['name']} — {evaluation['status']}", title_justify="left")
    for column in (
        "variant",
        "prompt",
        "model",
        "results",
        "passed",
        "failed",
        "errors",
        "pass rate",
        "mean score",
        "p50 ms",
        "p95 ms",
        "tokens in/out",
        "cost",
    ):
        table.add_column(column, justify="left" if column in ("variant", "prompt", "model") else "right")
    threshold = evaluation.get("pass_threshold", 1.0)
    for variant in evaluation.get("variants", []):
        summary = variant.get("summary") or {}
        latency = summary.get("latency_ms") or {}
        tokens = summary.get("tokens") or {}
        rate = summary.get("pass_rate")
        rate_text = Text(_rate(rate), style="green" if rate is not None and rate >= threshold else "red")
        prompt = variant.get("prompt") or {}
        table.add_row(
            variant["name"],
            f"{prompt.get('name')}@{prompt.get('version')}",
            variant.get("model", ""),
            _number(summary.get("results")),
            _number(summary.get("passed")),
            _number(summary.get("failed")),
            _number(summary.get("errors")),
            rate_text,
            _number(summary.get("mean_score"), 3),
            _number(latency.get("p50")),
            _number(latency.get("p95")),
            f"{_number(tokens.get('input'))}/{_number(tokens.get('output'))}",
            _cost(summary.get("cost_usd")),
        )
    return table


def verdict_line(evaluation: dict[str, Any]) -> Text:
    progress = evaluation["progress"]
    counts = f"{progress['passed']} passed, {progress['failed']} failed, {progress['errors']} errors"
    threshold = evaluation.get("pass_threshold", 1.0)
    if evaluation.get("passed") is True:
        return Text(f"PASSED ({counts}; pass threshold {threshold:g})", style="bold green")
    if evaluation["status"] != "completed":
        message = evaluation.get("message") or ""
        return Text(
            f"Evaluation {evaluation['status']} {message}".rstrip() + f" ({counts})", style="bold red"
        )
    return Text(f"FAILED ({counts}; pass threshold {threshold:g})", style="bold red")


def _reason(result: dict[str, Any]) -> str:
    if result.get("error"):
        return f"{result['error'].get('code')}: {result['error'].get('message')}"
    failing = [a for a in result.get("assertions") or [] if not a.get("passed")]
    return "; ".join(f"{a.get('type')}: {a.get('reason')}" for a in failing)


def tests_table(results: list[dict[str, Any]], labels: dict[str, str], variants: list[str]) -> Table:
    """promptfoo's view: one row per test, one column per variant, PASS/FAIL and why."""
    table = Table(title="Tests", title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("test")
    for name in variants:
        table.add_column(name, overflow="fold")
    by_item: dict[str, dict[str, dict[str, Any]]] = {}
    for result in results:
        by_item.setdefault(result["item_id"], {})[result["variant"]] = result
    for n, (item_id, cells) in enumerate(by_item.items(), start=1):
        row: list[Text | str] = [str(n), labels.get(item_id, item_id)]
        for name in variants:
            cell = cells.get(name)
            if cell is None:
                row.append("")
                continue
            status = cell["status"]
            text = Text(f"[{STATUS_WORD[status]}] ", style=f"bold {STATUS_STYLE[status]}")
            reason = _reason(cell)
            text.append(reason if reason else (cell.get("output") or "")[:200])
            row.append(text)
        table.add_row(*row)
    return table


def promptfoo_totals(console: Console, results: list[dict[str, Any]]) -> None:
    """promptfoo's closing lines: successes, failures, errors, pass rate."""
    passed = sum(1 for r in results if r["status"] == "passed")
    failed = sum(1 for r in results if r["status"] == "failed")
    errors = sum(1 for r in results if r["status"] == "error")
    total = len(results)
    console.print(f"[green]Successes: {passed}[/]")
    console.print(f"[red]Failures: {failed}[/]")
    console.print(f"[yellow]Errors: {errors}[/]")
    console.print(f"Pass Rate: {_rate(passed / total if total else 0.0)}")


def _input_text(value: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in value.items())[:120]


def compare_tables(comparison: dict[str, Any]) -> list[Table]:
    """Regressions, fixes and the per-variant changes of `evaluations-compare`."""
    tables = []
    for key, title, style in (("regressions", "Regressions", "red"), ("fixes", "Fixes", "green")):
        entries = comparison.get(key) or []
        count = comparison["counts"][key]
        table = Table(title=f"{title}: {count}", title_justify="left", title_style=f"bold {style}")
        for column in ("variant", "input", "before", "after", "failed assertions"):
            table.add_column(column, overflow="fold")
        for entry in entries:
            failing = "; ".join(
                f"{a.get('type')}: {a.get('reason')}" for a in entry.get("failed_assertions") or []
            )
            table.add_row(
                entry["variant"],
                _input_text(entry.get("input") or {}),
                (entry.get("before") or {}).get("status", ""),
                (entry.get("after") or {}).get("status", ""),
                failing,
            )
        if count > len(entries):
            table.caption = f"first {len(entries)} of {count}"
        tables.append(table)
    changes = Table(title="Per variant", title_justify="left")
    for column in ("variant", "pass rate before", "after", "delta", "mean score before", "after", "delta"):
        changes.add_column(column, justify="left" if column == "variant" else "right")
    for variant in comparison.get("variants") or []:
        rate = variant["changes"].get("pass_rate") or {}
        score = variant["changes"].get("mean_score") or {}
        changes.add_row(
            variant["variant"],
            _rate(rate.get("before")),
            _rate(rate.get("after")),
            "-" if rate.get("delta") is None else f"{rate['delta'] * 100:+.1f} pts",
            _number(score.get("before"), 3),
            _number(score.get("after"), 3),
            "-" if score.get("delta") is None else f"{score['delta']:+.3f}",
        )
    tables.append(changes)
    return tables


def compare_counts(comparison: dict[str, Any]) -> str:
    counts = comparison["counts"]
    return (
        f"{counts['regressions']} regressions, {counts['fixes']} fixes, "
        f"{counts['unchanged']} unchanged, {counts['unmatched']} unmatched"
    )
