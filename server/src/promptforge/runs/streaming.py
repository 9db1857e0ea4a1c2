"""Streamed runs: the provider's deltas relayed as server-sent events, the run stored whatever happens."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import structlog

from promptforge.core.errors import AppError
from promptforge.providers.adapters import ProviderStream
from promptforge.providers.calls import Usage
from promptforge.runs import schemas
from promptforge.runs.service import (
    Outcome,
    PreparedRun,
    RunServices,
    elapsed_ms,
    error_info,
    finish_run,
)
from promptforge.runs.storable import storable

log = structlog.get_logger("promptforge.runs")


def sse(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'), ensure_ascii=False)}\n\n".encode()


class RunStreamer:
    """Relays a provider stream as server-sent events and stores the run whatever happens.

    `finish` is idempotent and shielded from cancellation: the response calls it again with
    `cancelled` when the client went away before the stream ended.
    """

    def __init__(
        self, services: RunServices, prepared: PreparedRun, stream: ProviderStream, started: float
    ) -> None:
        self.services = services
        self.prepared = prepared
        self.stream = stream
        self.started = started
        self.parts: list[str] = []
        self.first_token_ms: int | None = None
        self.usage = Usage(None, None)
        self.result: schemas.Run | None = None
        self.finished = False

    async def events(self) -> AsyncIterator[bytes]:
        yield sse("start", {"id": str(self.prepared.run_id), "model": self.prepared.request.model})
        error: Exception | None = None
        try:
            async for item in self.stream:
                if isinstance(item, Usage):
                    self.usage = item
                    continue
                if self.first_token_ms is None:
                    self.first_token_ms = elapsed_ms(self.started)
                item = storable(item)  # a delta with NUL or a lone surrogate would break the event
                self.parts.append(item)
                yield sse("delta", {"text": item})
        except Exception as exc:  # the provider (or we) failed mid-stream: the final event says so
            if not isinstance(exc, AppError):
                log.exception("run_stream_failed", run_id=str(self.prepared.run_id))
            error = exc
        run = await self.finish("failed" if error else "completed", error)
        if run is None:
            yield sse("error", {"code": "run_not_stored", "message": "The run could not be stored."})
        else:
            yield sse("run", run.model_dump(mode="json"))

    async def finish(self, status: str, error: BaseException | None = None) -> schemas.Run | None:
        """Store the outcome once; None when the row is gone (e.g. its project was deleted meanwhile)."""
        if self.finished:
            return self.result
        self.finished = True
        with anyio.CancelScope(shield=True):
            latency = elapsed_ms(self.started)
            try:
                await self.stream.close()
            except Exception:  # closing a broken connection may fail; the outcome still counts
                log.warning("provider_stream_close_failed", run_id=str(self.prepared.run_id))
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
            try:
                self.result = await finish_run(self.services, self.prepared, outcome)
            except Exception as exc:  # finish_run marked it failed if it could; the final event says so
                log.warning("run_not_stored", run_id=str(self.prepared.run_id), error=type(exc).__name__)
        return self.result


async def open_run_stream(services: RunServices, prepared: PreparedRun) -> RunStreamer:
    """Open the provider stream; failures before the first token are stored, then raised as problems."""
    started = time.perf_counter()
    try:
        stream = await prepared.adapter.open_stream(prepared.request)
    except BaseException as exc:
        status = "cancelled" if isinstance(exc, anyio.get_cancelled_exc_class()) else "failed"
        with anyio.CancelScope(shield=True):
            await finish_run(
                services, prepared, Outcome(status, latency_ms=elapsed_ms(started), error=error_info(exc))
            )
        raise
    return RunStreamer(services, prepared, stream, started)
