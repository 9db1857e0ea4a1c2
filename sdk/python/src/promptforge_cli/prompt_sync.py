"""What `pf prompts push` will do: compare prompt files with the project's export and build one
import document, so the server applies everything in a single transaction (or nothing at all).

The import keeps version numbers, so a changed prompt is sent with its stored versions untouched
plus one new version numbered after the latest, and labels pointing where they should end up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from promptforge_cli.errors import PfError
from promptforge_cli.prompt_files import PromptFile

Change = Literal["new", "version", "unchanged"]


@dataclass
class PushItem:
    """One prompt file and what pushing it does."""

    file: PromptFile
    change: Change
    version: int  # the version the file ends up as (new or existing)
    label_moved: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)  # description/tags to PATCH afterwards
    document: dict[str, Any] | None = None  # the import entry; None when there is nothing to import


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    props = schema.get("properties")
    return dict(props) if isinstance(props, dict) else {}


def same_variables(declared: dict[str, Any] | None, stored: dict[str, Any] | None) -> bool:
    """Would the server store `declared` as `stored`? It adds each name the template uses as an
    unconstrained property `{}`, so stored extras that are `{}` do not count as a change; a file
    without variables leaves them to inference."""
    if declared is None:
        return True
    stored = stored or {}
    merged_props = _properties(declared)
    for name, schema in _properties(stored).items():
        if name not in merged_props and schema == {}:
            merged_props[name] = {}
    merged = {**declared, "type": "object", "properties": merged_props}
    return merged == stored


def same_content(file: PromptFile, stored: dict[str, Any]) -> bool:
    """Whether a file holds the content of a stored version (template, variables, model_config)."""
    return (
        file.template == stored.get("template")
        and file.model_config == (stored.get("model_config") or {})
        and same_variables(file.variables, stored.get("variables"))
    )


def plan_push(
    files: list[PromptFile], export: dict[str, Any], label: str | None, message: str
) -> list[PushItem]:
    """Compare each file with the stored prompt of its name; refuse a kind change before anything."""
    stored = {p["name"]: p for p in export.get("prompts", [])}
    plan: list[PushItem] = []
    for file in files:
        new_version = {
            "template": file.template,
            "model_config": file.model_config,
            "commit_message": message,
            **({"variables": file.variables} if file.variables is not None else {}),
        }
        prompt = stored.get(file.name)
        if prompt is None:
            entry = {
                "name": file.name,
                "kind": file.kind,
                "description": file.description,
                "tags": file.tags,
                "versions": [{**new_version, "number": 1}],
                "labels": {label: 1} if label else {},
            }
            plan.append(PushItem(file, "new", 1, label_moved=bool(label), document=entry))
            continue
        if prompt["kind"] != file.kind:
            raise PfError(
                f"{file.path}: {file.name} is a {prompt['kind']} prompt on the server, the file says "
                f"{file.kind}; a prompt's kind cannot change (use another name). Nothing was pushed."
            )
        versions = list(prompt["versions"])
        latest = versions[-1]
        changed = not same_content(file, latest)
        target = latest["number"] + 1 if changed else latest["number"]
        if changed:
            versions.append({**new_version, "number": target})
        labels = dict(prompt.get("labels") or {})
        label_moved = bool(label) and labels.get(label) != target
        if label:
            labels[label] = target
        metadata: dict[str, Any] = {}
        if file.description != (prompt.get("description") or ""):
            metadata["description"] = file.description
        if sorted(file.tags) != sorted(prompt.get("tags") or []):
            metadata["tags"] = file.tags
        update: dict[str, Any] | None = None
        if changed or label_moved:
            update = {**prompt, "versions": versions, "labels": labels}
        plan.append(
            PushItem(
                file, "version" if changed else "unchanged", target, label_moved, metadata, document=update
            )
        )
    return plan


def import_document(plan: list[PushItem]) -> dict[str, Any]:
    return {"format_version": 1, "prompts": [item.document for item in plan if item.document]}
