"""The hot path: resolve a prompt (and load render sources) from the near cache, Redis, or the database.

See prompts/cache.py for why this is correct across replicas. With a warm cache a resolve costs one
Redis MGET (two generation counters) and no database or ORM work.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.api_keys.service import authenticate_api_key, keys_gen_key
from promptforge.auth.dependencies import get_principal
from promptforge.auth.principal import Principal
from promptforge.core.config import Settings
from promptforge.core.errors import NotFound, Unprocessable
from promptforge.core.generations import GenerationReader
from promptforge.core.kv import KeyValueStore, StoreUnavailable
from promptforge.core.schemas import INT32_MAX
from promptforge.core.security import sha256_hex
from promptforge.prompts.cache import PAYLOAD_TTL_SECONDS, NearCache, payload_key, prompt_gen_key
from promptforge.prompts.models import Label, Prompt, PromptVersion
from promptforge.prompts.names import LABEL_NAME
from promptforge.prompts.rendering.renderer import Renderer, RenderResult, TemplateSource
from promptforge.workspaces.permissions import Action, authorize_project

M = TypeVar("M", bound=BaseModel)
NEAR_CACHE_ENTRIES = 10_000
MAX_NAME_LENGTH = 128


@dataclass(frozen=True, slots=True)
class Selector:
    """Which version to resolve: a label (`latest` = newest) or an explicit number."""

    label: str | None
    version: int | None

    @classmethod
    def parse(cls, label: str | None, version: int | None, default_label: str = "production") -> Selector:
        if label is not None and version is not None:
            raise Unprocessable.field(["query", "version"], "Give either label or version, not both.")
        if version is not None:
            return cls(None, version)
        return cls(label or default_label, None)

    @property
    def key(self) -> str:
        return f"v:{self.version}" if self.version is not None else f"l:{self.label}"


LABEL_RE = re.compile(LABEL_NAME)
# ASCII digits only: str.isdigit() also accepts "¹" or "٣", which int() then refuses.
VERSION_RE = re.compile(r"[0-9]{1,10}")
PROMPT_PATH_PARAMETERS: list[dict[str, Any]] = [
    {"name": "project_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}},
    {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 128}},
]
RESOLVE_PARAMETERS: list[dict[str, Any]] = [
    *PROMPT_PATH_PARAMETERS,
    {
        "name": "label",
        "in": "query",
        "required": False,
        "description": "Default `production`; `latest` = the newest version",
        "schema": {"type": "string", "pattern": LABEL_NAME},
    },
    {
        "name": "version",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
    },
]


def parse_prompt_path(request: Request) -> tuple[uuid.UUID, str]:
    """The project id and prompt name of a hot-path URL, validated (422 naming the field)."""
    try:
        project_id = uuid.UUID(request.path_params["project_id"])
    except ValueError:
        raise Unprocessable.field(["path", "project_id"], "Input should be a valid UUID") from None
    name = request.path_params["name"]
    if len(name) > MAX_NAME_LENGTH:
        raise Unprocessable.field(["path", "name"], f"At most {MAX_NAME_LENGTH} characters.")
    return project_id, name


def parse_resolve_request(request: Request) -> tuple[uuid.UUID, str, Selector]:
    """Path and query parameters of resolve, validated like FastAPI would (422 naming the field)."""
    project_id, name = parse_prompt_path(request)
    query = request.query_params
    label = query.get("label")
    if label is not None and not LABEL_RE.match(label):
        raise Unprocessable.field(["query", "label"], f"String should match pattern '{LABEL_NAME}'")
    raw_version = query.get("version")
    version = None
    if raw_version is not None:
        if not VERSION_RE.fullmatch(raw_version) or not 1 <= int(raw_version) <= INT32_MAX:
            raise Unprocessable.field(
                ["query", "version"], f"Input should be an integer from 1 to {INT32_MAX}"
            )
        version = int(raw_version)
    return project_id, name, Selector.parse(label, version)


def parse_body(model: type[M], body: bytes) -> M:
    """Validate a JSON body with pydantic directly; errors in the same shape as FastAPI's 422."""
    try:
        return model.model_validate_json(body or b"{}")
    except ValidationError as exc:
        errors = [
            {"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"]} for err in exc.errors()
        ]
        if errors[0]["type"] == "json_invalid":  # same answer as FastAPI's routes (core/errors.py)
            raise Unprocessable(
                "The request body is not valid JSON.", code="invalid_json", errors=errors
            ) from None
        where = ".".join(str(p) for p in errors[0]["loc"])
        raise Unprocessable(f"{where}: {errors[0]['msg']}", errors=errors) from None


@dataclass(frozen=True, slots=True)
class Generations:
    """What near-cache entries of one prompt are checked against; None: Redis is down, cache nothing."""

    keys: bytes | None
    """The project's API-key generation (bumped when a key is revoked)."""
    prompt: bytes | None
    """The prompt's generation (bumped by every write to it)."""


@dataclass(frozen=True, slots=True)
class Payload:
    body: bytes
    etag: str
    data: dict[str, Any]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Payload:
        # Standard JSON whatever is stored: NaN / Infinity (refused on input since issue 8, but an
        # older SQLite database may hold some) become null rather than non-standard tokens.
        body = to_json(data, inf_nan_mode="null")
        return cls(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', data)

    def source(self) -> TemplateSource:
        d = self.data
        return TemplateSource(
            name=d["name"],
            version=d["version"],
            kind=d["kind"],
            template=d["template"],
            variables=d["variables"],
        )


async def build_payload(
    session: AsyncSession, project_id: uuid.UUID, name: str, selector: Selector
) -> Payload:
    """Read the selected version from the database (cache miss or Redis down)."""
    prompt = (
        await session.scalars(
            select(Prompt).where(
                Prompt.project_id == project_id, Prompt.name == name, Prompt.archived_at.is_(None)
            )
        )
    ).first()
    if prompt is None:
        raise NotFound(f"Prompt '{name}' not found.")
    labels = dict(
        (await session.execute(select(Label.name, Label.version).where(Label.prompt_id == prompt.id))).all()
    )
    if selector.version is not None:
        number = selector.version
    elif selector.label == "latest":
        number = prompt.latest_version
    elif selector.label in labels:
        number = labels[selector.label]
    else:
        raise NotFound(f"Prompt '{name}' has no label '{selector.label}'.", code="label_not_found")
    version = (
        await session.scalars(
            select(PromptVersion).where(PromptVersion.prompt_id == prompt.id, PromptVersion.number == number)
        )
    ).first()
    if version is None:
        raise NotFound(f"Prompt '{name}' has no version {number}.")
    pointing = sorted(label for label, v in labels.items() if v == number)
    if number == prompt.latest_version:
        pointing.append("latest")
    return Payload.from_data(
        {
            "name": prompt.name,
            "version": number,
            "kind": prompt.kind,
            "template": version.template,
            "variables": version.variables,
            "model_config": version.model_settings,
            "labels": pointing,
        }
    )


PayloadBuilder = Callable[[AsyncSession, uuid.UUID, str, Selector], Awaitable[Payload]]


class PromptResolver:
    """Per-process resolver: near caches for payloads and API-key principals in front of Redis."""

    def __init__(
        self, kv: KeyValueStore, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
    ) -> None:
        self.kv = kv
        self.sessionmaker = sessionmaker
        self.payloads: NearCache[Payload] = NearCache(NEAR_CACHE_ENTRIES, settings.near_cache_ttl_seconds)
        self.principals: NearCache[Principal] = NearCache(NEAR_CACHE_ENTRIES, settings.near_cache_ttl_seconds)
        self.counters = GenerationReader(kv, settings.near_cache_ttl_seconds)

    async def authorize(self, request: Request, project_id: uuid.UUID, keys_gen: bytes | None) -> Principal:
        """Authenticate (API key from the near cache when possible) and check READ on the project."""
        authorization = request.headers.get("authorization")
        if authorization and keys_gen is not None and authorization[:7].lower() == "bearer ":
            secret = authorization[7:].strip()
            cache_key = (project_id, sha256_hex(secret))
            principal = self.principals.get(cache_key, keys_gen)
            if principal is None:
                principal = await authenticate_api_key(self.kv, self.sessionmaker, secret)
                if principal is not None:
                    self.principals.put(cache_key, keys_gen, principal)
            if principal is not None and not principal.expired(time.time()):
                if principal.api_key_project_id != project_id:
                    raise NotFound("Project not found.")
                return principal  # every API key role may read
        principal = await get_principal(request)
        async with self.sessionmaker() as session:
            await authorize_project(session, principal, project_id, Action.READ)
        return principal

    async def generations(self, project_id: uuid.UUID, name: str) -> Generations:
        """The project's API-key generation and the prompt's (both None when Redis is down)."""
        values = await self.counters.current([keys_gen_key(project_id), prompt_gen_key(project_id, name)])
        return Generations(*values) if values else Generations(None, None)

    async def payload(
        self,
        project_id: uuid.UUID,
        name: str,
        selector: Selector,
        generation: bytes | None,
        *,
        build: PayloadBuilder = build_payload,
        variant: str = "",
    ) -> Payload:
        """The payload from the near cache, Redis, or the database, in that order.

        Another shape of the same prompt version (the Langfuse API's) passes its own `build` and a
        `variant` prefix: it shares these caches and their invalidation by the prompt's generation.
        """
        if generation is None:
            async with self.sessionmaker() as session:
                return await build(session, project_id, name, selector)
        selector_key = variant + selector.key
        near_key = (project_id, name, selector_key)
        cached = self.payloads.get(near_key, generation)
        if cached is not None:
            return cached
        redis_key = payload_key(project_id, name, selector_key)
        try:
            raw = await self.kv.get(redis_key)
        except StoreUnavailable:
            raw = None
        if raw is not None:
            stamp, _, body = raw.partition(b"\n")
            if stamp == generation:
                payload = Payload(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', json.loads(body))
                self.payloads.put(near_key, generation, payload)
                return payload
        async with self.sessionmaker() as session:
            payload = await build(session, project_id, name, selector)
        try:
            await self.kv.set(redis_key, generation + b"\n" + payload.body, ttl=PAYLOAD_TTL_SECONDS)
        except StoreUnavailable:
            return payload
        self.payloads.put(near_key, generation, payload)
        return payload

    async def load_source(self, project_id: uuid.UUID, name: str, selector: Selector) -> TemplateSource:
        """A prompt's template for rendering (and for `prompt(...)` includes), through the same caches."""
        generations = await self.generations(project_id, name)
        return (await self.payload(project_id, name, selector, generations.prompt)).source()


async def render_with_includes(
    resolver: PromptResolver,
    renderer: Renderer,
    project_id: uuid.UUID,
    source: TemplateSource,
    variables: dict[str, Any],
) -> RenderResult:
    """Render `source`; its `prompt(...)` includes come from the same project through the same caches.

    The one way render, runs and the gateway render a prompt.
    """

    async def load_include(include: str, label: str | None, version: int | None) -> TemplateSource:
        return await resolver.load_source(project_id, include, Selector.parse(label, version, "latest"))

    return await renderer.render(source, variables, load_include)
