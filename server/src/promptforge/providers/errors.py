"""Provider failures as problem+json: what the SDKs raise, mapped to clear codes (docs/providers.md).

A provider's 401 must not reach the browser as a 401: the SPA would take it for an expired
session. The provider's own message is never passed on for credential errors (OpenAI echoes
part of the key), and any other message is scrubbed of the key and truncated.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import anthropic
import openai

from promptforge.core.errors import AppError

MAX_MESSAGE = 300


class ProviderError(AppError):
    """A provider call failed; `retryable` says whether trying again may help."""

    status, code = 502, "provider_unavailable"
    retryable = False

    def __init__(
        self,
        detail: str,
        *,
        retry_after: float | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after is not None else None
        super().__init__(detail, errors=errors, headers=headers)
        self.retry_after = retry_after


class ProviderAuthFailed(ProviderError):
    status, code = 424, "provider_auth_failed"


class ProviderModelNotFound(ProviderError):
    status, code = 422, "provider_model_not_found"


class ProviderBadRequest(ProviderError):
    status, code = 422, "provider_bad_request"


class ProviderRateLimited(ProviderError):
    status, code = 429, "provider_rate_limited"
    retryable = True


class ProviderUnavailable(ProviderError):
    status, code = 502, "provider_unavailable"
    retryable = True


class ProviderTimeout(ProviderError):
    status, code = 504, "provider_timeout"


_STATUS_ERRORS = (openai.APIStatusError, anthropic.APIStatusError)
_TIMEOUTS = (openai.APITimeoutError, anthropic.APITimeoutError)
_CONNECTION_ERRORS = (openai.APIConnectionError, anthropic.APIConnectionError)
SDK_ERRORS: tuple[type[Exception], ...] = (openai.OpenAIError, anthropic.AnthropicError)


def scrub(message: str, secret: str | None) -> str:
    """A provider message safe to show: without the API key, on one line, truncated."""
    if secret and len(secret) >= 4:
        message = message.replace(secret, "***")
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def retry_after_seconds(headers: Any) -> float | None:
    """`retry-after-ms`, `retry-after` in seconds, or `retry-after` as an HTTP date."""
    try:
        ms = headers.get("retry-after-ms")
        if ms:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            return max(0.0, parsed.timestamp() - time.time())
    except (TypeError, ValueError, AttributeError):
        return None


def _provider_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
    return str(getattr(exc, "message", "") or exc)


def map_provider_error(
    exc: Exception, *, provider: str, model: str | None, secret: str | None
) -> ProviderError:
    """The problem a client sees for an SDK exception."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, _TIMEOUTS):
        return ProviderTimeout(f"{provider} did not answer in time.")
    if isinstance(exc, _CONNECTION_ERRORS):
        return ProviderUnavailable(f"{provider} cannot be reached.")
    if isinstance(exc, _STATUS_ERRORS):
        status = exc.status_code
        if status < 400:  # an error event in the middle of a streamed answer
            message = scrub(_provider_message(exc), secret)
            return ProviderUnavailable(f"{provider} failed mid-answer: {message}")
        if status in (401, 403):
            return ProviderAuthFailed(
                f"{provider} refused the API key of this connection (HTTP {status}); "
                "an admin can update it in the provider settings."
            )
        if status == 404:
            what = f"model '{model}'" if model else "this request"
            return ProviderModelNotFound(
                f"{provider} does not know {what} (or the base URL is wrong).",
                errors=[
                    {"loc": ["body", "model"], "msg": f"unknown model at {provider}", "type": "not_found"}
                ],
            )
        if status == 429:
            wait = retry_after_seconds(exc.response.headers)
            return ProviderRateLimited(f"{provider} is rate limiting this connection.", retry_after=wait)
        if status in (400, 409, 413, 422):
            return ProviderBadRequest(
                f"{provider} rejected the request: {scrub(_provider_message(exc), secret)}"
            )
        if status == 408:
            return ProviderTimeout(f"{provider} did not answer in time.")
        return ProviderUnavailable(f"{provider} failed (HTTP {status}).")
    return ProviderUnavailable(f"{provider} failed: {scrub(str(exc), secret) or type(exc).__name__}.")
