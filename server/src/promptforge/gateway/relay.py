"""Calling the provider for the gateway and answering in OpenAI's format.

OpenAI-protocol connections (`openai`, `openai_compatible`) get the request passed through
(tools, tool_choice, response_format and any other field as the caller sent them) and their
answer relayed as it came: the JSON body unchanged, stream chunks re-serialized one by one.
Anthropic and echo connections go through their adapters (text in, text out) and the answer is
written in OpenAI's shape; fields only OpenAI's protocol knows (tools, ...) are refused there.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import openai

from promptforge.core.errors import Unprocessable
from promptforge.gateway.service import GatewayCall
from promptforge.providers import answers
from promptforge.providers.adapters import OpenAIAdapter
from promptforge.providers.calls import ChatRequest, Usage
from promptforge.providers.errors import SDK_ERRORS
from promptforge.providers.retries import call_with_retries

CHAT_PATH = "/chat/completions"


@dataclass(frozen=True)
class Answer:
    """A whole answer: the body sent to the caller, and what the run stores."""

    body: bytes
    output: str
    usage: Usage


@dataclass(frozen=True)
class Piece:
    """One stream chunk: `data` for the caller (None: not relayed), text and usage for the run."""

    data: bytes | None
    text: str = ""
    usage: Usage | None = None


class PieceStream:
    """The provider's stream as pieces; `close` stops the provider generating."""

    def __init__(self, pieces: AsyncIterator[Piece], close: Callable[[], Awaitable[None]]) -> None:
        self.pieces = pieces
        self.close = close


def _request(call: GatewayCall, messages: list[dict[str, Any]]) -> ChatRequest:
    return ChatRequest(model=call.model, messages=messages, params=call.params)


def _tool_output(tool_calls: Any) -> str:
    """What a run stores as output when the model answered with tool calls only."""
    return json.dumps(tool_calls, ensure_ascii=False) if tool_calls else ""


# --------------------------------------------------------------------------- OpenAI protocol


def _openai_body(adapter: OpenAIAdapter, call: GatewayCall) -> dict[str, Any]:
    """The request body: the adapter's arguments (model, messages, parameters) and the caller's
    other fields as given. Sent through the SDK's generic `post`: its typed `create` walks every
    message through its TypedDict transforms, which cost more than the rest of a gateway call."""
    body = adapter.arguments(_request(call, call.messages))
    return {**{k: v for k, v in call.passthrough.items() if k not in body}, **body}


def _read_completion(body: bytes, provider: str) -> tuple[str, Usage]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise answers.bad_response(provider, "a completion that is not JSON") from None
    choices = document.get("choices") if isinstance(document, dict) else None
    if not isinstance(choices, list):
        raise answers.bad_response(provider, "no chat completion")
    message = choices[0].get("message") if choices and isinstance(choices[0], dict) else None
    message = message if isinstance(message, dict) else {}
    content = message.get("content")
    output = content if isinstance(content, str) else _tool_output(message.get("tool_calls"))
    usage = document.get("usage") if isinstance(document.get("usage"), dict) else {}
    return output, Usage(
        answers.token_count(usage.get("prompt_tokens")), answers.token_count(usage.get("completion_tokens"))
    )


async def _openai_complete(adapter: OpenAIAdapter, call: GatewayCall) -> Answer:
    body = _openai_body(adapter, call)

    async def send() -> bytes:
        return await adapter.client.post(CHAT_PATH, cast_to=bytes, body=body)

    answer = await call_with_retries(send, adapter.policy, adapter.error_mapper(call.model))
    output, usage = _read_completion(answer, adapter.connection.name)
    return Answer(answer, output, usage)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _chunk_text(choices: list[Any]) -> str:
    """The text a chunk adds: its content delta, or the arguments of the tool calls it streams."""
    delta = _dict(_dict(choices[0]).get("delta")) if choices else {}
    content = delta.get("content")
    if isinstance(content, str) and content:
        return content
    tool_calls = delta.get("tool_calls")
    if not isinstance(tool_calls, list):
        return ""
    arguments = (_dict(_dict(call).get("function")).get("arguments") for call in tool_calls)
    return "".join(a for a in arguments if isinstance(a, str))


async def _openai_pieces(
    stream: openai.AsyncStream[object], call: GatewayCall, provider: str
) -> AsyncIterator[Piece]:
    """Chunks as the provider sent them (plain JSON: relaying does not build SDK models)."""
    chunks = 0
    async for chunk in stream:
        if not isinstance(chunk, dict) or not isinstance(chunk.get("choices"), list):
            raise answers.bad_response(provider, "a stream chunk without choices")
        choices: list[Any] = chunk["choices"]
        chunks += 1
        reported = chunk.get("usage")
        usage = None
        if isinstance(reported, dict):
            usage = Usage(
                answers.token_count(reported.get("prompt_tokens")),
                answers.token_count(reported.get("completion_tokens")),
            )
        # usage arrives in a last chunk without choices; relayed only to callers who asked for it
        relay = bool(choices) or call.include_usage or usage is None
        data = json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode() if relay else None
        yield Piece(data, _chunk_text(choices), usage)
    if chunks == 0:
        raise answers.bad_response(provider, "an empty stream")


async def _openai_stream(adapter: OpenAIAdapter, call: GatewayCall) -> PieceStream:
    body = {**_openai_body(adapter, call), "stream": True, "stream_options": {"include_usage": True}}
    name = adapter.connection.name

    async def send() -> openai.AsyncStream[object]:
        stream: openai.AsyncStream[object] = await adapter.client.post(
            CHAT_PATH, cast_to=object, body=body, stream=True, stream_cls=openai.AsyncStream[object]
        )
        await answers.check_event_stream(stream, name)
        return stream

    mapper = adapter.error_mapper(call.model)
    stream = await call_with_retries(send, adapter.policy, mapper)

    async def pieces() -> AsyncIterator[Piece]:
        try:
            async for piece in _openai_pieces(stream, call, name):
                yield piece
        except SDK_ERRORS as exc:
            raise mapper(exc) from None

    return PieceStream(pieces(), stream.close)


# --------------------------------------------------------------------------- other providers


def _text_messages(call: GatewayCall) -> list[dict[str, str]]:
    """The conversation as plain text messages, for providers reached through their adapters."""
    kind = call.provider.kind
    for field_name in ("tools", "functions", "tool_choice", "function_call"):
        if field_name in call.passthrough:
            raise Unprocessable.field(
                ["body", field_name],
                f"`{field_name}` passes through to OpenAI-protocol connections only, not to {kind}.",
            )
    messages = []
    for index, message in enumerate(call.messages):
        role, content = message.get("role"), message.get("content")
        if role not in ("system", "user", "assistant") and not (role == "developer"):
            raise Unprocessable.field(
                ["body", "messages", index, "role"],
                f"A {kind} connection takes system, user and assistant messages only.",
            )
        if isinstance(content, list):  # content parts: their text
            content = "".join(p.get("text", "") for p in content if p.get("type") == "text")
        messages.append({"role": "system" if role == "developer" else str(role), "content": content or ""})
    return messages


def _completion_json(call: GatewayCall, text: str, usage: Usage) -> bytes:
    body: dict[str, Any] = {
        "id": f"chatcmpl-{call.run_id.hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": _usage_json(usage),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _usage_json(usage: Usage) -> dict[str, int] | None:
    if usage.input_tokens is None or usage.output_tokens is None:
        return None
    total = usage.input_tokens + usage.output_tokens
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": total,
    }


def _chunk(call: GatewayCall, delta: dict[str, Any], finish: str | None, usage: Usage | None = None) -> bytes:
    body: dict[str, Any] = {
        "id": f"chatcmpl-{call.run_id.hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": call.model,
        "choices": [] if usage is not None else [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        body["usage"] = _usage_json(usage)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


async def _adapter_stream(call: GatewayCall) -> PieceStream:
    stream = await call.adapter.open_stream(_request(call, _text_messages(call)))

    async def pieces() -> AsyncIterator[Piece]:
        yield Piece(_chunk(call, {"role": "assistant", "content": ""}, None))
        async for item in stream:
            if isinstance(item, Usage):
                yield Piece(_chunk(call, {}, "stop"))
                yield Piece(_chunk(call, {}, None, item) if call.include_usage else None, usage=item)
            else:
                yield Piece(_chunk(call, {"content": item}, None), item)

    return PieceStream(pieces(), stream.close)


# --------------------------------------------------------------------------- entry points


async def complete(call: GatewayCall) -> Answer:
    """Call the provider and return the whole answer in OpenAI's format."""
    if isinstance(call.adapter, OpenAIAdapter):
        return await _openai_complete(call.adapter, call)
    completion = await call.adapter.complete(_request(call, _text_messages(call)))
    return Answer(
        _completion_json(call, completion.text, completion.usage), completion.text, completion.usage
    )


async def open_stream(call: GatewayCall) -> PieceStream:
    """Open the provider's stream; failures before the first chunk are raised here."""
    if isinstance(call.adapter, OpenAIAdapter):
        return await _openai_stream(call.adapter, call)
    return await _adapter_stream(call)
