"""Reading what a provider answered: only the fields we use, each checked for its type and range.

The SDKs do not validate answers (an HTML page comes back as a string, a JSON object of another
shape as a half-empty model), and a base URL can point at any server. Whatever arrives, a run
ends with a clear `provider_bad_response` (502) instead of an AttributeError (500), and token
counts that would not fit their columns are dropped rather than stored.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import anthropic
import openai
from anthropic.types import Message
from openai.types import CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from promptforge.providers.calls import Completion, StreamItem, Usage
from promptforge.providers.errors import ProviderBadResponse

MAX_TOKEN_COUNT = 2**31 - 1  # the run's token columns are 32-bit integers
MAX_MODEL_PAGES = 20
MAX_MODEL_ID = 200
MAX_EMBEDDING_DIMENSIONS = 65_536


def bad_response(provider: str, what: str) -> ProviderBadResponse:
    """The error for an answer outside the provider's protocol."""
    return ProviderBadResponse(f"{provider} answered with something that is not its API's format ({what}).")


def _field(value: object, *names: str) -> object:
    """`value.a.b...`, or None where a step is missing (the SDKs build models without validating)."""
    for name in names:
        if value is None:
            return None
        value = getattr(value, name, None)
    return value


def token_count(value: object) -> int | None:
    """A token count as reported, or None when it is not a plausible count."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOKEN_COUNT:
        return value
    return None


def _text(value: object, provider: str, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_response(provider, what)
    return value


async def check_event_stream(
    stream: openai.AsyncStream[Any] | anthropic.AsyncStream[Any], provider: str
) -> None:
    """Refuse (and close) a stream whose answer is not server-sent events, e.g. an HTML page."""
    content_type = stream.response.headers.get("content-type", "")
    if "text/event-stream" not in content_type.lower():
        await stream.close()
        raise bad_response(provider, "a stream request answered without server-sent events")


def openai_completion(response: object, provider: str) -> Completion:
    """The text and usage of a chat completion."""
    choices = _field(response, "choices")
    if not isinstance(response, ChatCompletion) or not isinstance(choices, list):
        raise bad_response(provider, "no chat completion")
    text = _text(_field(choices[0], "message", "content"), provider, "message content") if choices else ""
    usage = _field(response, "usage")
    return Completion(
        text,
        Usage(token_count(_field(usage, "prompt_tokens")), token_count(_field(usage, "completion_tokens"))),
    )


async def openai_stream_items(stream: AsyncIterator[object], provider: str) -> AsyncIterator[StreamItem]:
    """Text deltas of a chat completion stream, then its usage (when the server reports it)."""
    usage = Usage(None, None)
    chunks = 0
    async for chunk in stream:
        choices = _field(chunk, "choices")
        if not isinstance(chunk, ChatCompletionChunk) or not isinstance(choices, list):
            raise bad_response(provider, "a stream chunk without choices")
        chunks += 1
        if choices:
            content = _text(_field(choices[0], "delta", "content"), provider, "delta content")
            if content:
                yield content
        reported = _field(chunk, "usage")
        if reported is not None:
            usage = Usage(
                token_count(_field(reported, "prompt_tokens")),
                token_count(_field(reported, "completion_tokens")),
            )
    if chunks == 0:
        raise bad_response(provider, "an empty stream")
    yield usage


def openai_embeddings(response: object, provider: str, count: int) -> tuple[list[list[float]], Usage]:
    """One vector per input, in input order, all of one size, and the usage (input tokens only)."""
    data = _field(response, "data")
    if not isinstance(response, CreateEmbeddingResponse) or not isinstance(data, list) or len(data) != count:
        raise bad_response(provider, "no embedding for every input")
    vectors: list[list[float] | None] = [None] * count
    for item in data:
        index, vector = _field(item, "index"), _field(item, "embedding")
        valid_index = isinstance(index, int) and not isinstance(index, bool) and 0 <= index < count
        if not valid_index or not isinstance(vector, list) or not 0 < len(vector) <= MAX_EMBEDDING_DIMENSIONS:
            raise bad_response(provider, "an embedding without an index or a vector")
        if not all(type(x) in (int, float) and math.isfinite(x) for x in vector):
            raise bad_response(provider, "an embedding that is not a list of numbers")
        vectors[cast(int, index)] = [float(x) for x in vector]
    if any(v is None for v in vectors):
        raise bad_response(provider, "no embedding for every input")
    usage = _field(response, "usage")
    return cast(list[list[float]], vectors), Usage(token_count(_field(usage, "prompt_tokens")), 0)


def anthropic_completion(response: object, provider: str) -> Completion:
    """The text blocks and usage of a message."""
    content = _field(response, "content")
    if not isinstance(response, Message) or not isinstance(content, list):
        raise bad_response(provider, "no message")
    text = "".join(
        _text(_field(block, "text"), provider, "text block")
        for block in content
        if _field(block, "type") == "text"
    )
    usage = _field(response, "usage")
    return Completion(
        text, Usage(token_count(_field(usage, "input_tokens")), token_count(_field(usage, "output_tokens")))
    )


async def anthropic_stream_items(stream: AsyncIterator[object], provider: str) -> AsyncIterator[StreamItem]:
    """Text deltas of a message stream, then its usage; events of other types are skipped."""
    input_tokens: int | None = None
    output_tokens: int | None = None
    events = 0
    async for event in stream:
        kind = _field(event, "type")
        if not isinstance(kind, str):
            raise bad_response(provider, "a stream event without a type")
        events += 1
        if kind == "content_block_delta" and _field(event, "delta", "type") == "text_delta":
            text = _text(_field(event, "delta", "text"), provider, "text delta")
            if text:
                yield text
        elif kind == "message_start":
            input_tokens = token_count(_field(event, "message", "usage", "input_tokens"))
            output_tokens = token_count(_field(event, "message", "usage", "output_tokens"))
        elif kind == "message_delta":
            output_tokens = token_count(_field(event, "usage", "output_tokens"))  # cumulative
            input_tokens = token_count(_field(event, "usage", "input_tokens")) or input_tokens
    if events == 0:
        raise bad_response(provider, "an empty stream")
    yield Usage(input_tokens, output_tokens)


def _model_page(body: bytes, provider: str) -> tuple[list[str], str | None]:
    """The model ids of one page of a model list, and the id to continue after (when there is more)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        raise bad_response(provider, "a model list that is not JSON") from None
    items = document.get("data") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise bad_response(provider, "no model list")
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    if not all(isinstance(i, str) and 0 < len(i) <= MAX_MODEL_ID for i in ids):
        raise bad_response(provider, "a model without an id")
    last_id = document.get("last_id")
    more = document.get("has_more") is True and isinstance(last_id, str) and bool(items)
    return cast(list[str], ids), last_id if more else None


async def model_ids(fetch: Callable[[str | None], Awaitable[bytes]], provider: str) -> list[str]:
    """All model ids of a model list, fetching page after page (a bounded number of them).

    The list is read from the raw body: the SDKs' page parsers fail on an answer of another shape.
    """
    ids: list[str] = []
    after: str | None = None
    for _ in range(MAX_MODEL_PAGES):
        page, after = _model_page(await fetch(after), provider)
        ids.extend(page)
        if after is None:
            break
    return sorted(ids)
