"""A local LLM provider for tests: a real HTTP server speaking the OpenAI chat-completions and the
Anthropic messages wire protocols (JSON and SSE streaming, usage, model lists), so provider
connections in tests go through the official SDKs to 127.0.0.1 and nothing leaves the machine.

Failure modes are chosen by the model name (a unique suffix keeps `-once` state per test):

    fail-401, fail-403, fail-404, fail-400  that status, every time
    missing-...                             404 unknown model
    fail-429-once-<x>                       429 (retry-after: 1) the first time, then success
    fail-429-always-<x>                     429 (retry-after: 60) every time
    fail-429-after-<value>-<x>              429 with retry-after: <value> every time
    fail-500-once-<x> / fail-500-always     500 the first time / every time
    slow-<n>ms-...                          waits n ms before answering
    drip-<n>ms-...                          streams 40 words, n ms apart
    midstream-error-...                     streams two words, then an error event
    cut-stream-...                          streams two words, then drops the connection
An API key containing "bad" is refused with 401 (and the message echoes the key, as OpenAI's does).

Embeddings (`POST /v1/embeddings`, OpenAI shape, `usage.prompt_tokens` = words): each text is a
hashed bag of its lowercase words in EMBEDDING_DIMENSIONS dimensions, normalized, so the same text
has cosine 1.0 and texts without a shared word about 0. The failure models above apply too.

A judge: a chat request whose system prompt starts with JUDGE_MARKER (promptfoo's llm-rubric
grading prompt) is answered with `{"reason", "pass", "score"}` read from its <Output> and <Rubric>:

    rubric "score=<x> ..."     that score; pass when it is at least 0.5
    any other rubric           pass (score 1) when the rubric's text appears in the output,
                               case-insensitively; else fail (score 0)
    model judge-invalid-...    an answer that is not JSON (the assertion is then an error)

Misbehaving servers are chosen by a path prefix in front of the normal paths (base URL
`{origin}/<mode>/v1` for OpenAI, `{origin}/<mode>` for Anthropic); bodies carry UPSTREAM_MARKER,
which must never reach a Prompt-Forge client:

    html            200 with an HTML page             not-json      200 "application/json" that is not JSON
    big             200 with 2 MB of bytes
    wrong-shape     200 with JSON of another shape    huge-usage    a valid answer with absurd token counts
    deep-json       200 JSON (or an SSE event) nested 100,000 levels deep
    bad-text        an OpenAI answer (JSON or SSE) whose text holds NUL and a lone surrogate
    error-html      400 with an HTML page             error-html-500  500 with an HTML page
    error-json      400 with a JSON error whose message is harmless and whose other fields are not
    redirect-away   307 to the same path on http://localhost:<port> (another host, same server)
    redirect-same   307 to the same path on this origin (followed)

In-flight accounting: `fake.in_flight` is the number of chat/messages/embeddings requests being
served right now (from the request's arrival until its last response byte, streams included) and
`fake.max_in_flight` the highest it has been since `fake.reset_in_flight()`.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from promptforge.core.config import Settings

MODELS_OPENAI = ["gpt-4o", "gpt-4o-mini", "fake-chat"]
UPSTREAM_MARKER = "UPSTREAM-BODY-7f3a9c"
MODELS_ANTHROPIC = ["claude-sonnet-4-5", "claude-haiku-4-5"]
DRIP_WORDS = 40
EMBEDDING_DIMENSIONS = 64
JUDGE_MARKER = "You are grading output according to a user-specified rubric."
_JUDGE_QUESTION = re.compile(r"<Output>\n(.*)\n</Output>\n<Rubric>\n(.*)\n</Rubric>", re.DOTALL)


@dataclass
class FakeLLM:
    """The running server: its base URLs and every request it received."""

    host: str = "127.0.0.1"
    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0

    def reset_in_flight(self) -> None:
        """Start a new high-water mark (the current in-flight count is kept: requests still run)."""
        with self.lock:
            self.max_in_flight = self.in_flight

    def _enter_flight(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave_flight(self) -> None:
        with self.lock:
            self.in_flight -= 1

    @property
    def openai_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def anthropic_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def misbehaving_url(self, kind: str, mode: str) -> str:
        """The base URL of a connection of `kind` that hits the misbehaving `mode` (see above)."""
        return f"http://{self.host}:{self.port}/{mode}" + ("" if kind == "anthropic" else "/v1")

    def calls(self, model: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if (r["json"] or {}).get("model") == model]

    def record(self, request: Request, body: dict[str, Any] | None) -> int:
        """Remember the request; returns how many times this model was asked before."""
        model = (body or {}).get("model", "")
        with self.lock:
            self.requests.append(
                {"path": request.url.path, "headers": dict(request.headers), "json": body, "at": time.time()}
            )
            seen = self.attempts[model]
            self.attempts[model] += 1
        return seen


def _reply(messages: list[dict[str, Any]], vendor: str) -> str:
    last = next((m for m in reversed(messages) if m.get("role") == "user"), {"content": ""})
    content = last.get("content")
    if isinstance(content, list):  # anthropic content blocks
        content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
    return f"Hello from fake {vendor}. You said: {content}"


def _judge(system: str, messages: list[dict[str, Any]], model: str) -> str | None:
    """The judge's answer when this is an llm-rubric grading request (see the module docstring)."""
    if not system.startswith(JUDGE_MARKER):
        return None
    if model.startswith("judge-invalid"):
        return "I think it passes, mostly."
    last = next((m for m in reversed(messages) if m.get("role") == "user"), {"content": ""})
    match = _JUDGE_QUESTION.search(str(last.get("content", "")))
    output, rubric = match.groups() if match else ("", "")
    asked = re.match(r"score=(\d+(?:\.\d+)?)", rubric.strip())
    if asked:
        score = float(asked.group(1))
        return json.dumps({"reason": f"the rubric asked for {score}", "pass": score >= 0.5, "score": score})
    passed = rubric.strip().lower() in output.lower()
    reason = f"the output {'contains' if passed else 'lacks'} {rubric.strip()!r}"
    return json.dumps({"reason": reason, "pass": passed, "score": 1.0 if passed else 0.0})


def embedding(text: str) -> list[float]:
    """A deterministic embedding: hashed bag of lowercase words, normalized (zero text: all zeros)."""
    vector = [0.0] * EMBEDDING_DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        bucket = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % EMBEDDING_DIMENSIONS
        vector[bucket] += 1.0
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else vector


def _count(text: str) -> int:
    return len(text.split())


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


def _milliseconds(model: str, prefix: str) -> float:
    match = re.search(rf"{prefix}-(\d+)ms", model)
    return int(match.group(1)) / 1000 if match else 0.0


def _failure(model: str, seen: int, key: str, vendor: str) -> Response | None:
    """The error a model name asks for, in the vendor's error format."""

    def error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> Response:
        if vendor == "openai":
            body: dict[str, Any] = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
        else:
            body = {"type": "error", "error": {"type": kind, "message": message}}
        return JSONResponse(body, status_code=status, headers=headers)

    if "bad" in key or model.startswith("fail-401"):
        return error(401, "authentication_error", f"Incorrect API key provided: {key}.")
    if model.startswith("fail-403"):
        return error(403, "permission_error", "Your key may not use this model.")
    if model.startswith(("fail-404", "missing")):
        return error(404, "not_found_error", f"The model `{model}` does not exist.")
    if model.startswith("fail-400"):
        return error(400, "invalid_request_error", f"temperature is invalid (key {key}).")
    if model.startswith("fail-429-once") and seen == 0:
        return error(429, "rate_limit_error", "Slow down.", {"retry-after": "1"})
    if model.startswith("fail-429-always"):
        return error(429, "rate_limit_error", "Slow down.", {"retry-after": "60"})
    if model.startswith("fail-429-after-"):  # a Retry-After of any value: fail-429-after-<value>-<x>
        return error(429, "rate_limit_error", "Slow down.", {"retry-after": model.split("-")[3]})
    if model.startswith("fail-500-once") and seen == 0:
        return error(500, "api_error", "Internal error.")
    if model.startswith("fail-500-always"):
        return error(500, "api_error", "Internal error.")
    return None


def _anthropic_key(request: Request) -> str:
    """Anthropic's SDK sends `x-api-key` or, in newer versions, `Authorization: Bearer`."""
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
    return request.headers.get("x-api-key") or bearer


UNSTORABLE_TEXT = "\x00hi\ud800"  # NUL and a lone surrogate: valid JSON escapes, not storable text


def _unparsable_or_unstorable(mode: str, rest: str, body: dict[str, Any]) -> Response:
    """`deep-json`: JSON nested too deeply to parse; `bad-text`: an answer whose text is UNSTORABLE_TEXT."""
    stream = body.get("stream") is True
    if mode == "deep-json":
        nested = '{"choices":' + "[" * 100_000
        if stream:  # Anthropic's SDK reads only events that name their type
            event = "event: message_start\n" if rest == "v1/messages" else ""
            return Response(f"{event}data: {nested}\n\n", media_type="text/event-stream")
        return Response(nested, media_type="application/json")
    if stream:
        chunks = [
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "delta": {"content": part}, "finish_reason": None}],
            }
            for part in ("\x00x", "\ud800y")
        ]
        events = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
        return Response(events, media_type="text/event-stream")
    answer = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": UNSTORABLE_TEXT},
                "finish_reason": "stop",
            }
        ],
    }
    return Response(json.dumps(answer), media_type="application/json")  # ensure_ascii: escapes on the wire


def _sse(data: dict[str, Any], event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


def build_app(fake: FakeLLM) -> Any:
    async def openai_chat(request: Request) -> Response:
        body = await request.json()
        seen = fake.record(request, body)
        model = body.get("model", "")
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        await asyncio.sleep(_milliseconds(model, "slow"))
        failure = _failure(model, seen, key, "openai")
        if failure is not None:
            return failure
        messages = body.get("messages", [])
        system = next((str(m.get("content", "")) for m in messages if m.get("role") == "system"), "")
        text = _judge(system, messages, model) or _reply(messages, "OpenAI")
        prompt_tokens = sum(_count(str(m.get("content", ""))) for m in body.get("messages", []))
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": _count(text),
            "total_tokens": prompt_tokens + _count(text),
        }
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            )
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        drip = _milliseconds(model, "drip")
        words = _words(text) if not drip else [f"w{i} " for i in range(DRIP_WORDS)]

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        async def events() -> AsyncIterator[bytes]:
            yield _sse(chunk({"role": "assistant", "content": ""}))
            for i, word in enumerate(words):
                if model.startswith("midstream-error") and i == 2:
                    yield _sse({"error": {"message": "The server had an error.", "type": "server_error"}})
                    return
                if model.startswith("cut-stream") and i == 2:
                    raise ConnectionAbortedError("the fake drops the connection mid-answer")
                if drip:
                    await asyncio.sleep(drip)
                yield _sse(chunk({"content": word}))
            yield _sse(chunk({}, "stop"))
            if include_usage:
                final = chunk({})
                final["choices"] = []
                final["usage"] = {**usage, "completion_tokens": len(words)}
                yield _sse(final)
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def anthropic_messages(request: Request) -> Response:
        body = await request.json()
        seen = fake.record(request, body)
        model = body.get("model", "")
        key = _anthropic_key(request)
        await asyncio.sleep(_milliseconds(model, "slow"))
        failure = _failure(model, seen, key, "anthropic")
        if failure is not None:
            return failure
        system = body.get("system", "")
        if isinstance(system, list):  # system content blocks
            system = " ".join(b.get("text", "") for b in system if isinstance(b, dict))
        messages = body.get("messages", [])
        text = _judge(str(system), messages, model) or _reply(messages, "Anthropic")
        input_tokens = sum(_count(str(m.get("content", ""))) for m in body.get("messages", []))
        input_tokens += _count(str(body.get("system", "")))
        message = {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "stop_reason": "end_turn",
            "stop_sequence": None,
        }
        if not body.get("stream"):
            return JSONResponse(
                {
                    **message,
                    "content": [{"type": "text", "text": text}],
                    "usage": {"input_tokens": input_tokens, "output_tokens": _count(text)},
                }
            )
        drip = _milliseconds(model, "drip")
        words = _words(text) if not drip else [f"w{i} " for i in range(DRIP_WORDS)]

        async def events() -> AsyncIterator[bytes]:
            start = {
                **message,
                "content": [],
                "stop_reason": None,
                "usage": {"input_tokens": input_tokens, "output_tokens": 1},
            }
            yield _sse({"type": "message_start", "message": start}, "message_start")
            block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
            yield _sse(block, "content_block_start")
            yield _sse({"type": "ping"}, "ping")
            for i, word in enumerate(words):
                if model.startswith("midstream-error") and i == 2:
                    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
                    yield _sse(error, "error")
                    return
                if model.startswith("cut-stream") and i == 2:
                    raise ConnectionAbortedError("the fake drops the connection mid-answer")
                if drip:
                    await asyncio.sleep(drip)
                delta = {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": word},
                }
                yield _sse(delta, "content_block_delta")
            yield _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
            end = {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": len(words)},
            }
            yield _sse(end, "message_delta")
            yield _sse({"type": "message_stop"}, "message_stop")

        return StreamingResponse(events(), media_type="text/event-stream")

    async def embeddings(request: Request) -> Response:
        body = await request.json()
        seen = fake.record(request, body)
        model = body.get("model", "")
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        await asyncio.sleep(_milliseconds(model, "slow"))
        failure = _failure(model, seen, key, "openai")
        if failure is not None:
            return failure
        raw = body.get("input", [])
        texts = [raw] if isinstance(raw, str) else [str(t) for t in raw]
        data = [{"object": "embedding", "index": i, "embedding": embedding(t)} for i, t in enumerate(texts)]
        tokens = sum(_count(t) for t in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return JSONResponse({"object": "list", "data": data, "model": model, "usage": usage})

    async def models(request: Request) -> Response:
        fake.record(request, None)
        if "anthropic-version" in request.headers:
            if "bad" in _anthropic_key(request):
                return JSONResponse(
                    {
                        "type": "error",
                        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                    },
                    status_code=401,
                )
            data = [
                {"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"}
                for m in MODELS_ANTHROPIC
            ]
            return JSONResponse(
                {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
            )
        if "bad" in request.headers.get("authorization", ""):
            return JSONResponse(
                {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}},
                status_code=401,
            )
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in MODELS_OPENAI]
        return JSONResponse({"object": "list", "data": data})

    async def misbehaving(request: Request) -> Response:
        mode, rest = request.path_params["mode"], request.path_params["rest"]
        body = await request.body()
        fake.record(request, json.loads(body) if body.startswith(b"{") else None)
        page = f"<html><body><h1>Gateway</h1><p>{UPSTREAM_MARKER}</p></body></html>"
        if mode == "html":
            return Response(page, media_type="text/html")
        if mode == "big":  # 2 MB
            return Response(b"x" * 2_000_000, media_type="application/octet-stream")
        if mode == "not-json":
            return Response('{"choices": [' + UPSTREAM_MARKER, media_type="application/json")
        if mode == "wrong-shape":
            return JSONResponse({"unexpected": UPSTREAM_MARKER, "choices": "none", "content": 7, "data": {}})
        if mode == "error-html":
            return Response(page, status_code=400, media_type="text/html")
        if mode == "error-html-500":
            return Response(page, status_code=500, media_type="text/html")
        if mode == "error-json":
            error = {
                "message": "temperature is invalid",
                "type": "invalid_request_error",
                "debug": UPSTREAM_MARKER,
            }
            return JSONResponse({"error": error}, status_code=400)
        if mode == "huge-usage" and rest == "v1/chat/completions":
            answer = {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 10**30, "completion_tokens": -5, "total_tokens": 1},
            }
            return JSONResponse(answer)
        if mode in ("deep-json", "bad-text"):
            return _unparsable_or_unstorable(mode, rest, json.loads(body) if body.startswith(b"{") else {})
        if mode in ("redirect-away", "redirect-same"):
            host = "localhost" if mode == "redirect-away" else fake.host
            return Response(status_code=307, headers={"location": f"http://{host}:{fake.port}/{rest}"})
        return JSONResponse({"error": {"message": "no such mode"}}, status_code=404)

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", openai_chat, methods=["POST"]),
            Route("/v1/messages", anthropic_messages, methods=["POST"]),
            Route("/v1/embeddings", embeddings, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/{mode}/{rest:path}", misbehaving, methods=["GET", "POST"]),
        ]
    )
    return _CountInFlight(app, fake)


MODEL_CALL_PATHS = ("/chat/completions", "/messages", "/embeddings")


class _CountInFlight:
    """ASGI wrapper counting model calls for the whole exchange: a streamed answer is in flight
    until its last byte, which a counter inside the handler would miss."""

    def __init__(self, app: Any, fake: FakeLLM) -> None:
        self.app, self.fake = app, fake

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).endswith(MODEL_CALL_PATHS):
            await self.app(scope, receive, send)
            return
        self.fake._enter_flight()
        try:
            await self.app(scope, receive, send)
        finally:
            self.fake._leave_flight()


class ServerThread:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (a free port) in a thread with its own event loop."""

    def __init__(self, app: Any, **tls: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", **tls)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> int:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake LLM server did not start")
            time.sleep(0.01)
        port: int = self.server.servers[0].sockets[0].getsockname()[1]
        return port

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None, signer: Any, *, ca: bool
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


class TlsServer:
    """An HTTPS server on 127.0.0.1 with a certificate for `name` from a throw-away CA (`ca_file`);
    every path answers `{"host": <the Host header>}`."""

    def __init__(self, directory: Path, name: str) -> None:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate("Test CA", ca_key, None, ca_key, ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = _certificate(name, key, ca.subject, ca_key, ca=False)
        self.ca_file = directory / "ca.pem"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        cert_file, key_file = directory / "cert.pem", directory / "key.pem"
        cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )

        async def echo_host(request: Request) -> Response:
            return JSONResponse({"host": request.headers.get("host")})

        app = Starlette(routes=[Route("/{rest:path}", echo_host)])
        self.runner = ServerThread(app, ssl_certfile=str(cert_file), ssl_keyfile=str(key_file))
        self.port = 0

    def __enter__(self) -> TlsServer:
        self.port = self.runner.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.stop()


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeLLM]:
    """The local OpenAI + Anthropic protocol server, for the whole test session."""
    fake = FakeLLM()
    runner = ServerThread(build_app(fake))
    fake.port = runner.start()
    yield fake
    runner.stop()


@contextmanager
def provider_settings(app: FastAPI, **update: Any) -> Iterator[Settings]:
    """The app's settings with `update` applied for the duration of a test."""
    original = app.state.settings
    app.state.settings = original.model_copy(update=update)
    try:
        yield app.state.settings
    finally:
        app.state.settings = original


async def connect(owner: Any, kind: str, fake: FakeLLM | None = None, **fields: Any) -> dict[str, Any]:
    """Create a provider connection of `kind` through the API, pointed at the fake server."""
    body: dict[str, Any] = {"name": fields.pop("name", f"{kind}-{time.monotonic_ns()}"), "kind": kind}
    if kind == "openai" or kind == "openai_compatible":
        assert fake is not None
        body.update(base_url=fake.openai_url, api_key="sk-test-openai-key-1234")
    elif kind == "anthropic":
        assert fake is not None
        body.update(base_url=fake.anthropic_url, api_key="sk-ant-test-key-5678")
    body.update(fields)
    response = await owner.client.post(f"/api/v1/projects/{owner.project_id}/providers", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
