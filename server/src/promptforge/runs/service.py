"""Runs: render a prompt (saved or draft), call the provider, store tokens, cost, latency and outcome.

A run spans a provider call that may take a minute, so it does not use the request's one
transaction: the run row is committed (status `running`) before the provider is called, no
database connection is held during the call, and a second short transaction stores the outcome.
A crash or a client that goes away therefore still leaves a stored run; streaming finishes its
row in a shielded scope (runs/streaming.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
import structlog
from fastapi import Request
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import utcnow
from promptforge.core.encryption import SecretBox
from promptforge.core.errors import AppError, NotFound
from promptforge.core.pagination import PageParams, paginate
from promptforge.prompts.rendering.renderer import Renderer, TemplateSource
from promptforge.prompts.rendering.templates import check_template
from promptforge.prompts.resolve import PromptResolver, Selector, render_with_includes
from promptforge.prompts.service import render_limits, template_json
from promptforge.providers.adapters import Adapter, ProviderClients, adapter_for, as_messages
from promptforge.providers.calls import ChatRequest, Usage
from promptforge.providers.model_settings import choose_model, merged_params
from promptforge.providers.pricing import Price, cost_usd, price_for
from promptforge.providers.service import connection_of, load_provider
from promptforge.runs import schemas
from promptforge.runs.models import Run
from promptforge.runs.storable import storable
from promptforge.workspaces.audit import actor_label, record_audit
from promptforge.workspaces.permissions import Action, authorize_project

log = structlog.get_logger("promptforge.runs")
DRAFT_NAME = "(draft)"  # not a valid prompt name, so it never collides with an include


@dataclass(frozen=True)
class RunServices:
    """What executing a run needs from the application."""

    sessionmaker: async_sessionmaker[AsyncSession]
    resolver: PromptResolver
    renderer: Renderer
    box: SecretBox
    clients: ProviderClients
    settings: Settings


def run_services(request: Request) -> RunServices:
    state = request.app.state
    return RunServices(
        state.sessionmaker,
        state.resolver,
        state.renderer,
        state.secret_box,
        state.provider_clients,
        state.settings,
    )


@dataclass
class PreparedRun:
    """A run row committed as `running`, and everything needed to make its provider call."""

    run_id: uuid.UUID
    adapter: Adapter
    request: ChatRequest
    price: Price | None


def run_out(row: Run) -> schemas.Run:
    """The run as served; text stored before it was made storable is repaired on the way out."""
    prompt = None
    if row.prompt_name is not None and row.prompt_version is not None:
        prompt = schemas.RunPrompt(name=row.prompt_name, version=row.prompt_version)
    return schemas.Run(
        id=row.id,
        project_id=row.project_id,
        status=row.status,
        source=row.source,
        prompt=prompt,
        kind=row.kind,
        template=storable(row.template),
        provider_id=row.provider_id,
        provider_name=row.provider_name,
        provider_kind=row.provider_kind,
        model=row.model,
        params=storable(row.params),
        variables=storable(row.variables),
        input=schemas.RunInput(**storable(row.input)),
        output=storable(row.output),
        usage=schemas.RunUsage(input_tokens=row.input_tokens, output_tokens=row.output_tokens),
        cost_usd=row.cost_usd,
        latency_ms=row.latency_ms,
        time_to_first_token_ms=row.time_to_first_token_ms,
        error=storable(row.error),
        stream=row.stream,
        created_by=row.created_by,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


# --------------------------------------------------------------------------- preparing


def _draft_source(settings: Settings, data: schemas.RunCreate) -> TemplateSource:
    assert data.template is not None
    kind: Literal["text", "chat"] = data.kind or ("text" if isinstance(data.template, str) else "chat")
    template = template_json(data.template)
    check_template(kind, template, render_limits(settings))  # the one shape check, as for saved versions
    return TemplateSource(name=DRAFT_NAME, version=0, kind=kind, template=template, variables=None)


async def start_run(
    services: RunServices, principal: Principal, project_id: uuid.UUID, data: schemas.RunCreate
) -> PreparedRun:
    """Authorize, render and store the run as `running`, committed before any provider call."""
    resolver = services.resolver
    async with services.sessionmaker() as session:
        access = await authorize_project(session, principal, project_id, Action.WRITE)
        provider = await load_provider(session, project_id, data.provider_id)
        connection = connection_of(provider, services.box)
        model_config: dict[str, Any] = {}
        if data.prompt is not None:
            ref = data.prompt
            selector = Selector.parse(ref.label, ref.version, "latest")
            generations = await resolver.generations(project_id, ref.name)
            payload = await resolver.payload(project_id, ref.name, selector, generations.prompt)
            source = payload.source()
            model_config = dict(payload.data.get("model_config") or {})
        else:
            # Compiling a draft can take most of a second at the size limit: off the event loop.
            source = await asyncio.to_thread(_draft_source, services.settings, data)

        rendered = await render_with_includes(resolver, services.renderer, project_id, source, data.variables)
        model = choose_model(
            data.model,
            model_config,
            provider_kind=provider.kind,
            provider_name=provider.name,
            default=provider.default_model,
            loc=["body", "model"],
        )
        params = merged_params(model_config, data.params.model_dump(exclude_none=True))
        # rendering can produce NUL or lone surrogates: repaired before they are stored or sent
        text, rendered_messages = storable(rendered.text), storable(rendered.messages)
        messages = as_messages(source.kind, text, rendered_messages)
        run = Run(
            project_id=project_id,
            prompt_name=source.name if data.prompt is not None else None,
            prompt_version=source.version if data.prompt is not None else None,
            kind=source.kind,
            template=source.template if data.prompt is None else None,
            provider_id=provider.id,
            provider_name=provider.name,
            provider_kind=provider.kind,
            model=model,
            params=params,
            variables=data.variables,
            input={"text": text} if source.kind == "text" else {"messages": rendered_messages},
            status="running",
            stream=data.stream,
            created_by_user_id=principal.user_id,
            created_by_api_key_id=principal.api_key_id,
            created_by=await actor_label(session, principal),
        )
        session.add(run)
        await session.flush()
        await record_audit(
            session,
            principal,
            workspace_id=access.project.workspace_id,
            project_id=project_id,
            action="run.created",
            target_type="run",
            target_id=run.id,
            data={
                "prompt": run.prompt_name,
                "version": run.prompt_version,
                "provider": provider.name,
                "model": model,
            },
        )
        price = Price(0.0, 0.0) if provider.kind == "echo" else price_for(model, provider.pricing)
        await session.commit()
        run_id = run.id
    try:
        adapter = adapter_for(connection, services.clients, services.settings, prompt_kind=source.kind)
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            await mark_failed(services, run_id, error_info(exc))
        raise
    return PreparedRun(run_id, adapter, ChatRequest(model=model, messages=messages, params=params), price)


# --------------------------------------------------------------------------- finishing


@dataclass
class Outcome:
    status: str
    output: str | None = None
    usage: Usage = field(default_factory=lambda: Usage(None, None))
    latency_ms: int | None = None
    time_to_first_token_ms: int | None = None
    error: dict[str, str] | None = None


async def finish_run(services: RunServices, prepared: PreparedRun, outcome: Outcome) -> schemas.Run:
    """Store the outcome of a run; when that fails, the run is marked failed (fresh session), then raised."""
    try:
        return await _store_outcome(services, prepared, outcome)
    except NotFound:
        raise
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            await mark_failed(services, prepared.run_id, error_info(exc))
        raise


async def mark_failed(services: RunServices, run_id: uuid.UUID, error: dict[str, str]) -> None:
    """Mark a still-running run failed in a fresh session, so no failure leaves it `running` forever."""
    try:
        async with services.sessionmaker() as session:
            await session.execute(
                update(Run)
                .where(Run.id == run_id, Run.status == "running")
                .values(status="failed", error=storable(error), finished_at=utcnow())
            )
            await session.commit()
    except Exception:  # the database itself is failing: nothing more can be stored
        log.exception("run_not_marked_failed", run_id=str(run_id))


async def _store_outcome(services: RunServices, prepared: PreparedRun, outcome: Outcome) -> schemas.Run:
    async with services.sessionmaker() as session:
        row = await session.get(Run, prepared.run_id)
        if row is None:  # the project was deleted meanwhile
            raise NotFound("The run no longer exists.")
        row.status = outcome.status
        row.output = storable(outcome.output)
        row.input_tokens = outcome.usage.input_tokens
        row.output_tokens = outcome.usage.output_tokens
        row.cost_usd = cost_usd(prepared.price, outcome.usage.input_tokens, outcome.usage.output_tokens)
        row.latency_ms = outcome.latency_ms
        row.time_to_first_token_ms = outcome.time_to_first_token_ms
        row.error = storable(outcome.error)
        row.finished_at = utcnow()
        await session.commit()
        return run_out(row)


def error_info(exc: BaseException) -> dict[str, str]:
    """The stored `error` of a run that failed with `exc` (no details of unexpected failures)."""
    if isinstance(exc, AppError):
        return {"code": exc.code, "message": exc.detail}
    return {"code": "internal_error", "message": "The run failed unexpectedly."}


def elapsed_ms(since: float) -> int:
    """Milliseconds since a `time.perf_counter()` reading."""
    return round((time.perf_counter() - since) * 1000)


async def execute_run(services: RunServices, prepared: PreparedRun) -> schemas.Run:
    """Call the provider and wait for the whole answer; a provider failure is stored, then raised."""
    started = time.perf_counter()
    try:
        completion = await prepared.adapter.complete(prepared.request)
    except BaseException as exc:
        status = "cancelled" if isinstance(exc, anyio.get_cancelled_exc_class()) else "failed"
        with anyio.CancelScope(shield=True):
            await finish_run(
                services, prepared, Outcome(status, latency_ms=elapsed_ms(started), error=error_info(exc))
            )
        if not isinstance(exc, AppError | anyio.get_cancelled_exc_class()):
            log.exception("run_failed", run_id=str(prepared.run_id))
        raise
    outcome = Outcome(
        "completed", output=completion.text, usage=completion.usage, latency_ms=elapsed_ms(started)
    )
    with anyio.CancelScope(shield=True):  # the answer is in: store it even if the client leaves now
        run = await finish_run(services, prepared, outcome)
    return run


# --------------------------------------------------------------------------- reading


async def list_runs(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    page: PageParams,
    *,
    prompt: str | None = None,
    provider_id: uuid.UUID | None = None,
    status: str | None = None,
    source: str | None = None,
) -> tuple[list[schemas.Run], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    stmt = select(Run).where(Run.project_id == project_id)
    if prompt is not None:
        stmt = stmt.where(Run.prompt_name == prompt)
    if provider_id is not None:
        stmt = stmt.where(Run.provider_id == provider_id)
    if status is not None:
        stmt = stmt.where(Run.status == status)
    if source is not None:
        stmt = stmt.where(Run.source == source)
    rows, cursor = await paginate(session, stmt, Run.id, page)
    return [run_out(r) for r in rows], cursor


async def get_run(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, run_id: uuid.UUID
) -> schemas.Run:
    await authorize_project(session, principal, project_id, Action.READ)
    row = await session.get(Run, run_id)
    if row is None or row.project_id != project_id:
        raise NotFound("Run not found.")
    return run_out(row)
