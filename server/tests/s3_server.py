"""A local S3 for tests: moto's standalone server in its own process, on a free port.

Tests reach it over HTTP exactly as production reaches S3 or MinIO (nothing is patched in-process).
The `s3_server` fixture starts it once per session, creates a bucket, sets the AWS_* variables boto's
credential chain reads (fake credentials; restored afterwards) and stops the process at the end.
Use `S3Server.storage()` for a store under a fresh prefix, `S3Server.settings(base)` for Settings
pointing at it, and `S3Server.admin()` to look at the bucket from outside (boto3, synchronous).
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest

from promptforge.core.config import Settings
from promptforge.core.storage.s3 import S3Storage

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing-access-key",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-key",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never probe an instance-metadata address from a test
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class S3Server:
    """The running server, its bucket, and helpers to point storage at it."""

    endpoint_url: str
    bucket: str

    def new_prefix(self) -> str:
        return f"test-{secrets.token_hex(6)}"

    def storage(self, prefix: str | None = None, **options: Any) -> S3Storage:
        """A store under a fresh prefix of the bucket (close it when done)."""
        return S3Storage(self.bucket, prefix or self.new_prefix(), endpoint_url=self.endpoint_url, **options)

    def settings(self, base: Settings, prefix: str | None = None) -> Settings:
        """`base` with PF_STORAGE_URL / PF_S3_ENDPOINT_URL set to this server and a fresh prefix."""
        return base.model_copy(
            update={
                "storage_url": f"s3://{self.bucket}/{prefix or self.new_prefix()}",
                "s3_endpoint_url": self.endpoint_url,
            }
        )

    def admin(self) -> Any:
        """A plain boto3 S3 client on the same server, to inspect what the code under test did."""
        return boto3.client("s3", endpoint_url=self.endpoint_url)


def _wait_until_up(process: subprocess.Popen[bytes], url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not answer at {url} within {timeout} s")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's S3 server as a separate process for the whole session, with one bucket."""
    env_patch = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("aws")
    for name, value in AWS_ENV.items():
        env_patch.setenv(name, value)
    # A developer's own ~/.aws must not change what the tests do.
    env_patch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    env_patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        env_patch.delenv(name, raising=False)
    port = free_port()
    with (home / "moto.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            endpoint = f"http://127.0.0.1:{port}"
            _wait_until_up(process, endpoint + "/moto-api/")
            server = S3Server(endpoint_url=endpoint, bucket=f"pf-test-{secrets.token_hex(4)}")
            server.admin().create_bucket(Bucket=server.bucket)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            env_patch.undo()
