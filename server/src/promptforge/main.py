"""The application factory: settings, database, cache, routers, middleware and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import async_sessionmaker

from promptforge import __version__
from promptforge.api_keys.routes import router as keys_router
from promptforge.auth.routes import router as auth_router
from promptforge.core.client_address import ProxyTrust
from promptforge.core.config import ConfigurationError, Settings, load_settings
from promptforge.core.db import create_engine
from promptforge.core.docs import install_docs
from promptforge.core.encryption import SecretBox, check_encryption_key
from promptforge.core.errors import install_error_handlers
from promptforge.core.health import router as health_router
from promptforge.core.kv import create_store
from promptforge.core.logging import configure_logging
from promptforge.core.middleware import RequestMiddleware
from promptforge.core.openapi_errors import document_common_errors, document_text_rules
from promptforge.core.spa import install_spa
from promptforge.core.storage import create_storage
from promptforge.core.ws import EventHub
from promptforge.datasets.routes import router as datasets_router
from promptforge.live.routes import router as live_router
from promptforge.prompts.rendering.renderer import Renderer
from promptforge.prompts.resolve import PromptResolver
from promptforge.prompts.routes import portability_router
from promptforge.prompts.routes import router as prompts_router
from promptforge.prompts.schemas import RenderRequest
from promptforge.prompts.service import render_limits
from promptforge.providers.adapters import ProviderClients
from promptforge.providers.routes import choices_router as run_providers_router
from promptforge.providers.routes import router as providers_router
from promptforge.runs.routes import router as runs_router
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
    {"name": "health", "description": "Liveness, readiness and metrics."},
]


def create_app(settings: Settings | None = None, *, kv_prefix: str = "pf:") -> FastAPI:
    """Build the ASGI app; tests pass their own settings (database, Redis prefix)."""
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            settings.effective_database_url,
            connect_timeout=settings.database_connect_timeout_seconds,
            pool_timeout=settings.database_pool_timeout_seconds,
        )
        app.state.engine = engine
        app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        app.state.secret_box = SecretBox.from_settings(settings)
        try:  # a key that cannot read the stored secrets must stop the start, loudly
            await check_encryption_key(app.state.sessionmaker, app.state.secret_box)
        except ConfigurationError:
            await engine.dispose()
            raise
        app.state.kv = create_store(settings.redis_url, kv_prefix)
        app.state.resolver = PromptResolver(app.state.kv, app.state.sessionmaker, settings)
        app.state.renderer = Renderer(render_limits(settings), max_workers=settings.render_workers)
        app.state.provider_clients = ProviderClients()
        app.state.storage = create_storage(settings)
        app.state.event_hub = EventHub(app.state.kv, settings)
        await app.state.event_hub.start()
        try:
            yield
        finally:
            await app.state.event_hub.stop()
            await app.state.storage.close()
            await app.state.provider_clients.close()
            app.state.renderer.close()
            await app.state.resolver.counters.close()
            await app.state.kv.close()
            await engine.dispose()

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
    install_error_handlers(app)
    app.add_middleware(
        RequestMiddleware,
        max_body_bytes=settings.max_body_bytes,
        proxy_trust=ProxyTrust(settings.trusted_proxies),
    )
    for router in (
        prompts_router,  # first: resolve is the hot path and routes are matched in order
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
        live_router,
    ):
        app.include_router(router)
    install_docs(app)
    install_spa(app, settings)  # last: its catch-all GET must not shadow any route above
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
        # Bodies of the hand-parsed hot-path routes, referenced from their openapi_extra.
        for model in (RenderRequest,):
            schema["components"]["schemas"][model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
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
                operation["security"] = [] if path in public else [{"session": []}, {"apiKey": []}]
        document_common_errors(schema, public)
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
