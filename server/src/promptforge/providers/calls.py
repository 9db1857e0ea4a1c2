"""The provider-neutral shapes of a call: the connection, the request, and what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ProviderKind = Literal["openai", "anthropic", "openai_compatible", "echo"]


@dataclass(frozen=True)
class Connection:
    """What an adapter needs from a provider connection; the key is plaintext here, never logged."""

    kind: ProviderKind
    name: str
    base_url: str | None
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: list[dict[str, str]]
    params: dict[str, Any]


@dataclass(frozen=True)
class Usage:
    input_tokens: int | None
    output_tokens: int | None


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage


# A stream yields text deltas, then one Usage.
StreamItem = str | Usage
