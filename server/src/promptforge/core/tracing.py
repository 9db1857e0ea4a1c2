"""OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/operations.md, "Traces").

`setup_tracing` is the one entry point: `serve` (through create_app and open_resources), `promptforge
worker` (through open_resources) and the tests call it. The first call that finds an exporter (OTLP
over HTTP from the standard OTEL_* variables, or the `exporter` a test passes) installs a tracer
provider and instruments Redis and httpx for the whole process; every call then instruments the app
and the engine it is given. Without an exporter nothing is installed or wrapped, so the request path
(resolve above all) runs exactly the code it runs without this module.

Spans: incoming requests (FastAPI, named by route template), SQL (SQLAlchemy), Redis (redis-py,
SAQ included), outbound HTTP (httpx, and the guarded httpx2 client of core/outbound.py through
`outbound_span`) and jobs (`job_span`). A job continues the trace of the request that enqueued it:
the queue stores `trace_carrier()` (W3C `traceparent`) beside the job and `job_span` resumes from it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy.ext.asyncio import AsyncEngine

    from promptforge.core.config import Settings

DEFAULT_SERVICE_NAME = "promptforge"
# Probes and scrapes would be most of the traces and tell nothing (regexes, matched against the URL).
EXCLUDED_URLS = "/healthz$,/readyz$,/metrics$"
TRACER_NAME = "promptforge"

_provider: TracerProvider | None = None
_instrumented_engines: set[int] = set()


def tracing_requested() -> bool:
    """Whether the standard OTel variables name an OTLP endpoint (all signals, or traces alone)."""
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def enabled() -> bool:
    """True once a tracer provider is installed in this process."""
    return _provider is not None


def setup_tracing(
    settings: Settings | None = None,
    app: FastAPI | None = None,
    engine: AsyncEngine | None = None,
    *,
    exporter: SpanExporter | None = None,
) -> bool:
    """Install tracing when asked (OTLP endpoint set, or `exporter` given) and instrument app and engine.

    Returns whether tracing is on. Safe to call more than once: the provider is installed once per
    process (a second `exporter` is added to it); the app and each engine are instrumented once.
    """
    global _provider
    if _provider is None:
        if exporter is None and not tracing_requested():
            return False
        _provider = _install_provider(exporter)
    elif exporter is not None:
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor

        _provider.add_span_processor(SimpleSpanProcessor(exporter))
    if app is not None and not getattr(app, "_is_instrumented_by_opentelemetry", False):
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=_provider, excluded_urls=EXCLUDED_URLS, exclude_spans=["receive", "send"]
        )
    if engine is not None and id(engine.sync_engine) not in _instrumented_engines:
        _instrument_engine(engine)
    return True


def _install_provider(exporter: SpanExporter | None) -> TracerProvider:
    from opentelemetry import trace
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    from promptforge import __version__

    # Resource.create also reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, which win over these.
    attributes = {"service.version": __version__}
    if not os.environ.get("OTEL_SERVICE_NAME"):
        attributes[SERVICE_NAME] = DEFAULT_SERVICE_NAME
    provider = TracerProvider(resource=Resource.create(attributes), sampler=_sampler())
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # Endpoint, headers, timeout and compression come from the standard OTEL_EXPORTER_OTLP_* variables.
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    RedisInstrumentor().instrument(tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    return provider


def _sampler() -> Any:
    """OTEL_TRACES_SAMPLER when set; otherwise every trace, except database calls that start one.

    A worker polls Redis every second and the live-event hub listens on it: as traces of their own,
    those calls would bury the ones that matter. Inside a request or a job they are kept.
    """
    if os.environ.get("OTEL_TRACES_SAMPLER"):
        return None  # the SDK reads the variable itself
    from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision, ParentBased, Sampler, SamplingResult

    class NoBareDatabaseRoots(Sampler):
        def should_sample(
            self,
            parent_context: Any,
            trace_id: int,
            name: str,
            kind: Any = None,
            attributes: Any = None,
            links: Sequence[Any] | None = None,
            trace_state: Any = None,
        ) -> SamplingResult:
            if (attributes and "db.system" in attributes) or (attributes and "db.system.name" in attributes):
                return SamplingResult(Decision.DROP)
            return ALWAYS_ON.should_sample(
                parent_context, trace_id, name, kind, attributes, links, trace_state
            )

        def get_description(self) -> str:
            return "NoBareDatabaseRoots"

    return ParentBased(root=NoBareDatabaseRoots())


def _instrument_engine(engine: AsyncEngine) -> None:
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    # SQLAlchemyInstrumentor instruments once per process; the api and tests open several engines.
    usage = metrics.get_meter(TRACER_NAME).create_up_down_counter("db.client.connections.usage")
    assert _provider is not None
    tracer = _provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]
    _instrumented_engines.add(id(engine.sync_engine))


def shutdown_tracing() -> None:
    """Undo the instrumentation and flush (tests; the global provider itself cannot be replaced)."""
    global _provider
    if _provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    RedisInstrumentor().uninstrument()
    HTTPXClientInstrumentor().uninstrument()
    EngineTracer.remove_all_event_listeners()  # type: ignore[no-untyped-call]
    _instrumented_engines.clear()
    _provider.force_flush()
    _provider = None


def trace_carrier() -> dict[str, str]:
    """The current trace context as W3C headers (`traceparent`), to store with a job; {} when off."""
    if _provider is None:
        return {}
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def job_span(name: str, carrier: Mapping[str, str] | None, **attributes: Any) -> Iterator[None]:
    """A `job <name>` span, child of the request that enqueued the job when `carrier` holds its context."""
    if _provider is None:
        yield
        return
    from opentelemetry import propagate, trace

    parent = propagate.extract(dict(carrier or {}))
    tracer = _provider.get_tracer(TRACER_NAME)
    with tracer.start_as_current_span(
        f"job {name}", context=parent, kind=trace.SpanKind.CONSUMER, attributes=attributes
    ):
        yield


@contextmanager
def outbound_span(method: str, url: Any, headers: MutableMapping[str, str]) -> Iterator[Any]:
    """A client span for one request of the guarded httpx2 client; injects `traceparent` into `headers`.

    `url` is an httpx2.URL: only scheme, host, port and path are recorded (queries may hold keys).
    Yields the span (None when tracing is off) so the caller can record the status code.
    """
    if _provider is None:
        yield None
        return
    from opentelemetry import propagate, trace

    tracer = _provider.get_tracer(TRACER_NAME)
    target = f"{url.scheme}://{url.host}{f':{url.port}' if url.port else ''}{url.path}"
    attributes = {
        "http.request.method": method,
        "url.full": target,
        "server.address": url.host,
    }
    with tracer.start_as_current_span(f"{method}", kind=trace.SpanKind.CLIENT, attributes=attributes) as span:
        propagate.inject(headers)
        yield span


def current_ids() -> tuple[str, str] | None:
    """(trace_id, span_id) in hex of the active span, for log lines; None when off or outside a span."""
    if _provider is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
