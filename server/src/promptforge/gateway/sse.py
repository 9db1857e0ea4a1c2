"""Streamed gateway calls: OpenAI's `data: {chunk}` events, then `data: [DONE]`, the run stored at the end.

A failure after the first chunk cannot change the status any more: the stream then carries
`data: {"error": {...}}` (OpenAI's SDKs raise it as an APIError) and ends without [DONE].
A client that leaves mid-stream closes the provider stream and leaves a `cancelled` run.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import anyio
import structlog
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from promptforge.core.errors import OPENAI_ERROR_TYPES, AppError
from promptforge.gateway import relay
from promptforge.gateway.service import GatewayCall, GatewayServices, record_failure, record_run
from promptforge.providers.calls import Usage
from promptforge.runs.service import Outcome, elapsed_ms, error_info

log = structlog.get_logger("promptforge.gateway")
DONE = b"data: [DONE]\n\n"


def _event(data: bytes) -> bytes:
    return b"data: " + data + b"\n\n"


def _error_event(exc: BaseException) -> bytes:
    info = error_info(exc)
    status = exc.status if isinstance(exc, AppError) else 500
    error_type = OPENAI_ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    body = {"error": {"message": info["message"], "type": error_type, "param": None, "code": info["code"]}}
    return _event(json.dumps(body, ensure_ascii=False).encode())


class GatewayStreamer:
    """Relays the provider's chunks and stores the run once, whatever happens (`finish` is idempotent)."""

    def __init__(self, services: GatewayServices, call: GatewayCall, stream: relay.PieceStream) -> None:
        self.services = services
        self.call = call
        self.stream = stream
        self.parts: list[str] = []
        self.first_token_ms: int | None = None
        self.usage = Usage(None, None)
        self.finished = False
        self.outcome: Outcome | None = None

    async def events(self) -> AsyncIterator[bytes]:
        error: Exception | None = None
        try:
            async for piece in self.stream.pieces:
                if piece.text:
                    if self.first_token_ms is None:
                        self.first_token_ms = elapsed_ms(self.call.started)
                    self.parts.append(piece.text)
                if piece.usage is not None:
                    self.usage = piece.usage
                if piece.data is not None:
                    yield _event(piece.data)
        except Exception as exc:  # the provider (or we) failed mid-stream: the last event says so
            if not isinstance(exc, AppError):
                log.exception("gateway_stream_failed", run_id=str(self.call.run_id))
            error = exc
        await self.finish("failed" if error else "completed", error)
        yield _error_event(error) if error is not None else DONE

    async def finish(self, status: str, error: BaseException | None = None) -> None:
        """Close the provider stream and settle the outcome (stored by `record`, after the answer)."""
        if self.finished:
            return
        self.finished = True
        with anyio.CancelScope(shield=True):
            latency = elapsed_ms(self.call.started)
            try:
                await self.stream.close()
            except Exception:  # closing a broken connection may fail; the outcome still counts
                log.warning("provider_stream_close_failed", run_id=str(self.call.run_id))
            outcome = Outcome(
                status,
                output="".join(self.parts) if self.parts or status == "completed" else None,
                usage=self.usage,
                latency_ms=latency,
                time_to_first_token_ms=self.first_token_ms,
                error=error_info(error) if error is not None else None,
            )
            if status == "cancelled":
                outcome.error = {"code": "client_disconnected", "message": "The client went away mid-stream."}
            self.outcome = outcome

    async def record(self) -> None:
        if self.outcome is not None:
            await record_run(self.services, self.call, self.outcome)
            self.outcome = None


class GatewayEventStream(StreamingResponse):
    """The SSE answer; the run is stored once the last byte is sent (as cancelled if the client left)."""

    def __init__(self, streamer: GatewayStreamer) -> None:
        super().__init__(
            streamer.events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **streamer.call.headers()},
        )
        self.streamer = streamer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            with contextlib.suppress(ClientDisconnect):  # the finally below stores what we have
                await super().__call__(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                if not self.streamer.finished:
                    await self.streamer.finish("cancelled")
                await self.streamer.record()


async def open_gateway_stream(services: GatewayServices, call: GatewayCall) -> GatewayStreamer:
    """Open the provider stream; a failure before the first chunk is stored, then raised as an error."""
    try:
        stream = await relay.open_stream(call)
    except BaseException as exc:
        raise await record_failure(services, call, exc) from None
    return GatewayStreamer(services, call, stream)
