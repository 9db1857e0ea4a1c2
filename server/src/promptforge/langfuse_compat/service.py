"""The Langfuse-compatible prompt API's rules: translation onto the prompts service, never beside it.

Every write goes through promptforge.prompts.service (authorization, immutability, protected
labels, audit, cache invalidation and live events happen there); this module only maps Langfuse's
requests and answers onto it. Reads of one prompt come from the resolve caches (read.py).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.errors import Conflict, NotFound, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.deployments.schemas import Deployment
from promptforge.langfuse_compat import schemas
from promptforge.langfuse_compat.read import langfuse_prompt_data
from promptforge.langfuse_compat.templates import template_from_langfuse
from promptforge.prompts import schemas as prompt_schemas
from promptforge.prompts import service as prompts
from promptforge.prompts.models import Label, Prompt, PromptTag, PromptVersion
from promptforge.prompts.resolve import Selector
from promptforge.workspaces.models import Workspace
from promptforge.workspaces.permissions import Action, authorize_project

# Our field names -> Langfuse's, so a 400 names the field the caller sent.
FIELD_NAMES = {"template": "prompt", "model_config": "config", "commit_message": "commitMessage"}


def _ours(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """Validate with one of our schemas; its errors located in Langfuse's field names."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "loc": ["body", *(FIELD_NAMES.get(str(p), p) for p in err["loc"])],
                "msg": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        where = ".".join(str(p) for p in errors[0]["loc"])
        raise Unprocessable(f"{where}: {errors[0]['msg']}", errors=errors) from None


@contextmanager
def _langfuse_field_names() -> Iterator[None]:
    """Business-rule errors of the prompts service (template syntax, ...) in Langfuse's field names."""
    try:
        yield
    except Unprocessable as exc:
        if exc.errors:
            exc.errors = [
                {**e, "loc": [FIELD_NAMES.get(str(p), p) for p in e.get("loc", [])]} for e in exc.errors
            ]
        raise


def _project_of(principal: Principal) -> uuid.UUID:
    assert principal.api_key_project_id is not None  # /api/public authenticates API keys only
    return principal.api_key_project_id


async def _find_prompt(session: AsyncSession, project_id: uuid.UUID, name: str) -> Prompt | None:
    return (
        await session.scalars(select(Prompt).where(Prompt.project_id == project_id, Prompt.name == name))
    ).first()


async def create_prompt(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    data: schemas.LangfuseCreatePromptRequest,
) -> tuple[dict[str, Any], list[uuid.UUID]]:
    """Create the prompt or a new version of it, then move the given labels onto that version; also
    the ids of label moves left awaiting approval."""
    project_id = _project_of(principal)
    await authorize_project(session, principal, project_id, Action.WRITE)
    kind = data.type or "text"
    if (kind == "text") != isinstance(data.prompt, str):
        expected = "a string" if kind == "text" else "a list of chat messages"
        raise Unprocessable.field(["body", "prompt"], f"A {kind} prompt's `prompt` must be {expected}.")
    fields: dict[str, Any] = {
        "template": template_from_langfuse(data.prompt, ["body", "prompt"]),
        "model_config": data.config or {},
        "commit_message": data.commit_message or "",
    }
    existing = await _find_prompt(session, project_id, data.name)
    if existing is None:
        create = _ours(
            prompt_schemas.PromptCreate, {**fields, "name": data.name, "kind": kind, "tags": data.tags or []}
        )
        with _langfuse_field_names():
            created = await prompts.create_prompt(session, kv, settings, principal, project_id, create)
        number = created.version.number
    else:
        if existing.archived_at is not None:
            raise Conflict(
                f"Prompt {data.name!r} is archived (deleted): restore it in the web app or use another name.",
                code="prompt_archived",
            )
        if existing.kind != kind:
            raise Unprocessable.field(
                ["body", "type"],
                f"Prompt '{data.name}' is a {existing.kind} prompt; send type={existing.kind!r}.",
            )
        version, _ = await prompts.create_version(
            session,
            kv,
            settings,
            principal,
            project_id,
            data.name,
            _ours(prompt_schemas.VersionCreate, fields),
        )
        number = version.number
        if data.tags is not None and sorted(set(data.tags)) != existing.tags:
            await prompts.update_prompt(
                session, kv, principal, project_id, data.name, prompt_schemas.PromptUpdate(tags=data.tags)
            )
    labels = [label for label in data.labels or [] if label != prompts.LATEST]  # latest is this one anyway
    pending = await _move_labels(session, kv, principal, project_id, data.name, labels, number)
    return await langfuse_prompt_data(session, project_id, data.name, Selector(None, number)), pending


async def _move_labels(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    name: str,
    labels: list[str],
    number: int,
) -> list[uuid.UUID]:
    """Move each label through the deploy gate; the ids of the moves left awaiting approval.

    Langfuse's answer has no place for a pending move (its labels list shows where labels are), so
    the route names them in a header.
    """
    pending: list[uuid.UUID] = []
    for label in dict.fromkeys(labels):
        moved = await prompts.move_label(session, kv, principal, project_id, name, label, number)
        if isinstance(moved, Deployment):
            pending.append(moved.id)
    return pending


async def add_labels(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    name: str,
    number: int,
    data: schemas.LangfuseUpdatePromptVersionRequest,
) -> tuple[dict[str, Any], list[uuid.UUID]]:
    """Langfuse's `newLabels`: point each label at this version (labels elsewhere stay); also the ids
    of moves left awaiting approval."""
    project_id = _project_of(principal)
    if prompts.LATEST in data.new_labels:
        raise Unprocessable.field(
            ["body", "newLabels"], "Label 'latest' is always assigned to the latest prompt version."
        )
    await authorize_project(session, principal, project_id, Action.READ)
    prompt = await prompts.load_prompt(session, project_id, name)
    await prompts.load_version(session, prompt, number)
    pending = await _move_labels(session, kv, principal, project_id, name, data.new_labels, number)
    return await langfuse_prompt_data(session, project_id, name, Selector(None, number)), pending


async def delete_prompt(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    name: str,
    label: str | None,
    version: int | None,
) -> None:
    """Without filters: archive the prompt (restorable in the web app). Versions are immutable."""
    if label is not None or version is not None:
        which = "label" if label is not None else "version"
        raise Unprocessable.field(
            ["query", which],
            "Prompt-Forge keeps every version (versions are immutable): delete the whole prompt "
            "(it is archived and can be restored), or move labels with PATCH .../versions/{version}.",
        )
    await prompts.archive_prompt(session, kv, principal, _project_of(principal), name)


async def list_prompts(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str | None,
    label: str | None,
    tag: str | None,
    page: int,
    limit: int,
) -> schemas.LangfusePromptMetaList:
    """Langfuse's prompt list: one entry per prompt, page-numbered, by name."""
    project_id = _project_of(principal)
    await authorize_project(session, principal, project_id, Action.READ)
    where = [Prompt.project_id == project_id, Prompt.archived_at.is_(None)]
    if name is not None:
        where.append(Prompt.name == name)
    if tag is not None:
        where.append(Prompt.id.in_(select(PromptTag.prompt_id).where(PromptTag.tag == tag)))
    if label is not None and label != prompts.LATEST:
        where.append(Prompt.id.in_(select(Label.prompt_id).where(Label.name == label)))
    total = await session.scalar(select(func.count()).select_from(Prompt).where(*where)) or 0
    rows = (
        await session.scalars(
            select(Prompt).where(*where).order_by(Prompt.name).offset((page - 1) * limit).limit(limit)
        )
    ).all()
    ids = [p.id for p in rows]
    labels = await prompts.labels_of(session, ids)
    numbers: dict[uuid.UUID, list[int]] = {pid: [] for pid in ids}
    for prompt_id, number in await session.execute(
        select(PromptVersion.prompt_id, PromptVersion.number)
        .where(PromptVersion.prompt_id.in_(ids))
        .order_by(PromptVersion.number)
    ):
        numbers[prompt_id].append(number)
    data = []
    for prompt in rows:
        by_label = dict(labels[prompt.id])
        by_label[prompts.LATEST] = prompt.latest_version
        versions = numbers[prompt.id]
        if label is not None:
            versions = [by_label[label]]
        shown = sorted(lb for lb, v in by_label.items() if v in versions)
        last = max(versions)
        config = await session.scalar(
            select(PromptVersion.model_settings).where(
                PromptVersion.prompt_id == prompt.id, PromptVersion.number == last
            )
        )
        data.append(
            schemas.LangfusePromptMeta(
                name=prompt.name,
                type="chat" if prompt.kind == "chat" else "text",
                versions=versions,
                labels=shown,
                tags=prompt.tags,
                last_updated_at=prompt.updated_at,
                last_config=config or {},
            )
        )
    return schemas.LangfusePromptMetaList(
        data=data,
        meta=schemas.LangfusePageMeta(
            page=page, limit=limit, total_items=total, total_pages=math.ceil(total / limit)
        ),
    )


async def key_project(session: AsyncSession, principal: Principal) -> schemas.LangfuseProjects:
    """The project of the API key (what the SDKs' `auth_check()` asks for)."""
    project_id = _project_of(principal)
    access = await authorize_project(session, principal, project_id, Action.READ)
    workspace = await session.get(Workspace, access.project.workspace_id)
    if workspace is None:
        raise NotFound("Project not found.")
    return schemas.LangfuseProjects(
        data=[
            schemas.LangfuseProject(
                id=str(access.project.id),
                name=access.project.name,
                organization=schemas.LangfuseOrganization(id=str(workspace.id), name=workspace.name),
                metadata={"workspace_slug": workspace.slug, "project_slug": access.project.slug},
            )
        ]
    )
