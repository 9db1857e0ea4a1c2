"""Prompts, versions and labels: the rules (immutability, naming, protected labels) and queries."""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import after_commit, serialize_writers, utcnow
from promptforge.core.errors import Conflict, NotFound, Unprocessable
from promptforge.core.events import publish_event
from promptforge.core.kv import KeyValueStore
from promptforge.core.outbox import EVENT_TYPES, record_event
from promptforge.core.pagination import PageParams, paginate
from promptforge.deployments.gates import check_move
from promptforge.deployments.records import record_deployment
from promptforge.deployments.schemas import Deployment
from promptforge.prompts import schemas
from promptforge.prompts.cache import invalidate_prompt
from promptforge.prompts.models import Label, LabelEvent, Prompt, PromptTag, PromptVersion
from promptforge.prompts.rendering.templates import RenderLimits, check_template, infer_variables
from promptforge.prompts.rendering.variables import merge_declared_variables
from promptforge.workspaces.audit import actor_label, record_audit
from promptforge.workspaces.permissions import (
    Action,
    ProjectAccess,
    authorize_label_change,
    authorize_project,
)

LATEST = "latest"
VERSION_CREATED = "prompt.version.created"


def render_limits(settings: Settings) -> RenderLimits:
    return RenderLimits.from_settings(settings)


def content_hash(kind: str, template: Any, variables: dict[str, Any], model_settings: dict[str, Any]) -> str:
    """Identity of a version's content (not of its commit message or author)."""
    canonical = json.dumps(
        {"kind": kind, "template": template, "variables": variables, "model_config": model_settings},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def template_json(template: schemas.Template) -> Any:
    return template if isinstance(template, str) else [item.model_dump() for item in template]


def prepare_version(
    settings: Settings, kind: str, fields: schemas.VersionFields
) -> tuple[Any, dict[str, Any], str]:
    """Validate a version's content; return its stored template, variables schema and content hash.

    CPU-bound (parses the template, checks the schema): call it through asyncio.to_thread.
    """
    template = template_json(fields.template)
    check_template(kind, template, render_limits(settings))
    variables = merge_declared_variables(fields.variables, infer_variables(kind, template))
    return template, variables, content_hash(kind, template, variables, fields.model_settings)


# --- reading ----------------------------------------------------------------------------------


async def load_prompt(
    session: AsyncSession,
    project_id: uuid.UUID,
    name: str,
    *,
    include_archived: bool = False,
    lock: bool = False,
) -> Prompt:
    stmt = select(Prompt).where(Prompt.project_id == project_id, Prompt.name == name)
    if not include_archived:
        stmt = stmt.where(Prompt.archived_at.is_(None))
    if lock:  # writers of one prompt go one at a time: version numbers and labels stay consistent
        await serialize_writers(session)
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    prompt = (await session.scalars(stmt)).first()
    if prompt is None:
        raise NotFound(f"Prompt '{name}' not found.")
    return prompt


async def labels_of(
    session: AsyncSession, prompt_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    result: dict[uuid.UUID, dict[str, int]] = {pid: {} for pid in prompt_ids}
    rows = await session.execute(
        select(Label.prompt_id, Label.name, Label.version).where(Label.prompt_id.in_(prompt_ids))
    )
    for prompt_id, name, version in rows:
        result[prompt_id][name] = version
    return result


def prompt_out(prompt: Prompt, labels: dict[str, int]) -> schemas.Prompt:
    return schemas.Prompt(
        id=prompt.id,
        project_id=prompt.project_id,
        name=prompt.name,
        kind=prompt.kind,
        description=prompt.description,
        tags=prompt.tags,
        labels=dict(sorted(labels.items())),
        latest_version=prompt.latest_version,
        archived=prompt.archived_at is not None,
        created_at=prompt.created_at,
        updated_at=prompt.updated_at,
    )


async def list_prompts(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    page: PageParams,
    *,
    q: str | None = None,
    tag: str | None = None,
    label: str | None = None,
    archived: bool = False,
) -> tuple[list[schemas.Prompt], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    stmt = select(Prompt).where(
        Prompt.project_id == project_id,
        Prompt.archived_at.is_not(None) if archived else Prompt.archived_at.is_(None),
    )
    if q:
        needle = q.lower()
        stmt = stmt.where(
            or_(
                func.lower(Prompt.name).contains(needle, autoescape=True),
                func.lower(Prompt.description).contains(needle, autoescape=True),
            )
        )
    if tag:
        stmt = stmt.where(Prompt.id.in_(select(PromptTag.prompt_id).where(PromptTag.tag == tag)))
    if label:
        stmt = stmt.where(Prompt.id.in_(select(Label.prompt_id).where(Label.name == label)))
    rows, cursor = await paginate(session, stmt, Prompt.id, page)
    labels = await labels_of(session, [p.id for p in rows])
    return [prompt_out(p, labels[p.id]) for p in rows], cursor


async def get_prompt(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str
) -> schemas.Prompt:
    await authorize_project(session, principal, project_id, Action.READ)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    return prompt_out(prompt, (await labels_of(session, [prompt.id]))[prompt.id])


async def load_version(session: AsyncSession, prompt: Prompt, number: int) -> PromptVersion:
    version = (
        await session.scalars(
            select(PromptVersion).where(PromptVersion.prompt_id == prompt.id, PromptVersion.number == number)
        )
    ).first()
    if version is None:
        raise NotFound(f"Prompt '{prompt.name}' has no version {number}.")
    return version


async def list_versions(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, page: PageParams
) -> tuple[Sequence[PromptVersion], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    stmt = select(PromptVersion).where(PromptVersion.prompt_id == prompt.id)
    return await paginate(session, stmt, PromptVersion.id, page)


async def get_version(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, number: int
) -> PromptVersion:
    await authorize_project(session, principal, project_id, Action.READ)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    return await load_version(session, prompt, number)


def _template_lines(template: Any) -> list[str]:
    if isinstance(template, str):
        return template.splitlines()
    lines: list[str] = []
    for item in template:
        if item["role"] == "placeholder":
            lines.append(f"[placeholder: {item['name']}]")
        else:
            lines.append(f"[{item['role']}]")
            lines.extend(item["content"].splitlines())
    return lines


async def diff_versions(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str, number: int, against: int
) -> schemas.VersionDiff:
    await authorize_project(session, principal, project_id, Action.READ)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    new = await load_version(session, prompt, number)
    old = await load_version(session, prompt, against)

    def unified(a: list[str], b: list[str]) -> list[str]:
        return list(difflib.unified_diff(a, b, f"v{against}", f"v{number}", lineterm=""))

    def config_lines(v: PromptVersion) -> list[str]:
        return json.dumps(v.model_settings, indent=2, sort_keys=True).splitlines()

    def diff() -> schemas.VersionDiff:
        return schemas.VersionDiff(
            number=number,
            against=against,
            template_diff=unified(_template_lines(old.template), _template_lines(new.template)),
            model_config_diff=unified(config_lines(old), config_lines(new)),
        )

    # difflib is CPU-bound (quadratic at worst): never on the event loop that serves resolve.
    return await asyncio.to_thread(diff)


# --- writing ----------------------------------------------------------------------------------


async def _after_prompt_change(
    session: AsyncSession,
    kv: KeyValueStore,
    prompt: Prompt,
    event_type: str,
    data: dict[str, Any],
    *more: tuple[str, dict[str, Any]],
) -> None:
    """Record the outbox events of a change; once committed, invalidate caches and publish live events.

    Live events are WebSocket messages (docs/api.md "Live events"): `{"prompt": name, **data}`. The
    ones webhooks and change streams carry are also written to the outbox in this transaction.
    """
    project_id, name = prompt.project_id, prompt.name
    events = [(event_type, data), *more]

    async def run() -> None:
        await invalidate_prompt(kv, project_id, name)
        for kind, payload in events:
            await publish_event(kv, project_id, kind, {"prompt": name, **payload})

    # Registered before the outbox nudge (hooks run in order): a change-stream client refetching on the
    # event must find the cache already invalidated, not the previous payload.
    after_commit(session, run)
    for kind, payload in events:
        if kind in EVENT_TYPES:
            await record_event(session, kv, project_id, kind, {"prompt": name, **payload})


async def _set_tags(session: AsyncSession, prompt: Prompt, tags: list[str]) -> None:
    prompt.tags = sorted(set(tags))
    await session.execute(delete(PromptTag).where(PromptTag.prompt_id == prompt.id))
    session.add_all(PromptTag(prompt_id=prompt.id, tag=t) for t in prompt.tags)


async def add_version(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    prompt: Prompt,
    fields: schemas.VersionFields,
    prepared: tuple[Any, dict[str, Any], str] | None = None,
) -> tuple[PromptVersion, bool]:
    """Append a version unless its content equals the latest one; returns (version, created)."""
    if prepared is None:
        prepared = await asyncio.to_thread(prepare_version, settings, prompt.kind, fields)
    template, variables, digest = prepared
    if prompt.latest_version:
        latest = await load_version(session, prompt, prompt.latest_version)
        if latest.content_hash == digest:
            return latest, False
    version = PromptVersion(
        prompt_id=prompt.id,
        number=prompt.latest_version + 1,
        template=template,
        variables=variables,
        model_settings=fields.model_settings,
        commit_message=fields.commit_message,
        author_user_id=principal.user_id,
        author_api_key_id=principal.api_key_id,
        author_label=await actor_label(session, principal),
        content_hash=digest,
    )
    session.add(version)
    prompt.latest_version = version.number
    prompt.updated_at = utcnow()
    await session.flush()
    return version, True


async def create_prompt(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    data: schemas.PromptCreate,
) -> schemas.PromptWithVersion:
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    prepared = await asyncio.to_thread(prepare_version, settings, data.kind, data)
    exists = await session.scalar(
        select(func.count()).where(Prompt.project_id == project_id, Prompt.name == data.name)
    )
    if exists:
        raise Conflict(f"A prompt named '{data.name}' already exists in this project.", code="prompt_exists")
    prompt = Prompt(project_id=project_id, name=data.name, kind=data.kind, description=data.description)
    session.add(prompt)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent create of the same name
        raise Conflict(
            f"A prompt named '{data.name}' already exists in this project.", code="prompt_exists"
        ) from None
    await _set_tags(session, prompt, data.tags)
    version, _ = await add_version(session, settings, principal, prompt, data, prepared)
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="prompt.created",
        target_type="prompt",
        target_id=prompt.name,
        data={"kind": prompt.kind},
    )
    await _after_prompt_change(
        session,
        kv,
        prompt,
        "prompt.created",
        {"version": version.number},
        (VERSION_CREATED, {"version": version.number}),
    )
    return schemas.PromptWithVersion(
        **prompt_out(prompt, {}).model_dump(), version=schemas.Version.model_validate(version)
    )


async def create_version(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    data: schemas.VersionCreate,
) -> tuple[PromptVersion, bool]:
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    prompt = await load_prompt(session, project_id, name, lock=True)
    version, created = await add_version(session, settings, principal, prompt, data)
    if created:
        await record_audit(
            session,
            principal,
            workspace_id=access.project.workspace_id,
            project_id=project_id,
            action="prompt.version_created",
            target_type="prompt",
            target_id=name,
            data={"version": version.number},
        )
        await _after_prompt_change(session, kv, prompt, VERSION_CREATED, {"version": version.number})
    return version, created


async def update_prompt(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    data: schemas.PromptUpdate,
) -> schemas.Prompt:
    """Change description or tags, or archive / restore (`archived`)."""
    access = await authorize_project(session, principal, project_id, Action.WRITE)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("archived") and prompt.archived_at is None:
        # Archiving stops every label of the prompt from resolving: each needs its move permission.
        for label in (await labels_of(session, [prompt.id]))[prompt.id]:
            authorize_label_change(access, label)
    if "description" in changes:
        prompt.description = changes["description"]
    if "tags" in changes:
        await _set_tags(session, prompt, changes["tags"])
    if "archived" in changes:
        prompt.archived_at = utcnow() if changes["archived"] else None
    prompt.updated_at = utcnow()
    action = "prompt.updated"
    if "archived" in changes:
        action = "prompt.archived" if changes["archived"] else "prompt.restored"
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action=action,
        target_type="prompt",
        target_id=name,
        data=changes,
    )
    await session.flush()
    await _after_prompt_change(session, kv, prompt, action, {})
    return prompt_out(prompt, (await labels_of(session, [prompt.id]))[prompt.id])


async def archive_prompt(
    session: AsyncSession, kv: KeyValueStore, principal: Principal, project_id: uuid.UUID, name: str
) -> None:
    await update_prompt(session, kv, principal, project_id, name, schemas.PromptUpdate(archived=True))


# --- labels -----------------------------------------------------------------------------------


def _check_label_name(label: str) -> None:
    if label == LATEST:
        raise Unprocessable.field(["path", "label"], "'latest' is implicit and cannot be set or removed.")


async def authorize_label_move(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, label: str
) -> ProjectAccess:
    """Load the project if the principal may move or remove `label` in it."""
    access = await authorize_project(session, principal, project_id, Action.READ)
    authorize_label_change(access, label)
    return access


async def _find_label(session: AsyncSession, prompt: Prompt, label: str) -> Label | None:
    return (
        await session.scalars(select(Label).where(Label.prompt_id == prompt.id, Label.name == label))
    ).first()


async def _record_label_event(
    session: AsyncSession,
    principal: Principal,
    prompt: Prompt,
    label: str,
    from_version: int | None,
    to_version: int | None,
) -> None:
    """One row of a label's history (None: created from nothing, or removed)."""
    session.add(
        LabelEvent(
            prompt_id=prompt.id,
            label=label,
            from_version=from_version,
            to_version=to_version,
            actor_user_id=principal.user_id,
            actor_api_key_id=principal.api_key_id,
            actor_label=await actor_label(session, principal),
        )
    )


async def set_label(
    session: AsyncSession, principal: Principal, prompt: Prompt, label: str, version: int
) -> tuple[Label, int | None]:
    """Point `label` at `version` and record the move; returns (label, previous version)."""
    await load_version(session, prompt, version)
    current = await _find_label(session, prompt, label)
    previous = current.version if current else None
    if current is None:
        current = Label(prompt_id=prompt.id, name=label, version=version)
        session.add(current)
    elif current.version == version:
        return current, previous
    current.version = version
    current.updated_at = utcnow()
    await _record_label_event(session, principal, prompt, label, previous, version)
    await session.flush()
    return current, previous


async def apply_label_move(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    access: ProjectAccess,
    prompt: Prompt,
    label: str,
    version: int,
) -> schemas.Label:
    """Point `label` at `version` with every side effect of a move: history, audit, cache, live event.

    No gate here: callers have passed it (move_label) or are the approval of a gated move.
    """
    moved, previous = await set_label(session, principal, prompt, label, version)
    if previous != version:
        data = {"label": label, "from_version": previous, "to_version": version}
        await record_audit(
            session,
            principal,
            workspace_id=access.project.workspace_id,
            project_id=prompt.project_id,
            action="label.moved",
            target_type="prompt",
            target_id=prompt.name,
            data=data,
        )
        await _after_prompt_change(session, kv, prompt, "label.moved", data)
    return schemas.Label(
        name=label,
        version=moved.version,
        protected=label in access.project.protected_labels,
        updated_at=moved.updated_at,
    )


async def move_label(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    label: str,
    version: int,
) -> schemas.Label | Deployment:
    """Move a label through the project's deploy gate: the Label when it moved, or the pending
    Deployment when the gate wants a second person's approval (409 when an evaluation is missing)."""
    _check_label_name(label)
    access = await authorize_label_move(session, principal, project_id, label)
    prompt = await load_prompt(session, project_id, name, lock=True)
    await load_version(session, prompt, version)
    current = await _find_label(session, prompt, label)
    previous = current.version if current else None
    if previous != version:
        decision = await check_move(session, project_id, prompt.id, name, label, version)
        if decision is not None:
            deployment = await record_deployment(
                session,
                kv,
                principal,
                workspace_id=access.project.workspace_id,
                project_id=project_id,
                prompt_id=prompt.id,
                prompt_name=name,
                label=label,
                from_version=previous,
                to_version=version,
                decision=decision,
            )
            if decision.require_approval:
                return deployment
    return await apply_label_move(session, kv, principal, access, prompt, label, version)


async def remove_label(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    label: str,
) -> None:
    _check_label_name(label)
    access = await authorize_label_move(session, principal, project_id, label)
    prompt = await load_prompt(session, project_id, name, lock=True)
    current = await _find_label(session, prompt, label)
    if current is None:
        raise NotFound(f"Prompt '{name}' has no label '{label}'.")
    await _record_label_event(session, principal, prompt, label, current.version, None)
    data = {"label": label, "from_version": current.version, "to_version": None}
    await session.delete(current)
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="label.removed",
        target_type="prompt",
        target_id=name,
        data=data,
    )
    await session.flush()
    await _after_prompt_change(session, kv, prompt, "label.removed", data)


async def list_labels(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, name: str
) -> list[schemas.Label]:
    access = await authorize_project(session, principal, project_id, Action.READ)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    labels = await session.scalars(select(Label).where(Label.prompt_id == prompt.id).order_by(Label.name))
    protected = access.project.protected_labels
    return [
        schemas.Label(
            name=lb.name, version=lb.version, protected=lb.name in protected, updated_at=lb.updated_at
        )
        for lb in labels
    ]


async def label_history(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    label: str,
    page: PageParams,
) -> tuple[Sequence[LabelEvent], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    prompt = await load_prompt(session, project_id, name, include_archived=True)
    stmt = select(LabelEvent).where(LabelEvent.prompt_id == prompt.id, LabelEvent.label == label)
    return await paginate(session, stmt, LabelEvent.id, page)
