"""infrastructure/observability/: the alert rules load as Prometheus rule groups, the dashboard as
Grafana JSON, both use only metric names /metrics exposes, and every runbook link has its section."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import REGISTRY

import promptforge.main  # noqa: F401  (defines every metric of the api and the jobs)

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "infrastructure" / "observability"
METRIC = re.compile(r"\bpromptforge_[a-z_]+\b")


def _exposed() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        names |= {family.name + suffix for suffix in ("", "_total", "_bucket", "_count", "_sum", "_created")}
    return names


def _expected_to_exist(name: str) -> bool:
    # Webhook metrics come with the webhooks domain; checked wherever it is part of the build.
    return (
        not name.startswith(("promptforge_webhook",))
        or importlib.util.find_spec("promptforge.webhooks") is not None
    )


def _anchors(markdown: str) -> set[str]:
    headings = re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_alert_rules_have_the_prometheus_structure() -> None:
    rules = yaml.safe_load((FOLDER / "alerts.yml").read_text())
    assert set(rules) == {"groups"}
    alerts: dict[str, dict[str, Any]] = {}
    for group in rules["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
            assert isinstance(rule["expr"], str) and rule["expr"].strip()
            assert re.fullmatch(r"\d+[smh]", rule["for"])
            assert rule["labels"]["severity"] in {"page", "ticket"}
            assert {"summary", "description", "runbook"} <= set(rule["annotations"])
            alerts[rule["alert"]] = rule
    assert {
        "PromptForgeHighErrorRate",
        "PromptForgeResolveSlow",
        "PromptForgeQueueBacklog",
        "PromptForgeJobFailures",
    } <= set(alerts)
    assert "promptforge_job_failures_total" in alerts["PromptForgeJobFailures"]["expr"]
    assert "/resolve" in alerts["PromptForgeResolveSlow"]["expr"]


def test_dashboard_is_grafana_json_with_unique_panels() -> None:
    dashboard = json.loads((FOLDER / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] and dashboard["title"] == "Prompt-Forge"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) >= 6
    for panel in dashboard["panels"]:
        assert panel["targets"] and all(t["expr"] for t in panel["targets"])


def test_only_metrics_that_exist_are_used() -> None:
    text = (FOLDER / "alerts.yml").read_text() + (FOLDER / "grafana-dashboard.json").read_text()
    used = set(METRIC.findall(text))
    assert "promptforge_queue_depth" in used and "promptforge_http_request_duration_seconds_bucket" in used
    missing = {name for name in used if _expected_to_exist(name)} - _exposed()
    assert not missing


def test_every_runbook_link_has_its_section() -> None:
    anchors = _anchors((ROOT / "docs" / "operations.md").read_text())
    rules = yaml.safe_load((FOLDER / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            path, _, anchor = rule["annotations"]["runbook"].partition("#")
            assert path == "docs/operations.md" and anchor in anchors, anchor
    for name in ("runbook-redis-down", "runbook-postgresql-down", "runbook-queue-backlog"):
        assert name in anchors
