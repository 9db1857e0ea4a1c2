"""The application factory: settings, database, cache, routers, middleware and error handlers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from promptforge import __version__
from promptforge.api_keys.routes import router as keys_router
from promptforge.auth.routes import router as auth_router
from promptforge.change_stream.feed import ChangeFeed
from promptforge.change_stream.routes import router as change_stream_router
from promptforge.change_stream.schemas import PromptChangeEvent, StreamPosition
from promptforge.core.client_address import ProxyTrust
from promptforge.core.config import Settings, load_settings
from promptforge.core.docs import install_docs
from promptforge.core.errors import OPENAI_ERROR_PREFIXES, install_error_handlers, openai_error_response
from promptforge.core.health import router as health_router
from promptforge.core.logging import configure_logging
from promptforge.core.metrics import process_exited
from promptforge.core.middleware import LargeBodyRoute, RequestMiddleware
from promptforge.core.multipart_upload import FRAMING_BYTES
from promptforge.core.openapi_errors import document_common_errors, document_text_rules
from promptforge.core.queue import JobSpec
from promptforge.core.resources import open_resources
from promptforge.core.spa import install_spa
from promptforge.core.tracing import setup_tracing
from promptforge.core.ws import EventHub
from promptforge.datasets.file_routes import router as dataset_files_router
from promptforge.datasets.routes import router as datasets_router
from promptforge.deployments.routes import router as deployments_router
from promptforge.evaluations.result_routes import router as evaluation_results_router
from promptforge.evaluations.routes import router as evaluations_router
from promptforge.gateway.cache import GatewayCache
from promptforge.gateway.routes import router as gateway_router
from promptforge.gateway.schemas import ChatCompletionRequest, OpenAIError
from promptforge.jobs import ALL_JOBS
from promptforge.langfuse_compat.auth import BasicAuthenticator
from promptforge.langfuse_compat.errors import PUBLIC_PREFIX, langfuse_error_response
from promptforge.langfuse_compat.openapi import document_langfuse_api
from promptforge.langfuse_compat.routes import router as langfuse_router
from promptforge.live.routes import router as live_router
from promptforge.prompts.resolve import PromptResolver
from promptforge.prompts.routes import portability_router
from promptforge.prompts.routes import router as prompts_router
from promptforge.prompts.schemas import RenderRequest
from promptforge.providers.routes import choices_router as run_providers_router
from promptforge.providers.routes import router as providers_router
from promptforge.runs.routes import router as runs_router
from promptforge.webhooks.relay import WebhookRelay, relay_for
from promptforge.webhooks.routes import router as webhooks_router
from promptforge.webhooks.sender import WebhookSender
from promptforge.workspaces.invitation_routes import router as invitations_router
from promptforge.workspaces.routes import audit_router, projects_router
from promptforge.workspaces.routes import router as workspaces_router

OPENAPI_TAGS = [
    {"name": "auth", "description": "Accounts and browser sessions (cookies)."},
    {"name": "workspaces", "description": "Workspaces and their members."},
    {"name": "invitations", "description": "Invitations to join a workspace, accepted by the invitee."},
    {"name": "projects", "description": "Projects inside a workspace."},
    {"name": "api-keys", "description": "Project API keys for applications and CI."},
    {"name": "audit", "description": "The audit log of every mutation."},
    {"name": "prompts", "description": "Prompts, immutable versions, labels, render and resolve."},
    {"name": "import-export", "description": "Move a project's prompts in and out as YAML or JSON."},
    {"name": "providers", "description": "LLM provider connections (OpenAI, Anthropic, compatible, echo)."},
    {"name": "runs", "description": "Playground runs against a provider, streamed or not."},
    {"name": "datasets", "description": "Datasets of test cases and their items, with history by version."},
    {"name": "evaluations", "description": "Prompt variants run over a dataset and graded by assertions."},
    {
        "name": "gateway",
        "description": "OpenAI-compatible gateway: managed prompts as models (OpenAI's shapes and errors).",
    },
    {"name": "webhooks", "description": "Signed, retried deliveries of project events to your URLs."},
    {"name": "health", "description": "Liveness, readiness and metrics."},
    {
        "name": "langfuse",
        "description": "Langfuse-compatible prompt API (HTTP Basic `pk-pf-...:pf_...`; Langfuse's shapes "
        "and error bodies): point the Langfuse SDKs at this server. See docs/langfuse-compat.md.",
    },
]


def create_app(
    settings: Settings | None = None, *, kv_prefix: str = "pf:", jobs: Sequence[JobSpec] | None = None
) -> FastAPI:
    """Build the ASGI app; tests pass their own settings (database, Redis prefix) and may pass jobs."""
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = await open_resources(settings, kv_prefix, ALL_JOBS if jobs is None else jobs)
        app.state.resources = resources
        # The attributes request handlers read; the same objects as resources.*.
        app.state.engine = resources.engine
        app.state.sessionmaker = resources.sessionmaker
        app.state.secret_box = resources.secret_box
        app.state.kv = resources.kv
        app.state.provider_clients = resources.provider_clients
        app.state.queue = resources.queue
        app.state.storage = resources.storage
        app.state.resolver = PromptResolver(resources.kv, resources.sessionmaker, settings)
        app.state.renderer = resources.renderer
        app.state.langfuse_auth = BasicAuthenticator(app.state.resolver, settings.near_cache_ttl_seconds)
        app.state.gateway_cache = GatewayCache(settings)
        app.state.event_hub = EventHub(app.state.kv, settings)  # subscribes on the first WebSocket
        app.state.webhook_sender = WebhookSender(settings)  # the test send; the relay has its own
        relay: WebhookRelay | None = None
        # The change stream's fan-out; subscribes on the first stream.
        app.state.change_feed = ChangeFeed(resources.kv, resources.sessionmaker, settings)
        try:
            # Embedded, this process is the only worker there is; with Redis, PF_RUN_WORKER decides.
            if settings.run_worker or resources.queue.embedded:
                await resources.queue.start_worker(resources, settings.worker_concurrency)
                relay = relay_for(resources, WebhookSender(settings))
                relay.start()
            yield
        finally:
            if relay is not None:
                await relay.stop()
            await app.state.webhook_sender.close()
            await resources.queue.stop_worker()  # first: running jobs still use what follows
            await app.state.event_hub.stop()
            await app.state.change_feed.stop()
            await app.state.resolver.counters.close()
            await resources.close()
            process_exited()  # multiprocess metrics: this worker's live gauges leave the sum

    app = FastAPI(
        title="Prompt-Forge API",
        version=__version__,
        description="Write, version, test, evaluate and serve LLM prompts.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from local files: nothing may load from a CDN
        redoc_url=None,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(
        app,
        shapes=[(PUBLIC_PREFIX, langfuse_error_response), (OPENAI_ERROR_PREFIXES[0], openai_error_response)],
    )
    app.add_middleware(
        RequestMiddleware,
        max_body_bytes=settings.max_body_bytes,
        proxy_trust=ProxyTrust(settings.trusted_proxies),
        large_body_routes=[
            # Dataset file uploads, streamed into object storage (docs/datasets.md).
            LargeBodyRoute(
                "POST",
                re.compile(r"/api/v1/projects/[^/]+/datasets/[^/]+/imports"),
                settings.dataset_max_upload_bytes + FRAMING_BYTES,
            )
        ],
    )
    for router in (
        prompts_router,  # first: resolve is the hot path and routes are matched in order
        gateway_router,  # the gateway's hot path next
        health_router,
        auth_router,
        workspaces_router,
        invitations_router,
        projects_router,
        keys_router,
        audit_router,
        portability_router,
        providers_router,
        run_providers_router,
        runs_router,
        datasets_router,
        dataset_files_router,
        evaluations_router,
        evaluation_results_router,
        deployments_router,
        webhooks_router,
        live_router,
        change_stream_router,
        langfuse_router,
    ):
        app.include_router(router)
    install_docs(app)
    install_spa(app, settings)  # last: its catch-all GET must not shadow any route above
    setup_tracing(settings, app=app)  # request spans, when OTEL_EXPORTER_OTLP_ENDPOINT is set
    _check_operation_ids(app)
    _add_security_schemes(app)
    return app


def _add_security_schemes(app: FastAPI) -> None:
    """Document both ways in: the browser session cookie and `Authorization: Bearer pf_...` API keys."""
    public = {
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/public/health",
    }

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        # Bodies of the hand-parsed hot-path routes, referenced from their openapi_extra, and the
        # change stream's message payloads (its 200 is text/event-stream).
        components = schema["components"]["schemas"]
        for model in (RenderRequest, ChatCompletionRequest, OpenAIError, PromptChangeEvent, StreamPosition):
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in model_schema.pop("$defs", {}).items():  # nested models
                components.setdefault(name, definition)
            components[model.__name__] = model_schema
        schema.setdefault("components", {})["securitySchemes"] = {
            "apiKey": {"type": "http", "scheme": "bearer", "description": "A project API key: `pf_...`"},
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": "pf_access",
                "description": "Browser session",
            },
        }
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                if path in public:
                    operation["security"] = []
                elif path.startswith(OPENAI_ERROR_PREFIXES):  # the gateway takes API keys only
                    operation["security"] = [{"apiKey": []}]
                else:
                    operation["security"] = [{"session": []}, {"apiKey": []}]
        document_common_errors(schema, public)
        document_langfuse_api(schema, public)
        document_text_rules(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _check_operation_ids(app: FastAPI) -> None:
    """Generated clients name their functions after operation ids: each must be explicit and unique."""
    seen: set[str] = set()
    # include_router is lazy in this FastAPI: walk the route contexts, not app.routes.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            op_id = route.operation_id
            if not op_id or op_id in seen:
                raise RuntimeError(f"route {context.path} needs a unique explicit operation_id")
            seen.add(op_id)
