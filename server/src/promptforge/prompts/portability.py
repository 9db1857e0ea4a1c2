"""Export a project's prompts (all versions and labels) and import them back (merge or dry run).

Import keeps version numbers, so importing an export into the same project changes nothing and
importing it elsewhere reproduces it. Every prompt is validated before anything is written.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import serialize_writers
from promptforge.core.errors import AppError, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.prompts import schemas
from promptforge.prompts.models import Label, Prompt, PromptVersion
from promptforge.prompts.service import (
    LATEST,
    _after_prompt_change,
    _set_tags,
    add_version,
    prepare_version,
    set_label,
)
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import Action, authorize_label_change, authorize_project

ImportMode = Literal["merge", "dry-run"]


async def export_project(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID
) -> schemas.ProjectExport:
    """Every live prompt of the project with all its versions and labels."""
    await authorize_project(session, principal, project_id, Action.READ)
    prompts = (
        await session.scalars(
            select(Prompt)
            .where(Prompt.project_id == project_id, Prompt.archived_at.is_(None))
            .order_by(Prompt.name)
        )
    ).all()
    ids = [p.id for p in prompts]
    versions: dict[uuid.UUID, list[PromptVersion]] = {pid: [] for pid in ids}
    for v in await session.scalars(
        select(PromptVersion).where(PromptVersion.prompt_id.in_(ids)).order_by(PromptVersion.number)
    ):
        versions[v.prompt_id].append(v)
    labels: dict[uuid.UUID, dict[str, int]] = {pid: {} for pid in ids}
    for lb in await session.scalars(select(Label).where(Label.prompt_id.in_(ids)).order_by(Label.name)):
        labels[lb.prompt_id][lb.name] = lb.version
    return schemas.ProjectExport(
        prompts=[
            schemas.ExportedPrompt(
                name=p.name,
                kind=p.kind,
                description=p.description,
                tags=p.tags,
                labels=labels[p.id],
                versions=[
                    schemas.ExportedVersion(
                        number=v.number,
                        template=v.template,
                        variables=v.variables,
                        model_config=v.model_settings,
                        commit_message=v.commit_message,
                    )
                    for v in versions[p.id]
                ],
            )
            for p in prompts
        ]
    )


def dump_export(export: schemas.ProjectExport, fmt: Literal["json", "yaml"]) -> str:
    data = export.model_dump(mode="json", by_alias=True)
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return json.dumps(data, indent=2, ensure_ascii=False)


def parse_import(body: bytes, content_type: str) -> schemas.ProjectExport:
    """Parse a JSON or YAML document; 422 naming the prompt and field of the first problems."""
    try:
        raw = json.loads(body) if "json" in content_type else yaml.safe_load(body)
    except (ValueError, yaml.YAMLError) as exc:
        raise Unprocessable(
            f"The file is not valid {'JSON' if 'json' in content_type else 'YAML'}: {exc}"
        ) from None
    try:
        return schemas.ProjectExport.model_validate(raw)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ".".join(str(p) for p in loc)
            if len(loc) > 1 and loc[0] == "prompts" and isinstance(loc[1], int) and isinstance(raw, dict):
                prompts = raw.get("prompts")
                if isinstance(prompts, list) and loc[1] < len(prompts) and isinstance(prompts[loc[1]], dict):
                    where = f"prompt '{prompts[loc[1]].get('name', loc[1])}': " + ".".join(
                        str(p) for p in loc[2:]
                    )
            errors.append({"loc": ["body", *loc], "msg": f"{where}: {err['msg']}", "type": err["type"]})
        raise Unprocessable(errors[0]["msg"], errors=errors) from None


@dataclass
class _Plan:
    """What importing one prompt will do."""

    item: schemas.ExportedPrompt
    existing: Prompt | None
    new_versions: list[tuple[schemas.ExportedVersion, tuple[Any, dict[str, Any], str]]] = field(
        default_factory=list
    )
    label_moves: dict[str, int] = field(default_factory=dict)


async def _plan_prompt(
    session: AsyncSession, settings: Settings, project_id: uuid.UUID, index: int, item: schemas.ExportedPrompt
) -> _Plan:
    def fail(path: list[str | int], msg: str) -> Unprocessable:
        return Unprocessable.field(["body", "prompts", index, *path], f"prompt '{item.name}': {msg}")

    numbers = [v.number for v in item.versions]
    if numbers != list(range(1, len(numbers) + 1)):
        raise fail(["versions"], "versions must be numbered 1..n in order")
    if LATEST in item.labels:
        raise fail(["labels", LATEST], "'latest' is implicit and cannot be set")
    for label, number in item.labels.items():
        if not 1 <= number <= len(numbers):
            raise fail(["labels", label], f"label points at version {number}, which the file does not have")
    existing = (
        await session.scalars(
            # Locked like every other write to a prompt (prompts.service.load_prompt).
            select(Prompt)
            .where(Prompt.project_id == project_id, Prompt.name == item.name)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).first()
    if existing is not None and existing.kind != item.kind:
        raise fail(["kind"], f"the stored prompt is a {existing.kind} prompt")
    stored: dict[int, str] = {}
    if existing is not None:
        stored = dict(
            (
                await session.execute(
                    select(PromptVersion.number, PromptVersion.content_hash).where(
                        PromptVersion.prompt_id == existing.id
                    )
                )
            ).all()
        )
    plan = _Plan(item, existing)
    previous_hash = None
    for i, version in enumerate(item.versions):
        try:
            prepared = prepare_version(settings, item.kind, version)
        except AppError as exc:
            raise fail(["versions", i, "template"], exc.detail) from None
        if prepared[2] == previous_hash:
            raise fail(
                ["versions", i], f"version {version.number} repeats the content of the version before it"
            )
        previous_hash = prepared[2]
        if version.number in stored:
            if stored[version.number] != prepared[2]:
                raise fail(
                    ["versions", i],
                    f"version {version.number} differs from the stored one (versions are immutable)",
                )
        else:
            plan.new_versions.append((version, prepared))
    current_labels: dict[str, int] = {}
    if existing is not None:
        current_labels = dict(
            (
                await session.execute(select(Label.name, Label.version).where(Label.prompt_id == existing.id))
            ).all()
        )
    plan.label_moves = {k: v for k, v in item.labels.items() if current_labels.get(k) != v}
    return plan


async def import_project(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    document: schemas.ProjectExport,
    mode: ImportMode,
) -> schemas.ImportReport:
    """Validate every prompt first; then (unless dry run) create prompts, append versions, move labels."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    names = [p.name for p in document.prompts]
    if len(names) != len(set(names)):
        raise Unprocessable.field(["body", "prompts"], "The file lists a prompt name more than once.")
    await serialize_writers(session)  # the plan must still hold when it is applied
    plans = [
        await _plan_prompt(session, settings, project_id, i, item) for i, item in enumerate(document.prompts)
    ]
    for plan in plans:
        for label in sorted(plan.label_moves):
            authorize_label_change(access, label)
    outcomes = []
    for plan in plans:
        status = (
            "created"
            if plan.existing is None
            else ("updated" if plan.new_versions or plan.label_moves else "unchanged")
        )
        outcomes.append(
            schemas.ImportOutcome(
                name=plan.item.name,
                status=status,
                versions_added=len(plan.new_versions),
                labels_moved=sorted(plan.label_moves),
            )
        )
        if mode == "merge" and status != "unchanged":
            await _apply(session, kv, settings, principal, project_id, plan)
    if mode == "merge":
        await record_audit(
            session,
            principal,
            workspace_id=access.project.workspace_id,
            project_id=project_id,
            action="prompts.imported",
            target_type="project",
            target_id=project_id,
            data={"prompts": {o.name: o.status for o in outcomes}},
        )
    return schemas.ImportReport(mode=mode, applied=mode == "merge", prompts=outcomes)


async def _apply(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    plan: _Plan,
) -> None:
    item = plan.item
    prompt = plan.existing
    if prompt is None:
        prompt = Prompt(project_id=project_id, name=item.name, kind=item.kind, description=item.description)
        session.add(prompt)
        await session.flush()
        await _set_tags(session, prompt, item.tags)
    for version, prepared in plan.new_versions:
        # Numbers are kept: stored and file versions are both numbered 1..n, so appending continues it.
        await add_version(session, settings, principal, prompt, version, prepared)
    for label, number in sorted(plan.label_moves.items()):
        await set_label(session, principal, prompt, label, number)
    _after_prompt_change(session, kv, prompt, "prompts.imported", {})
