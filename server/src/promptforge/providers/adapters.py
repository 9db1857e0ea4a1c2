"""One adapter per provider kind over the official async SDKs (no hand-written HTTP to providers).

Every adapter answers a chat request (text prompts are sent as one user message), streams, reports
usage and lists models where the provider can. Each SDK client sends through the guarded outbound
client (core/outbound.py), so a base URL reaches only what the outbound policy allows; retries are
ours (providers/retries.py), and what comes back is read by providers/answers.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, cast

import anthropic
import cachetools
import openai

from promptforge.core.config import Settings
from promptforge.core.errors import Unprocessable
from promptforge.core.outbound import OutboundPolicy, guarded_async_client
from promptforge.providers import answers
from promptforge.providers.calls import ChatRequest, Completion, Connection, StreamItem, Usage
from promptforge.providers.errors import SDK_ERRORS, ProviderError, map_provider_error
from promptforge.providers.retries import RetryPolicy, call_with_retries

DEFAULT_BASE_URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
KIND_LABELS: dict[str, str] = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "openai_compatible": "OpenAI-compatible server",
    "echo": "echo (no model call)",
}
ECHO_MODEL = "echo"
# Anthropic requires max_tokens; used when neither the version nor the run sets it.
ANTHROPIC_DEFAULT_MAX_TOKENS = 1024
PARAM_NAMES = ("temperature", "max_tokens", "top_p", "stop", "seed", "response_format")
CLIENT_POOL_SIZE = 64
SDK_LAZY_MODULES = (
    "anyio._backends._asyncio",
    "openai.resources.chat.chat",
    "openai.resources.chat.completions.completions",
    "openai.resources.embeddings",
    "anthropic.resources.messages",
)


class ProviderStream:
    """Deltas (str) then one Usage; SDK failures while iterating become ProviderError."""

    def __init__(
        self,
        items: AsyncIterator[StreamItem],
        close: Callable[[], Awaitable[None]],
        mapper: Callable[[Exception], ProviderError],
    ) -> None:
        self._items = items
        self._close = close
        self._map = mapper

    def __aiter__(self) -> AsyncIterator[StreamItem]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[StreamItem]:
        try:
            async for item in self._items:
                yield item
        except SDK_ERRORS as exc:
            raise self._map(exc) from None

    async def close(self) -> None:
        """Close the connection to the provider (it stops generating)."""
        await self._close()


class Adapter(Protocol):
    async def complete(self, request: ChatRequest) -> Completion: ...
    async def open_stream(self, request: ChatRequest) -> ProviderStream: ...
    async def list_models(self) -> list[str]: ...
    async def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], Usage]: ...


class NoEmbeddings(ProviderError):
    """The connection's kind has no embeddings endpoint (the `similar` assertion needs one)."""

    status, code = 422, "provider_has_no_embeddings"


SdkClient = openai.AsyncOpenAI | anthropic.AsyncAnthropic
ClientKey = tuple[str, str, str, float, OutboundPolicy]


def outbound_policy(settings: Settings) -> OutboundPolicy:
    """Where provider base URLs may point (PF_ALLOW_PRIVATE_PROVIDER_URLS, PF_PROVIDER_ALLOWED_HOSTS)."""
    return OutboundPolicy.of(
        allow_private=settings.private_provider_urls_allowed,
        allowed_hosts=settings.provider_allowed_host_list,
    )


class _ClientCache(cachetools.LRUCache[ClientKey, SdkClient]):
    """The least recently used SDK clients; one pushed out is closed (its connection pool with it)."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        self._closing: set[asyncio.Task[None]] = set()

    def popitem(self) -> tuple[ClientKey, SdkClient]:
        key, client = super().popitem()
        task = asyncio.get_running_loop().create_task(client.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return key, client

    async def close(self) -> None:
        clients = list(self.values())
        self.clear()
        for client in clients:
            await client.close()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


class ProviderClients:
    """SDK clients reused across runs (their connection pools make the first token faster).

    Each sends through its own guarded outbound client; a client is keyed by everything it was
    built from, so a changed URL, key, timeout or outbound policy gets a new one.
    """

    def __init__(self, size: int = CLIENT_POOL_SIZE) -> None:
        # The SDKs import their resource modules on the first call: ~100 ms that would otherwise
        # stall the event loop of whatever makes that call (an evaluation's first cells).
        for module in SDK_LAZY_MODULES:
            importlib.import_module(module)
        self._clients = _ClientCache(size)

    @staticmethod
    def _key(connection: Connection, timeout: float, policy: OutboundPolicy) -> ClientKey:
        digest = hashlib.sha256((connection.api_key or "").encode()).hexdigest()
        return (connection.kind, connection.base_url or "", digest, timeout, policy)

    def openai(self, connection: Connection, timeout: float, policy: OutboundPolicy) -> openai.AsyncOpenAI:
        key = self._key(connection, timeout, policy)
        client = self._clients.get(key)
        if isinstance(client, openai.AsyncOpenAI):
            return client
        created = openai.AsyncOpenAI(
            # local servers (Ollama, vLLM) take any key; the SDK insists on one
            api_key=connection.api_key or "not-needed",
            base_url=connection.base_url or DEFAULT_BASE_URLS["openai"],
            timeout=timeout,
            max_retries=0,  # providers/retries.py
            http_client=guarded_async_client(policy, timeout=timeout),
        )
        self._clients[key] = created
        return created

    def anthropic(
        self, connection: Connection, timeout: float, policy: OutboundPolicy
    ) -> anthropic.AsyncAnthropic:
        key = self._key(connection, timeout, policy)
        client = self._clients.get(key)
        if isinstance(client, anthropic.AsyncAnthropic):
            return client
        created = anthropic.AsyncAnthropic(
            api_key=connection.api_key or "not-needed",
            base_url=connection.base_url or DEFAULT_BASE_URLS["anthropic"],
            timeout=timeout,
            max_retries=0,  # providers/retries.py
            http_client=guarded_async_client(policy, timeout=timeout),
        )
        self._clients[key] = created
        return created

    async def close(self) -> None:
        """Close every pooled client (at shutdown)."""
        await self._clients.close()


# --------------------------------------------------------------------------- echo


def echo_text(messages: list[dict[str, str]], kind: str) -> str:
    """What the echo provider answers: the rendered text, or the messages one block per role."""
    if kind == "text":
        return messages[0]["content"]
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)


def estimate_tokens(text: str) -> int:
    """About four characters per token: echo's usage is an estimate, and costs nothing."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


class EchoAdapter:
    """Returns the rendered input without calling any model (for trying templates for free)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def _answer(self, request: ChatRequest) -> tuple[str, Usage]:
        text = echo_text(request.messages, self.kind)
        prompt = "".join(m["content"] for m in request.messages)
        return text, Usage(estimate_tokens(prompt), estimate_tokens(text))

    async def complete(self, request: ChatRequest) -> Completion:
        text, usage = self._answer(request)
        return Completion(text, usage)

    async def open_stream(self, request: ChatRequest) -> ProviderStream:
        text, usage = self._answer(request)

        async def items() -> AsyncIterator[StreamItem]:
            for piece in re.findall(r"\s*\S+\s*|\s+", text):
                yield piece
            yield usage

        async def close() -> None:
            return None

        return ProviderStream(
            items(), close, lambda exc: map_provider_error(exc, provider="echo", model=None, secret=None)
        )

    async def list_models(self) -> list[str]:
        return [ECHO_MODEL]

    async def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], Usage]:
        raise NoEmbeddings(
            "The echo provider has no embeddings endpoint: use an OpenAI or OpenAI-compatible connection."
        )


# --------------------------------------------------------------------------- OpenAI and compatible


class OpenAIAdapter:
    """Chat completions on OpenAI or any server speaking its protocol (Ollama, vLLM, LM Studio, ...)."""

    def __init__(self, connection: Connection, client: openai.AsyncOpenAI, policy: RetryPolicy) -> None:
        self.connection = connection
        self.client = client
        self.policy = policy

    def error_mapper(self, model: str | None) -> Callable[[Exception], ProviderError]:
        name = self.connection.name
        secret = self.connection.api_key
        return lambda exc: map_provider_error(exc, provider=name, model=model, secret=secret)

    def arguments(self, request: ChatRequest) -> dict[str, Any]:
        args: dict[str, Any] = {"model": request.model, "messages": request.messages}
        params = request.params
        for name in ("temperature", "top_p", "seed", "response_format"):
            if params.get(name) is not None:
                args[name] = params[name]
        if params.get("stop") is not None:
            args["stop"] = params["stop"]
        if params.get("max_tokens") is not None:
            # OpenAI's newer models only take max_completion_tokens; compatible servers know max_tokens
            field_name = "max_completion_tokens" if self.connection.kind == "openai" else "max_tokens"
            args[field_name] = params["max_tokens"]
        return args

    async def complete(self, request: ChatRequest) -> Completion:
        args = self.arguments(request)

        async def call() -> object:
            return await self.client.chat.completions.create(**args)

        response = await call_with_retries(call, self.policy, self.error_mapper(request.model))
        return answers.openai_completion(response, self.connection.name)

    async def open_stream(self, request: ChatRequest) -> ProviderStream:
        args = self.arguments(request)

        async def call() -> openai.AsyncStream[Any]:
            stream: openai.AsyncStream[Any] = await self.client.chat.completions.create(
                **args, stream=True, stream_options={"include_usage": True}
            )
            await answers.check_event_stream(stream, self.connection.name)
            return stream

        stream = await call_with_retries(call, self.policy, self.error_mapper(request.model))
        items = answers.openai_stream_items(stream, self.connection.name)
        return ProviderStream(items, stream.close, self.error_mapper(request.model))

    async def list_models(self) -> list[str]:
        async def page(after: str | None) -> bytes:
            return (await self.client.models.with_raw_response.list()).content  # one page, no cursor

        async def call() -> list[str]:
            return await answers.model_ids(page, self.connection.name)

        return await call_with_retries(call, self.policy, self.error_mapper(None))

    async def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], Usage]:
        """Embeddings of `texts` (one vector each, in order) and the input tokens they took."""

        async def call() -> object:
            # floats, not the SDK's default base64: OpenAI-compatible servers do not all speak it
            return await self.client.embeddings.create(model=model, input=texts, encoding_format="float")

        response = await call_with_retries(call, self.policy, self.error_mapper(model))
        return answers.openai_embeddings(response, self.connection.name, len(texts))


# --------------------------------------------------------------------------- Anthropic


class AnthropicAdapter:
    """The Messages API: system messages go to `system`, max_tokens is required."""

    def __init__(self, connection: Connection, client: anthropic.AsyncAnthropic, policy: RetryPolicy) -> None:
        self.connection = connection
        self.client = client
        self.policy = policy

    def _map(self, model: str | None) -> Callable[[Exception], ProviderError]:
        name = self.connection.name
        secret = self.connection.api_key
        return lambda exc: map_provider_error(exc, provider=name, model=model, secret=secret)

    @staticmethod
    def _arguments(request: ChatRequest) -> dict[str, Any]:
        system = "\n\n".join(m["content"] for m in request.messages if m["role"] == "system")
        messages = [m for m in request.messages if m["role"] != "system"]
        if not messages:
            raise Unprocessable.field(
                ["body", "template"], "Anthropic needs at least one user message besides the system prompt."
            )
        params = request.params
        args: dict[str, Any] = {
            "model": request.model,
            "messages": messages,
            "max_tokens": params.get("max_tokens") or ANTHROPIC_DEFAULT_MAX_TOKENS,
        }
        if system:
            args["system"] = system
        # newer SDK releases dropped these from the method signature; the API still takes them
        sampling = {name: params[name] for name in ("temperature", "top_p") if params.get(name) is not None}
        if sampling:
            args["extra_body"] = sampling
        stop = params.get("stop")
        if stop is not None:
            args["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
        # `seed` has no Anthropic equivalent and is left out (docs/providers.md)
        response_format = params.get("response_format")
        if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
            spec = response_format.get("json_schema") or {}
            schema = spec.get("schema") if isinstance(spec, dict) else None
            if not isinstance(schema, dict):
                raise Unprocessable.field(
                    ["body", "params", "response_format"], "json_schema needs a `schema` object."
                )
            args["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        elif isinstance(response_format, dict) and response_format.get("type") == "json_object":
            raise Unprocessable.field(
                ["body", "params", "response_format"],
                "Anthropic has no schema-less JSON mode: use {type: json_schema, json_schema: {schema}}.",
            )
        return args

    async def complete(self, request: ChatRequest) -> Completion:
        args = self._arguments(request)

        async def call() -> object:
            return await self.client.messages.create(**args)

        response = await call_with_retries(call, self.policy, self._map(request.model))
        return answers.anthropic_completion(response, self.connection.name)

    async def open_stream(self, request: ChatRequest) -> ProviderStream:
        args = self._arguments(request)

        async def call() -> anthropic.AsyncStream[Any]:
            stream: anthropic.AsyncStream[Any] = await self.client.messages.create(**args, stream=True)
            await answers.check_event_stream(stream, self.connection.name)
            return stream

        stream = await call_with_retries(call, self.policy, self._map(request.model))
        items = answers.anthropic_stream_items(stream, self.connection.name)
        return ProviderStream(items, stream.close, self._map(request.model))

    async def list_models(self) -> list[str]:
        async def page(after: str | None) -> bytes:
            cursor: dict[str, Any] = {"after_id": after} if after else {}
            return await (await self.client.models.with_raw_response.list(limit=100, **cursor)).read()

        async def call() -> list[str]:
            return await answers.model_ids(page, self.connection.name)

        return await call_with_retries(call, self.policy, self._map(None))

    async def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], Usage]:
        raise NoEmbeddings(
            f"{self.connection.name} is an Anthropic connection, which has no embeddings endpoint: "
            "use an OpenAI or OpenAI-compatible connection for `similar`."
        )


def adapter_for(
    connection: Connection, clients: ProviderClients, settings: Settings, *, prompt_kind: str = "chat"
) -> Adapter:
    """The adapter of a connection's kind, with a pooled SDK client."""
    retries = RetryPolicy.from_settings(settings)
    timeout = settings.provider_timeout_seconds
    if connection.kind == "echo":
        return EchoAdapter(prompt_kind)
    destinations = outbound_policy(settings)
    if connection.kind == "anthropic":
        return AnthropicAdapter(connection, clients.anthropic(connection, timeout, destinations), retries)
    return OpenAIAdapter(connection, clients.openai(connection, timeout, destinations), retries)


def as_messages(kind: str, text: str | None, messages: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """A rendered prompt as chat messages: a text prompt is one user message."""
    if kind == "text":
        return [{"role": "user", "content": text or ""}]
    return [
        {"role": str(m["role"]), "content": str(m["content"])} for m in cast(list[dict[str, Any]], messages)
    ]
