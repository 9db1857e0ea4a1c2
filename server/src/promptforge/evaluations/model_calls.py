"""Provider calls of an evaluation: the variants' answers, the judges and the embeddings.

One EvalModelCalls serves one evaluation run in one process. The evaluation's concurrency is
`limiter`, held only while a request is actually in flight: a call that is backing off (a 429
waiting out its Retry-After, a 5xx waiting to retry) gives its slot to another. Rate limits do not
fail an item: they are waited out for up to PF_EVAL_RATE_LIMIT_MAX_WAIT_SECONDS per call. 5xx and
connection failures follow the usual retry policy (PF_PROVIDER_*); any other failure is raised as
a ProviderError for the caller to record on the item.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from promptforge.core.errors import AppError
from promptforge.core.resources import Resources
from promptforge.evaluations.assertions.spec import ProviderRef
from promptforge.providers.adapters import Adapter, adapter_for
from promptforge.providers.calls import ChatRequest, Connection
from promptforge.providers.errors import ProviderError, ProviderRateLimited
from promptforge.providers.models import ProviderConnection
from promptforge.providers.pricing import Price, cost_usd, price_for
from promptforge.providers.retries import RetryPolicy
from promptforge.providers.service import connection_of

T = TypeVar("T")
# a 429 that says "retry at once" is still waited for a moment, so it cannot spin
MIN_RATE_LIMIT_WAIT_SECONDS = 0.25


class EvalProviderNotFound(ProviderError):
    """The evaluation names a provider connection that is not (or no longer) in its project."""

    status, code = 422, "provider_not_found"


@dataclass
class ModelAnswer:
    text: str
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    latency_ms: int  # the successful request's time in flight, waits for rate limits excluded


@dataclass
class EmbeddingAnswer:
    vectors: list[list[float]]
    cost_usd: float | None


@dataclass(frozen=True)
class _Loaded:
    connection: Connection
    pricing: dict[str, Any]

    def price(self, model: str) -> Price | None:
        if self.connection.kind == "echo":
            return Price(0.0, 0.0)
        return price_for(model, self.pricing)


class EvalModelCalls:
    """Chat completions and embeddings on the project's provider connections, under one limiter."""

    def __init__(self, resources: Resources, project_id: uuid.UUID, limiter: asyncio.Semaphore) -> None:
        self._resources = resources
        self._project_id = project_id
        self._limiter = limiter
        self._policy = RetryPolicy.from_settings(resources.settings)
        # the adapters make one attempt each: waits between attempts happen here, without the limiter
        self._one_attempt = resources.settings.model_copy(update={"provider_max_attempts": 1})
        self._loaded: dict[uuid.UUID, _Loaded | AppError] = {}
        self._loading = asyncio.Lock()

    async def _connection(self, provider_id: uuid.UUID) -> _Loaded:
        """The connection, loaded (and its key decrypted) once per evaluation run."""
        found = self._loaded.get(provider_id)
        if found is None:
            async with self._loading:
                found = self._loaded.get(provider_id)
                if found is None:
                    found = await self._load(provider_id)
                    self._loaded[provider_id] = found
        if isinstance(found, AppError):
            raise found
        return found

    async def _load(self, provider_id: uuid.UUID) -> _Loaded | AppError:
        async with self._resources.sessionmaker() as session:
            row = await session.get(ProviderConnection, provider_id)
            if row is None or row.project_id != self._project_id:
                return EvalProviderNotFound(f"Provider connection {provider_id} not found in this project.")
            try:
                connection = connection_of(row, self._resources.secret_box)
            except AppError as exc:
                return exc
            return _Loaded(connection, dict(row.pricing or {}))

    def _adapter(self, loaded: _Loaded) -> Adapter:
        clients = self._resources.provider_clients
        return adapter_for(loaded.connection, clients, self._one_attempt, prompt_kind="chat")

    def _backoff(self, attempt: int) -> float:
        base = self._policy.base_seconds
        backoff: float = min(self._policy.max_wait_seconds, base * 2.0 ** (attempt - 1))
        return backoff + random.uniform(0, base)  # noqa: S311 (jitter, not a secret)

    async def _in_flight(self, call: Callable[[], Awaitable[T]]) -> tuple[T, int]:
        """Run `call` holding a slot of the limiter; back off and retry as the module docstring says."""
        budget = self._resources.settings.eval_rate_limit_max_wait_seconds
        rate_waited = 0.0
        rate_limits = failures = 0
        while True:
            try:
                async with self._limiter:
                    started = time.perf_counter()
                    result = await call()
                    return result, round((time.perf_counter() - started) * 1000)
            except ProviderRateLimited as exc:
                rate_limits += 1
                wait = exc.retry_after if exc.retry_after is not None else self._backoff(rate_limits)
                wait = max(wait, MIN_RATE_LIMIT_WAIT_SECONDS)
                if rate_waited + wait > budget:
                    raise
                rate_waited += wait
            except ProviderError as exc:
                failures += 1
                if not exc.retryable or failures >= self._policy.attempts:
                    raise
                wait = self._backoff(failures)
            await asyncio.sleep(wait)

    async def complete(
        self, ref: ProviderRef, messages: list[dict[str, str]], params: dict[str, Any] | None = None
    ) -> ModelAnswer:
        """One chat completion (the whole answer); ProviderError when it cannot be had."""
        loaded = await self._connection(ref.provider_id)
        adapter = self._adapter(loaded)
        request = ChatRequest(model=ref.model, messages=messages, params=dict(params or {}))
        completion, latency_ms = await self._in_flight(lambda: adapter.complete(request))
        usage = completion.usage
        return ModelAnswer(
            text=completion.text,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=cost_usd(loaded.price(ref.model), usage.input_tokens, usage.output_tokens),
            latency_ms=latency_ms,
        )

    async def embed(self, ref: ProviderRef, texts: list[str]) -> EmbeddingAnswer:
        """Embeddings of `texts`, in order; ProviderError for a connection without embeddings."""
        loaded = await self._connection(ref.provider_id)
        adapter = self._adapter(loaded)
        (vectors, usage), _ = await self._in_flight(lambda: adapter.embed(ref.model, texts))
        return EmbeddingAnswer(vectors, cost_usd(loaded.price(ref.model), usage.input_tokens, 0))
