"""Retrying provider calls with tenacity: 429 after its Retry-After, 5xx and connection failures
with exponential backoff and jitter, the same policy for every provider kind (PF_PROVIDER_*).

The SDKs' own retries are off: they wait up to 60 s for a Retry-After, while a run should fail
at once with the provider's Retry-After when it asks for more than PF_PROVIDER_RETRY_MAX_WAIT_SECONDS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from promptforge.core.config import Settings
from promptforge.providers.errors import SDK_ERRORS, ProviderError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a provider call is retried."""

    attempts: int = 3
    base_seconds: float = 0.5
    max_wait_seconds: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            settings.provider_max_attempts,
            settings.provider_retry_base_seconds,
            settings.provider_retry_max_wait_seconds,
        )

    def worth_retrying(self, exc: BaseException) -> bool:
        """Retryable failures, unless the provider asks to wait longer than we are willing to."""
        if not isinstance(exc, ProviderError) or not exc.retryable:
            return False
        return exc.retry_after is None or exc.retry_after <= self.max_wait_seconds

    def wait_seconds(self, state: RetryCallState) -> float:
        """The provider's Retry-After when it gave one, else exponential backoff with jitter."""
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, ProviderError) and exc.retry_after is not None:
            return exc.retry_after
        backoff = wait_exponential_jitter(
            multiplier=self.base_seconds, max=self.max_wait_seconds, jitter=self.base_seconds
        )
        return backoff(state)


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    mapper: Callable[[Exception], ProviderError],
) -> T:
    """Run `call`; SDK failures become ProviderErrors, retried as the policy says, the last one raised."""

    async def attempt() -> T:
        try:
            return await call()
        except SDK_ERRORS as exc:
            raise mapper(exc) from None

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=policy.wait_seconds,
        retry=retry_if_exception(policy.worth_retrying),
        reraise=True,
    )
    return await retrying(attempt)
