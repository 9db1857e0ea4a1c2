"""Provider failures as problem+json: what the SDKs raise, mapped to clear codes (docs/providers.md).

A provider's 401 must not reach the browser as a 401: the SPA would take it for an expired
session. An upstream body is never passed on: at most the `error.message` string of a JSON
error body, for a rejected request or an error mid-stream, as a short reason on one line,
without control characters and scrubbed of the key (OpenAI echoes part of it).
"""

from __future__ import annotations

import email.utils
import math
import time
import unicodedata
from typing import Any

import anthropic
import httpx2
import openai

from promptforge.core.errors import AppError
from promptforge.core.outbound import CrossOriginRedirect, ForbiddenDestination, ResponseTooLarge

MAX_REASON = 200
MAX_RETRY_AFTER = 24 * 60 * 60.0


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


class ProviderBadResponse(ProviderError):
    """The provider answered, but not in its protocol (an HTML page, broken JSON, another shape)."""

    status, code = 502, "provider_bad_response"


class ProviderUrlForbidden(ProviderError):
    """The connection's base URL points where this server must not connect (core/outbound.py)."""

    status, code = 422, "provider_url_forbidden"


class ProviderRedirectRefused(ProviderError):
    status, code = 502, "provider_redirect_refused"


_STATUS_ERRORS = (openai.APIStatusError, anthropic.APIStatusError)
_TIMEOUTS = (openai.APITimeoutError, anthropic.APITimeoutError)
_CONNECTION_ERRORS = (openai.APIConnectionError, anthropic.APIConnectionError)
# An answer that cannot be read: the SDKs parse bodies and stream events with json.loads, which
# raises ValueError (JSONDecodeError, UnicodeDecodeError) or, for deeply nested JSON, RecursionError.
_UNREADABLE = (
    openai.APIResponseValidationError,
    anthropic.APIResponseValidationError,
    ValueError,
    RecursionError,
)
# What a provider call may raise: the SDKs' errors, an answer that cannot be parsed, and the HTTP
# client's own errors (Anthropic's SDK lets them through while a stream is read).
SDK_ERRORS: tuple[type[Exception], ...] = (
    openai.OpenAIError,
    anthropic.AnthropicError,
    ValueError,
    RecursionError,
    httpx2.RequestError,
)


def scrub(message: str, secret: str | None) -> str:
    """A provider's reason safe to show: printable, on one line, without the API key, truncated."""
    if secret and len(secret) >= 4:
        message = message.replace(secret, "***")
    printable = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in message)
    message = " ".join(printable.split())
    return message if len(message) <= MAX_REASON else message[: MAX_REASON - 1] + "…"


def retry_after_seconds(headers: Any) -> float | None:
    """`retry-after-ms`, `retry-after` in seconds, or `retry-after` as an HTTP date; at most a day."""
    try:
        ms = headers.get("retry-after-ms")
        if ms:
            seconds = float(ms) / 1000
        else:
            value = headers.get("retry-after")
            if not value:
                return None
            try:
                seconds = float(value)
            except ValueError:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None
    if not math.isfinite(seconds):  # "inf" and "nan" parse as floats
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def _reason(exc: Exception, secret: str | None) -> str | None:
    """The `error.message` string of a JSON error body, made safe; None for any other body."""
    body = getattr(exc, "body", None)
    if not isinstance(body, dict):
        return None
    inner = body.get("error", body)
    message = inner.get("message") if isinstance(inner, dict) else None
    if not isinstance(message, str):
        return None
    return scrub(message, secret) or None


def _with_reason(text: str, reason: str | None) -> str:
    return f"{text}: {reason}" if reason else f"{text}."


def _transport_failure(exc: Exception, provider: str) -> ProviderError | None:
    """The problem for a refused destination, an oversized answer or a broken connection, if any.

    The SDKs wrap the HTTP client's errors (`__cause__`); a stream may also raise them unwrapped.
    """
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, httpx2.RequestError):
        cause = cause.__cause__
    if isinstance(cause, CrossOriginRedirect):
        return ProviderRedirectRefused(
            f"The provider answered with a redirect that is not followed: {cause.reason}."
        )
    if isinstance(cause, ForbiddenDestination):
        return ProviderUrlForbidden(
            f"This server does not connect to the connection's base URL: {cause.reason}. An admin can "
            "change the base URL, or allow the host with PF_PROVIDER_ALLOWED_HOSTS."
        )
    if isinstance(cause, ResponseTooLarge):
        return ProviderBadResponse(f"{provider} sent an answer larger than this server accepts.")
    if isinstance(cause, httpx2.TimeoutException):
        return ProviderTimeout(f"{provider} did not answer in time.")
    if isinstance(cause, httpx2.RequestError):
        return ProviderUnavailable(f"{provider} cannot be reached, or the connection broke.")
    return None


def map_provider_error(
    exc: Exception, *, provider: str, model: str | None, secret: str | None
) -> ProviderError:
    """The problem a client sees for an SDK exception (never the upstream body)."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, _TIMEOUTS):
        return ProviderTimeout(f"{provider} did not answer in time.")
    if isinstance(exc, (*_CONNECTION_ERRORS, httpx2.RequestError)):
        return _transport_failure(exc, provider) or ProviderUnavailable(f"{provider} cannot be reached.")
    if isinstance(exc, _UNREADABLE):
        return ProviderBadResponse(f"{provider} answered with something that is not its API's format.")
    if isinstance(exc, _STATUS_ERRORS) and exc.status_code >= 400:
        status = exc.status_code
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
                _with_reason(f"{provider} rejected the request (HTTP {status})", _reason(exc, secret))
            )
        if status == 408:
            return ProviderTimeout(f"{provider} did not answer in time.")
        return ProviderUnavailable(f"{provider} failed (HTTP {status}).")
    if isinstance(exc, openai.APIError | anthropic.APIError):  # an error event in the middle of a stream
        return ProviderUnavailable(_with_reason(f"{provider} failed mid-answer", _reason(exc, secret)))
    return ProviderUnavailable(f"{provider} failed ({type(exc).__name__}).")
