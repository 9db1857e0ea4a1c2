"""Request and response bodies of provider connections (the API key goes in, only its last 4 come out)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, SecretStr, WithJsonSchema

from promptforge.core.outbound import check_url
from promptforge.core.schemas import Schema
from promptforge.providers.calls import ProviderKind

PROVIDER_NAME = r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$"
ModelName = Annotated[str, Field(min_length=1, max_length=200)]


def _http_url(value: str | None) -> str | None:
    """An http(s) URL without credentials, parsed as the outbound client will parse it."""
    if value is None:
        return None
    check_url(value)
    return value.rstrip("/")


BaseUrl = Annotated[str | None, Field(default=None, max_length=500), AfterValidator(_http_url)]
MAX_API_KEY = 4096
API_KEY_PATTERN = r"^[!-~]+$"  # printable ASCII without whitespace: it travels in an HTTP header


def _header_safe_key(value: SecretStr | None) -> SecretStr | None:
    """A key that can be sent as a header value: no NUL, CR/LF, spaces, non-ASCII or lone surrogates."""
    if value is not None and not re.fullmatch(API_KEY_PATTERN, value.get_secret_value()):
        raise ValueError("must be printable ASCII characters without spaces")
    return value


# Documented as a plain nullable string: generators drop a writeOnly string inside anyOf.
ApiKey = Annotated[
    SecretStr | None,
    Field(default=None, min_length=1, max_length=MAX_API_KEY),
    AfterValidator(_header_safe_key),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_API_KEY,
                    "pattern": API_KEY_PATTERN,
                    "format": "password",
                },
                {"type": "null"},
            ]
        }
    ),
]


class ModelPrice(Schema):
    """USD per 1M tokens."""

    input: float = Field(ge=0, le=10_000)
    output: float = Field(ge=0, le=10_000)


class ProviderCreate(Schema):
    name: str = Field(pattern=PROVIDER_NAME)
    kind: ProviderKind
    base_url: BaseUrl = Field(
        default=None,
        description="Required for openai_compatible (e.g. http://localhost:11434/v1 for Ollama); "
        "defaults to the official API for openai and anthropic. No credentials in the URL (use api_key); "
        "in production, private, loopback and link-local addresses are refused unless allowed.",
    )
    api_key: ApiKey = Field(
        default=None, description="Stored encrypted; only its last 4 characters are shown."
    )
    default_model: ModelName | None = None
    models: list[ModelName] = Field(default_factory=list, max_length=200)
    pricing: dict[ModelName, ModelPrice] = Field(
        default_factory=dict, max_length=200, description="Per-model price overrides (USD per 1M tokens)."
    )


class ProviderUpdate(Schema):
    """Only the fields sent change; `"api_key": null` removes the key.

    A stored key is never sent to a new URL: changing `base_url` needs `api_key` in the same
    request (422 `api_key_required`), except for openai_compatible, whose key is then removed.
    """

    name: str | None = Field(default=None, pattern=PROVIDER_NAME)
    base_url: BaseUrl = None
    api_key: ApiKey = None
    default_model: ModelName | None = None
    models: list[ModelName] | None = Field(default=None, max_length=200)
    pricing: dict[ModelName, ModelPrice] | None = Field(default=None, max_length=200)


class Provider(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    kind: ProviderKind
    label: str = Field(description='How to show the kind, e.g. "echo (no model call)".')
    base_url: str | None
    api_key_last4: str | None = Field(description="The last 4 characters of the stored key, if any.")
    default_model: str | None
    models: list[str]
    pricing: dict[str, ModelPrice]
    created_at: datetime
    updated_at: datetime


class RunProvider(Schema):
    """A provider as members see it when they pick one for a run (no URL, no key)."""

    id: uuid.UUID
    name: str
    kind: ProviderKind
    label: str
    default_model: str | None
    models: list[str]


class ErrorInfo(Schema):
    code: str
    message: str


class ProviderTestResult(Schema):
    ok: bool
    models: list[str] | None = Field(description="Models the provider lists (None when it cannot list them).")
    latency_ms: int
    error: ErrorInfo | None = None
