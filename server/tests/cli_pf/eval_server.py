"""A real `promptforge serve` child process for the `pf eval` tests, seeded with a project, an editor
API key and a provider connection pointed at the fake LLM; `pf` runs as a subprocess against it.

The server runs on the embedded default (SQLite file, in-process queue and worker): a real server,
the same code paths; it is started once per module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "server" / "live"))
from fake_llm import FakeLLM  # noqa: E402
from harness import ApiServer, seed  # noqa: E402


@dataclass
class EvalServer:
    base_url: str
    project_id: str
    api_key: str
    provider_id: str
    owner: httpx.Client  # signed-in owner (cookies + CSRF) for setup through the API

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PF_")}
        env.update(PF_HOST=self.base_url, PF_API_KEY=self.api_key, PF_PROJECT=self.project_id, COLUMNS="200")
        env.update(extra)
        return env

    def pf(self, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        """The `pf` command as a user runs it: a separate process, exit code, stdout, stderr."""
        return subprocess.run(
            [sys.executable, "-m", "promptforge_cli.interim_main", *args],
            env=self.env(**env),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.owner.request(method, f"/api/v1/projects/{self.project_id}{path}", **kwargs)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None


@pytest.fixture(scope="module", name="eval_server")
def eval_server_fixture(fake_llm: FakeLLM) -> Iterator[EvalServer]:
    server = ApiServer("", "", env={"PF_ALLOW_SIGNUP": "true"})
    try:
        seeded = seed(server.base_url)
        owner = httpx.Client(base_url=server.base_url, cookies=seeded.cookies, timeout=30)
        owner.headers["X-CSRF-Token"] = seeded.csrf
        response = owner.post(
            f"/api/v1/projects/{seeded.project_id}/providers",
            json={
                "name": "fake",
                "kind": "openai_compatible",
                "base_url": fake_llm.openai_url,
                "api_key": "sk-test-openai-key-1234",
                "default_model": "fake-model",
            },
        )
        assert response.status_code == 201, response.text
        yield EvalServer(server.base_url, seeded.project_id, seeded.api_key, response.json()["id"], owner)
        owner.close()
    finally:
        server.close()
