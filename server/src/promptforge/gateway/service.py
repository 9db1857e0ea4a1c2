"""The gateway's rules: who may call, which prompt and connection, what is sent, and the run it leaves.

A gateway call renders a managed prompt server-side, appends the caller's messages, calls the
project's provider connection and records the call as a run (source `gateway`). Unlike a
playground run, the run row is written once, when the call has ended (completed, failed or
cancelled) and, for an answer, once its last byte is sent: the write is not part of the latency a
caller sees (docs/gateway.md). The id is chosen up front so X-Prompt-Forge-Run-Id can name it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio
import structlog
from fastapi import Request
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.db import utcnow, uuid7
from promptforge.core.encryption import SecretBox
from promptforge.core.errors import AppError, Forbidden, Unauthorized, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.gateway import schemas
from promptforge.gateway.cache import GatewayCache, ProjectConnection
from promptforge.prompts.models import Label, Prompt
from promptforge.prompts.rendering.renderer import Renderer
from promptforge.prompts.resolve import PromptResolver, render_with_includes
from promptforge.providers.adapters import Adapter, ProviderClients, adapter_for, as_messages
from promptforge.providers.model_settings import choose_model, merged_params
from promptforge.providers.pricing import Price, cost_usd, price_for
from promptforge.runs.models import Run
from promptforge.runs.service import Outcome, elapsed_ms, error_info
from promptforge.runs.storable import storable
from promptforge.workspaces.models import Project
from promptforge.workspaces.permissions import API_KEY_ACTIONS, Action, Role

log = structlog.get_logger("promptforge.gateway")
RUN_ID_HEADER = "X-Prompt-Forge-Run-Id"
PROMPT_VERSION_HEADER = "X-Prompt-Forge-Prompt-Version"


@dataclass(frozen=True)
class GatewayServices:
    """What a gateway call needs from the application."""

    kv: KeyValueStore
    sessionmaker: async_sessionmaker[AsyncSession]
    resolver: PromptResolver
    renderer: Renderer
    box: SecretBox
    clients: ProviderClients
    settings: Settings
    cache: GatewayCache


def gateway_services(request: Request) -> GatewayServices:
    state = request.app.state
    return GatewayServices(
        state.kv,
        state.sessionmaker,
        state.resolver,
        state.renderer,
        state.secret_box,
        state.provider_clients,
        state.settings,
        state.gateway_cache,
    )


def bearer_secret(authorization: str | None) -> str:
    """The API key of `Authorization: Bearer pf_...`; only API keys: the gateway has no project in its
    URL, the key says which project is meant."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(
            "The gateway takes a project API key as the bearer token (Authorization: Bearer pf_...).",
            code="invalid_api_key",
        )
    return secret.strip()


@dataclass(frozen=True)
class Caller:
    """An authenticated gateway caller, and the generation its project's connections are cached at."""

    principal: Principal
    project_id: uuid.UUID
    connections_generation: bytes | None


async def authenticate(services: GatewayServices, authorization: str | None, action: Action) -> Caller:
    """The project API key of the request, allowed to do `action` (401 / 403 otherwise)."""
    principal, generation = await services.cache.principal(
        services.resolver, services.kv, bearer_secret(authorization)
    )
    if action not in API_KEY_ACTIONS[Role(principal.api_key_role or "viewer")]:
        raise Forbidden(
            "Calling prompts through the gateway records runs: it needs an editor API key.",
            code="forbidden",
        )
    assert principal.api_key_project_id is not None
    return Caller(principal, principal.api_key_project_id, generation)


@dataclass
class GatewayCall:
    """One call, rendered and ready to send; the run row is written from it when the call ends."""

    run_id: uuid.UUID
    project_id: uuid.UUID
    principal: Principal
    prompt_name: str
    prompt_version: int
    kind: str
    provider: ProjectConnection
    adapter: Adapter
    model: str
    params: dict[str, Any]
    passthrough: dict[str, Any]
    messages: list[dict[str, Any]]
    variables: dict[str, Any]
    stream: bool
    include_usage: bool
    price: Price | None
    created_at: datetime = field(default_factory=utcnow)
    started: float = field(default_factory=time.perf_counter)

    def headers(self) -> dict[str, str]:
        return {RUN_ID_HEADER: str(self.run_id), PROMPT_VERSION_HEADER: str(self.prompt_version)}


def choose_connection(
    connections: tuple[ProjectConnection, ...], model_config: dict[str, Any]
) -> ProjectConnection:
    """The connection `model_config.connection` names; else the one `model_config.provider` names
    (a connection name, or the oldest connection of that kind); else the project's default: its
    oldest connection."""
    named = model_config.get("connection")
    if named is not None:
        found = next((c for c in connections if c.name == named), None)
        if found is None:
            raise _no_connection("model_config.connection", f"No provider connection is named '{named}'.")
        return found
    wanted = model_config.get("provider")
    if wanted is not None:
        by_name = next((c for c in connections if c.name == wanted), None)
        found = by_name or next((c for c in connections if c.kind == wanted), None)
        if found is None:
            raise _no_connection(
                "model_config.provider",
                f"The project has no provider connection named or of kind '{wanted}'.",
            )
        return found
    if not connections:
        raise _no_connection("model", "The project has no provider connection: an admin can add one.")
    return connections[0]


def _no_connection(param: str, detail: str) -> Unprocessable:
    return Unprocessable(
        detail,
        code="no_provider_connection",
        errors=[{"loc": param.split("."), "msg": detail, "type": "no_provider_connection"}],
    )


async def prepare_call(
    services: GatewayServices, caller: Caller, data: schemas.ChatCompletionRequest
) -> GatewayCall:
    """Resolve and render the prompt the request's `model` names and choose the provider call."""
    ref = schemas.PromptModel.parse(data.model)
    project_id = caller.project_id
    resolver = services.resolver
    generations = await resolver.generations(project_id, ref.name)
    payload = await resolver.payload(project_id, ref.name, ref.selector, generations.prompt)
    source = payload.source()
    model_config: dict[str, Any] = dict(payload.data.get("model_config") or {})
    rendered = await render_with_includes(resolver, services.renderer, project_id, source, data.variables)
    connections = await services.cache.project_connections(
        resolver, services.box, project_id, caller.connections_generation
    )
    provider = choose_connection(connections, model_config)
    model = choose_model(
        None,
        model_config,
        provider_kind=provider.kind,
        provider_name=provider.name,
        default=provider.default_model,
        loc=["body", "model"],
    )
    # rendering can produce NUL or lone surrogates: repaired before they are stored or sent
    text, rendered_messages = storable(rendered.text), storable(rendered.messages)
    messages: list[dict[str, Any]] = [
        *as_messages(source.kind, text, rendered_messages),
        *(message.model_dump(exclude_none=True) for message in data.messages),
    ]
    # echo answers a lone text prompt with its text, a conversation one block per message
    echo_kind = source.kind if not data.messages else "chat"
    adapter = adapter_for(provider.connection, services.clients, services.settings, prompt_kind=echo_kind)
    return GatewayCall(
        run_id=uuid7(),
        project_id=project_id,
        principal=caller.principal,
        prompt_name=source.name,
        prompt_version=source.version,
        kind=source.kind,
        provider=provider,
        adapter=adapter,
        model=model,
        params=merged_params(model_config, data.overrides()),
        passthrough=data.passthrough(),
        messages=messages,
        variables=data.variables,
        stream=data.stream,
        include_usage=bool(data.stream_options and data.stream_options.include_usage),
        price=Price(0.0, 0.0) if provider.kind == "echo" else price_for(model, provider.pricing),
    )


async def record_run(services: GatewayServices, call: GatewayCall, outcome: Outcome) -> None:
    """Write the call's run in one short transaction (shielded: a client leaving does not stop it).

    A failure to store is logged, not raised: the caller already has (or is getting) its answer.
    """
    usage = outcome.usage
    row = dict(
        id=call.run_id,
        project_id=call.project_id,
        prompt_name=call.prompt_name,
        prompt_version=call.prompt_version,
        kind=call.kind,
        template=None,
        provider_id=call.provider.id,
        provider_name=call.provider.name,
        provider_kind=call.provider.kind,
        model=call.model,
        params=storable({**call.params, **call.passthrough}),
        variables=storable(call.variables),
        input={"messages": storable(call.messages)},
        output=storable(outcome.output),
        status=outcome.status,
        source="gateway",
        stream=call.stream,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=cost_usd(call.price, usage.input_tokens, usage.output_tokens),
        latency_ms=outcome.latency_ms,
        time_to_first_token_ms=outcome.time_to_first_token_ms,
        error=storable(outcome.error),
        created_by_api_key_id=call.principal.api_key_id,
        created_by=f"api_key:{call.principal.api_key_name}",
        created_at=call.created_at,
        finished_at=utcnow(),
    )
    with anyio.CancelScope(shield=True):
        try:
            async with services.sessionmaker() as session:
                # a bulk insert: no unit of work, no identity map (this runs after every call)
                await session.execute(insert(Run), [row])
                await session.commit()
        except Exception as exc:  # e.g. the project was deleted meanwhile, or the database is down
            log.warning("gateway_run_not_stored", run_id=str(call.run_id), error=type(exc).__name__)


async def record_failure(services: GatewayServices, call: GatewayCall, exc: BaseException) -> BaseException:
    """Store the run of a call that failed with `exc`; returns what to raise.

    A client error (AppError) carries the run's headers too: a failed provider call is a stored run.
    """
    cancelled = isinstance(exc, anyio.get_cancelled_exc_class())
    status = "cancelled" if cancelled else "failed"
    await record_run(
        services, call, Outcome(status, latency_ms=elapsed_ms(call.started), error=error_info(exc))
    )
    if isinstance(exc, AppError):
        exc.headers = {**(exc.headers or {}), **call.headers()}
        if exc.status == 424:  # the connection's key was refused: OpenAI clients know 502, not 424
            exc.status = 502
    elif not cancelled:
        log.error("gateway_call_failed", run_id=str(call.run_id), error=type(exc).__name__)
    return exc


async def list_models(session: AsyncSession, caller: Caller) -> schemas.GatewayModelList:
    """The project's prompts as models: `prompt:<name>@<label>` for each label, and `@latest`."""
    project_id = caller.project_id
    project = await session.get(Project, project_id)
    owner = project.slug if project is not None else "prompt-forge"
    prompts = (
        await session.execute(
            select(Prompt.id, Prompt.name, Prompt.updated_at)
            .where(Prompt.project_id == project_id, Prompt.archived_at.is_(None))
            .order_by(Prompt.name)
        )
    ).all()
    labels: dict[uuid.UUID, list[tuple[str, datetime]]] = {}
    if prompts:
        rows = await session.execute(
            select(Label.prompt_id, Label.name, Label.updated_at)
            .where(Label.prompt_id.in_([p.id for p in prompts]))
            .order_by(Label.name)
        )
        for prompt_id, label, moved_at in rows.all():
            labels.setdefault(prompt_id, []).append((label, moved_at))
    data: list[schemas.GatewayModel] = []
    for prompt in prompts:
        for label, moved_at in [*labels.get(prompt.id, []), ("latest", prompt.updated_at)]:
            data.append(
                schemas.GatewayModel(
                    id=f"prompt:{prompt.name}@{label}", created=int(moved_at.timestamp()), owned_by=owner
                )
            )
    return schemas.GatewayModelList(data=data)
