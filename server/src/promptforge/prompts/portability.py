"""Export a project's prompts (all versions and labels) and import them back (merge or dry run).

Import keeps version numbers, so importing an export into the same project changes nothing and
importing it elsewhere reproduces it. Every prompt is validated before anything is written.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import serialize_writers
from promptforge.core.errors import Unprocessable
from promptforge.core.json_shape import json_shape_problem
from promptforge.core.kv import KeyValueStore
from promptforge.deployments.gates import GateDecision, check_move, load_policy
from promptforge.deployments.records import record_deployment
from promptforge.deployments.schemas import Deployment
from promptforge.prompts import schemas
from promptforge.prompts.models import Label, Prompt, PromptVersion
from promptforge.prompts.service import (
    LATEST,
    VERSION_CREATED,
    _after_prompt_change,
    _set_tags,
    add_version,
    prepare_version,
    set_label,
)
from promptforge.workspaces.audit import record_audit
from promptforge.workspaces.permissions import (
    Action,
    ProjectAccess,
    authorize_label_change,
    authorize_project,
)

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
        # libyaml's emitter when present: about ten times faster than the pure-Python one.
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
    return json.dumps(data, indent=2, ensure_ascii=False)


# A prompt export is a small tree: nothing in it needs more nesting or values than this.
MAX_DOCUMENT_DEPTH = 64
MAX_DOCUMENT_NODES = 200_000
# libyaml when available (the parser is iterative C code), else the pure-Python one
_YAML_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _invalid_document(fmt: str, why: str) -> Unprocessable:
    return Unprocessable.field(
        ["body"], f"The file is not a valid {fmt} export: {why}.", code="invalid_document"
    )


def _yaml_problem(body: bytes) -> str | None:
    """Scan the YAML event stream before building anything: no aliases, bounded depth and size.

    Aliases are how a 1 KB file expands to gigabytes (billion laughs); an export never has them.
    """
    depth = nodes = 0
    for event in yaml.parse(body, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return "YAML anchors and aliases (&name, *name) are not allowed"
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DOCUMENT_DEPTH:
                return f"it is nested deeper than {MAX_DOCUMENT_DEPTH} levels"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_DOCUMENT_NODES:
                return f"it has more than {MAX_DOCUMENT_NODES} values"
    return None


def _unreadable(exc: Exception) -> str:
    """Why the parser gave up, in the user's terms."""
    if isinstance(exc, ValueError) and "int_max_str_digits" in str(exc):
        # Python refuses to read integers of more than sys.get_int_max_str_digits() digits (a CPU
        # bound); its own message suggests raising that process-wide limit, which is ours to set
        return f"an integer is too large (more than {sys.get_int_max_str_digits()} digits)"
    return str(exc)[:500]


def _load(body: bytes, content_type: str) -> Any:
    """The document as plain JSON values, or a 422 saying why it cannot be one."""
    fmt = "JSON" if "json" in content_type else "YAML"
    try:
        if fmt == "JSON":
            raw = json.loads(body)
        else:
            problem = _yaml_problem(body)
            if problem is not None:
                raise _invalid_document(fmt, problem)
            raw = yaml.load(body, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader, checked above)
    except (ValueError, yaml.YAMLError) as exc:
        raise _invalid_document(fmt, _unreadable(exc)) from None
    except RecursionError:
        raise _invalid_document(fmt, "it is nested too deeply") from None
    problem = json_shape_problem(raw, max_depth=MAX_DOCUMENT_DEPTH, max_nodes=MAX_DOCUMENT_NODES)
    if problem is not None:
        raise _invalid_document(fmt, problem)
    return raw


def parse_import(body: bytes, content_type: str) -> schemas.ProjectExport:
    """Parse a JSON or YAML export; 422 naming the prompt and field of the first problems.

    CPU-bound and fed by users: call it off the event loop, after authorization.
    """
    raw = _load(body, content_type)
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


Prepared = tuple[Any, dict[str, Any], str]


def _prepare_all(settings: Settings, document: schemas.ProjectExport) -> list[list[Prepared]]:
    """Check every version of every prompt (template, variables schema); 422 locating the field."""
    prepared: list[list[Prepared]] = []
    for index, item in enumerate(document.prompts):
        versions: list[Prepared] = []
        for i, version in enumerate(item.versions):
            try:
                versions.append(prepare_version(settings, item.kind, version))
            except Unprocessable as exc:
                base: list[str | int] = ["body", "prompts", index, "versions", i]
                errors = [
                    {**e, "loc": [*base, *e["loc"][1:]], "msg": f"prompt '{item.name}': {e['msg']}"}
                    for e in exc.errors or [{"loc": ["body"], "msg": exc.detail, "type": exc.code}]
                ]
                raise Unprocessable(errors[0]["msg"], code=exc.code, errors=errors) from None
        prepared.append(versions)
    return prepared


@dataclass
class _Plan:
    """What importing one prompt will do."""

    item: schemas.ExportedPrompt
    existing: Prompt | None
    new_versions: list[tuple[schemas.ExportedVersion, tuple[Any, dict[str, Any], str]]] = field(
        default_factory=list
    )
    label_moves: dict[str, int] = field(default_factory=dict)
    # the deploy gate's decision for each gated label move (checked before anything is written)
    gated: dict[str, GateDecision] = field(default_factory=dict)
    current_labels: dict[str, int] = field(default_factory=dict)

    @property
    def awaiting_approval(self) -> set[str]:
        return {label for label, decision in self.gated.items() if decision.require_approval}


async def _plan_prompt(
    session: AsyncSession,
    project_id: uuid.UUID,
    index: int,
    item: schemas.ExportedPrompt,
    prepared_versions: list[Prepared],
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
    for i, (version, prepared) in enumerate(zip(item.versions, prepared_versions, strict=True)):
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
    plan.current_labels = current_labels
    return plan


async def _check_gates(session: AsyncSession, project_id: uuid.UUID, plans: list[_Plan]) -> None:
    """Apply the deploy policy to every label move of the file before anything is written: the
    first failing evaluation rule answers 409 `deploy_gate_failed` and the import writes nothing."""
    gates = await load_policy(session, project_id)
    if not gates:
        return
    for plan in plans:
        prompt_id = plan.existing.id if plan.existing is not None else None
        for label, number in sorted(plan.label_moves.items()):
            decision = await check_move(session, project_id, prompt_id, plan.item.name, label, number, gates)
            if decision is not None:
                plan.gated[label] = decision


async def import_project(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    read_body: Callable[[], Awaitable[bytes]],
    content_type: str,
    mode: ImportMode,
) -> schemas.ImportReport:
    """Authorize, then parse and validate every prompt off the event loop; then (unless dry run)
    create prompts, append versions and move labels."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    # only now is the body looked at: a stranger's file costs no parsing
    document = await asyncio.to_thread(parse_import, await read_body(), content_type)
    names = [p.name for p in document.prompts]
    if len(names) != len(set(names)):
        raise Unprocessable.field(["body", "prompts"], "The file lists a prompt name more than once.")
    prepared = await asyncio.to_thread(_prepare_all, settings, document)
    await serialize_writers(session)  # the plan must still hold when it is applied
    plans = [
        await _plan_prompt(session, project_id, i, item, prepared[i])
        for i, item in enumerate(document.prompts)
    ]
    for plan in plans:
        for label in sorted(plan.label_moves):
            authorize_label_change(access, label)
    await _check_gates(session, project_id, plans)
    outcomes = []
    deployments: list[Deployment] = []
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
                labels_moved=sorted(set(plan.label_moves) - plan.awaiting_approval),
            )
        )
        if mode == "merge" and status != "unchanged":
            deployments += await _apply(session, kv, settings, access, plan)
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
    return schemas.ImportReport(mode=mode, applied=mode == "merge", prompts=outcomes, deployments=deployments)


async def _apply(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, access: ProjectAccess, plan: _Plan
) -> list[Deployment]:
    """Write one prompt's plan; returns the deployments pending approval it requested."""
    principal, project_id = access.principal, access.project.id
    item = plan.item
    prompt = plan.existing
    if prompt is None:
        prompt = Prompt(project_id=project_id, name=item.name, kind=item.kind, description=item.description)
        session.add(prompt)
        await session.flush()
        await _set_tags(session, prompt, item.tags)
    # The same live events as the single-prompt routes, so a client watching the project sees each.
    events: list[tuple[str, dict[str, Any]]] = []
    for version, prepared in plan.new_versions:
        # Numbers are kept: stored and file versions are both numbered 1..n, so appending continues it.
        added, created = await add_version(session, settings, principal, prompt, version, prepared)
        if created:
            events.append((VERSION_CREATED, {"version": added.number}))
    pending: list[Deployment] = []
    for label, number in sorted(plan.label_moves.items()):
        decision = plan.gated.get(label)
        if decision is not None:
            deployment = await record_deployment(
                session,
                kv,
                principal,
                workspace_id=access.project.workspace_id,
                project_id=project_id,
                prompt_id=prompt.id,
                prompt_name=prompt.name,
                label=label,
                from_version=plan.current_labels.get(label),
                to_version=number,
                decision=decision,
            )
            if decision.require_approval:  # the label stays; a second admin or owner decides
                pending.append(deployment)
                continue
        _, previous = await set_label(session, principal, prompt, label, number)
        if previous != number:
            events.append(("label.moved", {"label": label, "from_version": previous, "to_version": number}))
    await _after_prompt_change(session, kv, prompt, "prompts.imported", {}, *events)
    return pending
