"""Put a promptfoo plan on the server: its prompts (a version only when the content changed) and its
dataset (items brought to exactly the config's tests).

The dataset is synchronized, not recreated: items equal to a test are kept with their id, others
deleted, missing ones added in one request. Unchanged tests therefore keep their item ids, which
is what `pf eval compare` and `--baseline` match results by (docs/evaluations.md "Compare").
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from .errors import ApiError
from .eval_api import EvalApi
from .promptfoo.plan import Plan

ITEMS_PER_REQUEST = 1000


@dataclass
class Synced:
    versions: dict[str, int]  # prompt name → the version to run
    item_labels: dict[str, str]  # item id → the test's label


class SyncRefused(Exception):
    """A prompt of that name exists with another kind, or is archived: nothing is overwritten."""


def _content_key(item: dict[str, Any]) -> str:
    return json.dumps(
        {
            "input": item.get("input") or {},
            "expected": item.get("expected"),
            "metadata": item.get("metadata") or {},
        },
        sort_keys=True,
    )


def push_prompts(api: EvalApi, plan: Plan, console: Console, message: str) -> dict[str, int]:
    versions: dict[str, int] = {}
    for prompt in plan.prompts:
        existing = api.get_or_none(f"/prompts/{prompt.name}")
        if existing is None:
            created = api.post(
                "/prompts",
                {
                    "name": prompt.name,
                    "kind": prompt.kind,
                    "template": prompt.template,
                    "commit_message": message,
                    "description": f"promptfoo prompt {prompt.label!r}"[:2000],
                },
            )
            versions[prompt.name] = created["version"]["number"]
            console.print(f"prompt {prompt.name}: created version {versions[prompt.name]}")
            continue
        if existing["archived"]:
            raise SyncRefused(f"prompt {prompt.name} is archived; restore it or rename the promptfoo prompt")
        if existing["kind"] != prompt.kind:
            raise SyncRefused(
                f"prompt {prompt.name} is a {existing['kind']} prompt on the server, "
                f"{prompt.kind} in the config"
            )
        version = api.post(
            f"/prompts/{prompt.name}/versions", {"template": prompt.template, "commit_message": message}
        )
        versions[prompt.name] = version["number"]
        changed = version["number"] != existing["latest_version"]
        console.print(
            f"prompt {prompt.name}: {'created' if changed else 'unchanged at'} version {version['number']}"
        )
    return versions


def sync_dataset(api: EvalApi, plan: Plan, console: Console) -> dict[str, str]:
    """Bring the dataset to the plan's items; returns item id → test label."""
    if api.get_or_none(f"/datasets/{plan.dataset}") is None:
        try:
            api.post(
                "/datasets",
                {"name": plan.dataset, "description": f"Tests of the promptfoo config {plan.name!r}"},
            )
        except ApiError as exc:
            if exc.code != "dataset_exists":  # created meanwhile by a parallel run
                raise
    existing: dict[str, list[str]] = defaultdict(list)
    for item in api.pages(f"/datasets/{plan.dataset}/items"):
        existing[_content_key(item)].append(item["id"])
    labels: dict[str, str] = {}
    missing: list[tuple[dict[str, Any], str]] = []
    for item, label in zip(plan.items, plan.test_labels, strict=True):
        ids = existing.get(_content_key(item))
        if ids:
            labels[ids.pop(0)] = label
        else:
            missing.append((item, label))
    stale = [item_id for ids in existing.values() for item_id in ids]
    for item_id in stale:
        api.delete(f"/datasets/{plan.dataset}/items/{item_id}")
    for start in range(0, len(missing), ITEMS_PER_REQUEST):
        chunk = missing[start : start + ITEMS_PER_REQUEST]
        created = api.post(f"/datasets/{plan.dataset}/items", {"items": [item for item, _ in chunk]})
        for item_id, (_, label) in zip(created["ids"], chunk, strict=True):
            labels[item_id] = label
    kept = len(plan.items) - len(missing)
    console.print(f"dataset {plan.dataset}: {kept} kept, {len(missing)} added, {len(stale)} removed")
    return labels


def sync(api: EvalApi, plan: Plan, console: Console, message: str) -> Synced:
    versions = push_prompts(api, plan, console, message)
    return Synced(versions, sync_dataset(api, plan, console))
