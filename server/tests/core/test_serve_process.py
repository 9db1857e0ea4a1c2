"""`promptforge serve` as a real process: HTTPS with TLS 1.3 only, HSTS and Secure cookies; /metrics
summed over two uvicorn workers (and another process) in Prometheus multiprocess mode, static files
labelled by template; traces exported over OTLP to a local stand-in, their ids in the JSON logs.

The server is embedded (SQLite, in-process queue) whatever PF_TEST_BACKEND says: what is tested here is
the process, the socket and the files, not the database.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from s3_server import free_port

HSTS = "max-age=63072000; includeSubDomains"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Collector:
    """A stand-in OTLP/HTTP trace receiver: decodes the protobuf requests and keeps their trace ids."""

    server: ThreadingHTTPServer
    trace_ids: set[str] = field(default_factory=set)
    span_names: set[str] = field(default_factory=set)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture(scope="module")
def collector() -> Iterator[Collector]:
    received = Collector(server=None)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            request = ExportTraceServiceRequest.FromString(body)
            for resource_spans in request.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        received.trace_ids.add(span.trace_id.hex())
                        received.span_names.add(span.name)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    received.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=received.server.serve_forever, daemon=True)
    thread.start()
    yield received
    received.server.shutdown()
    received.server.server_close()


@dataclass
class Served:
    url: str
    port: int
    cert: Path
    log: Path
    metrics_dir: Path
    env: dict[str, str]

    def client_context(self, **versions: ssl.TLSVersion) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.cert))
        for name, value in versions.items():
            setattr(context, name, value)
        return context

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=self.client_context(), timeout=20)


def _server_env(tmp: Path, collector: Collector) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PF_", "OTEL_", "PROMETHEUS_"))}
    spa = tmp / "spa"
    (spa / "assets").mkdir(parents=True)
    (spa / "index.html").write_text("<!doctype html><div id=root></div>")
    (spa / "assets" / "app-3f9c2a.js").write_text("console.log(1)")
    env.update(
        PF_ENV="development",  # cookies are not Secure here by default: HTTPS alone must make them so
        PF_DATA_DIR=str(tmp / "data"),
        PF_SPA_DIR=str(spa),
        PF_LOG_LEVEL="INFO",
        PF_LOG_JSON="true",
        PROMETHEUS_MULTIPROC_DIR=str(tmp / "metrics"),
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint,
        OTEL_BSP_SCHEDULE_DELAY="100",
        OTEL_SERVICE_NAME="promptforge-test",
    )
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, collector: Collector) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    cert, key = _self_signed(tmp)
    env = _server_env(tmp, collector)
    (tmp / "metrics").mkdir()  # every process of the folder needs it; `serve` also creates it
    cli = [sys.executable, "-m", "promptforge.cli"]
    migrated = subprocess.run([*cli, "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    log = tmp / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *cli,
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
                "--tls-cert",
                str(cert),
                "--tls-key",
                str(key),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    target = Served(f"https://127.0.0.1:{port}", port, cert, log, tmp / "metrics", env)
    try:
        deadline = time.monotonic() + 240  # two workers importing everything on a busy machine
        while True:
            assert process.poll() is None, log.read_text()
            try:
                with target.client() as client:
                    if client.get("/healthz").status_code == 200:
                        break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        # Both workers up: each has written its files (a gauge exists from import on).
        while len({p.stem.rsplit("_", 1)[-1] for p in target.metrics_dir.glob("*.db")}) < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield target
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_tls_1_2_client_is_refused(served: Served) -> None:
    context = served.client_context(maximum_version=ssl.TLSVersion.TLSv1_2)
    with (
        socket.create_connection(("127.0.0.1", served.port), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
        context.wrap_socket(raw, server_hostname="127.0.0.1"),
    ):
        pass


def test_a_tls_1_3_client_is_served_with_hsts(served: Served) -> None:
    with (
        socket.create_connection(("127.0.0.1", served.port), timeout=10) as raw,
        served.client_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() == "TLSv1.3"
    with served.client() as client:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["strict-transport-security"] == HSTS


def test_login_over_https_sets_secure_cookies(served: Served) -> None:
    account = {"email": "tls@example.com", "password": "Correct-horse-42", "display_name": "TLS"}
    with served.client() as client:
        assert client.post("/api/v1/auth/register", json=account).status_code == 201
        response = client.post("/api/v1/auth/login", json={k: account[k] for k in ("email", "password")})
    assert response.status_code == 200, response.text
    cookies = response.headers.get_list("set-cookie")
    assert {c.split("=", 1)[0] for c in cookies} == {"pf_access", "pf_refresh", "pf_csrf"}
    for cookie in cookies:
        assert "; secure" in cookie.lower(), cookie


def test_bad_certificate_paths_stop_the_start_with_one_clear_line(served: Served, tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "promptforge.cli", "serve", "--port", str(free_port())]
    missing = subprocess.run(
        [*cli, "--tls-cert", str(tmp_path / "nope.pem"), "--tls-key", str(served.cert)],
        env=served.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1
    assert f"Error: TLS certificate {tmp_path / 'nope.pem'}: no such file" in missing.stderr
    half = subprocess.run(
        [*cli, "--tls-cert", str(served.cert)], env=served.env, capture_output=True, text=True, timeout=60
    )
    assert half.returncode == 1 and "go together" in half.stderr
    wrong_key = subprocess.run(
        [*cli, "--tls-cert", str(served.cert), "--tls-key", str(served.cert)],
        env=served.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong_key.returncode == 1 and "cannot be used" in wrong_key.stderr


def _metric(text: str, route: str) -> float:
    pattern = (
        rf'^promptforge_http_requests_total\{{method="GET",route="{re.escape(route)}",status="200"\}} (\S+)$'
    )
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_metrics_are_summed_over_workers_and_processes(served: Served) -> None:
    # Another process writing into the same folder (as a second uvicorn worker does) is counted too.
    writer = (
        "from promptforge.core.middleware import REQUESTS\n"
        "for _ in range(3): REQUESTS.labels('GET', '/from-another-process', '200').inc()\n"
    )
    subprocess.run([sys.executable, "-c", writer], env=served.env, check=True, timeout=60)
    with served.client() as client:
        for _ in range(12):  # each on a new connection: the two workers share the socket
            with served.client() as one:
                assert one.get("/readyz").status_code == 200
        text = client.get("/metrics").text
    assert _metric(text, "/from-another-process") == 3
    assert _metric(text, "/readyz") == 12
    pids = {p.stem.rsplit("_", 1)[-1] for p in served.metrics_dir.glob("counter_*.db")}
    assert len(pids) >= 2


def test_static_files_are_labelled_by_template(served: Served) -> None:
    with served.client() as client:
        assert client.get("/assets/app-3f9c2a.js").status_code == 200
        assert client.get("/assets/missing-1.js").status_code == 404
        assert client.get("/prompts/some/page").status_code == 200  # the SPA fallback
        # A request is counted once its response has gone out, so the count may trail the answer.
        for _ in range(50):
            text = client.get("/metrics").text
            routes = set(re.findall(r'promptforge_http_requests_total\{method="GET",route="([^"]*)"', text))
            if {"/assets/{file}", "/"} <= routes:
                break
            time.sleep(0.1)
    assert {"/assets/{file}", "/"} <= routes, sorted(routes)
    assert not [r for r in routes if "app-3f9c2a" in r or "missing-1" in r or "some/page" in r]


def test_traces_are_exported_and_logs_carry_their_ids(served: Served, collector: Collector) -> None:
    request_id = f"trace-test-{time.time_ns()}"
    with served.client() as client:
        assert client.get("/api/v1/auth/me", headers={"X-Request-ID": request_id}).status_code == 401
    deadline = time.monotonic() + 30
    line: dict[str, str] | None = None
    while line is None:
        for text in served.log.read_text().splitlines():
            if request_id in text and text.startswith("{"):
                entry = json.loads(text)
                if entry.get("event") == "request" and entry.get("request_id") == request_id:
                    line = entry
        if line is None:
            assert time.monotonic() < deadline, served.log.read_text()[-2000:]
            time.sleep(0.1)
    assert re.fullmatch(r"[0-9a-f]{32}", line["trace_id"]) and re.fullmatch(r"[0-9a-f]{16}", line["span_id"])
    while line["trace_id"] not in collector.trace_ids:
        assert time.monotonic() < deadline, collector.span_names
        time.sleep(0.1)
    assert "GET /api/v1/auth/me" in collector.span_names
