"""Tracing: one request that enqueues a job yields the request span, SQL spans, a Redis span (with
Redis) and the job's span, all in one trace; without an OTLP endpoint nothing is installed.

Spans are captured by the SDK's in-memory exporter, installed through `setup_tracing` itself. The
app is this test's own, so the session app stays uninstrumented.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from conftest import Factory, running
from promptforge.core import tracing
from promptforge.core.config import Settings
from promptforge.datasets.exports import EXPORT_JOB
from promptforge.main import create_app


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    assert tracing.setup_tracing(exporter=spans)
    yield spans
    tracing.shutdown_tracing()


def _hex(span: ReadableSpan) -> str:
    assert span.context is not None
    return format(span.context.trace_id, "032x")


async def test_a_request_and_the_job_it_enqueues_share_one_trace(
    exporter: InMemorySpanExporter, settings: Settings, kv_prefix: str
) -> None:
    application = create_app(settings, kv_prefix=f"{kv_prefix}trace{secrets.token_hex(2)}:")
    async with running(application):
        factory = Factory(application)
        try:
            owner = await factory.account()
            url = f"/api/v1/projects/{owner.project_id}/datasets"
            assert (await owner.client.post(url, json={"name": "qa"})).status_code == 201
            items = [{"input": {"q": str(i)}} for i in range(3)]
            assert (await owner.client.post(f"{url}/qa/items", json={"items": items})).status_code == 201
            exporter.clear()
            started = await owner.client.post(f"{url}/qa/exports", json={"format": "jsonl"})
            assert started.status_code == 202, started.text
            export_id = started.json()["id"]
            deadline = time.monotonic() + 60
            while (await owner.client.get(f"{url}/qa/exports/{export_id}")).json()["status"] != "completed":
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
        finally:
            for client in factory.clients:
                await client.aclose()

    spans = exporter.get_finished_spans()
    route = "POST /api/v1/projects/{project_id}/datasets/{name}/exports"
    [request] = [s for s in spans if s.kind == SpanKind.SERVER and s.name == route]
    trace_id = _hex(request)
    in_trace = [s for s in spans if _hex(s) == trace_id]
    [job] = [s for s in in_trace if s.name == f"job {EXPORT_JOB}"]
    assert job.kind == SpanKind.CONSUMER
    assert job.attributes is not None and job.attributes["job.key"] == export_id
    # The job is a descendant of the request span: its chain of parents leads there.
    by_id = {s.context.span_id: s for s in in_trace if s.context is not None}
    parent: Any = job
    while parent.parent is not None and parent.parent.span_id in by_id:
        parent = by_id[parent.parent.span_id]
    assert parent is request

    def database(span: ReadableSpan) -> Any:
        attributes = span.attributes or {}
        return attributes.get("db.system") or attributes.get("db.system.name")

    sql = [s for s in in_trace if database(s) in ("postgresql", "sqlite")]
    assert sql, [s.name for s in in_trace]
    # SQL runs both in the request and in the job, all under the one trace id.
    job_span_id = job.context.span_id if job.context else None
    assert any(s.parent is not None and s.parent.span_id == job_span_id for s in sql)
    if settings.redis_url:
        assert [s for s in in_trace if database(s) == "redis"], [s.name for s in in_trace]
    # Other requests (the polling GETs) are traces of their own.
    polls = [s for s in spans if s.kind == SpanKind.SERVER and s.name.startswith("GET ")]
    assert polls and all(_hex(s) != trace_id for s in polls)


async def test_without_an_otlp_endpoint_nothing_is_installed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert not tracing.setup_tracing(settings)
    application = create_app(settings)
    assert not getattr(application, "_is_instrumented_by_opentelemetry", False)
    assert tracing.trace_carrier() == {}
    assert tracing.current_ids() is None
