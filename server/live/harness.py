"""Real processes for the fault suite and the API fuzzing: a private PostgreSQL cluster, a private Redis,
`promptforge serve` on them, and a seeded account over HTTP.

Private servers on free ports, never the shared ones: the fault tests stop and restart them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Fault-suite-password-1"
STARTUP_TIMEOUT = float(os.environ.get("PF_LIVE_STARTUP_TIMEOUT", "120"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(check: Callable[[], bool], what: str, timeout: float, died: Callable[[], str | None]) -> None:
    """Poll `check` until true; fail at once, with the reason, when `died` reports the process gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # not up yet
            if check():
                return
        reason = died()
        if reason is not None:
            raise RuntimeError(f"{what} exited while starting:\n{reason}")
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"{name} not found (install postgresql)")
    return found[-1]


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temp dir (initdb takes ~2 s); stop/start it at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pf-faults-pg-"))
        self.data = self.dir / "data"
        # initdb refuses to run as root: run the cluster as the `postgres` system user then.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, text=True)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        # fsync off: these tests crash the app, not the machine; the OS page cache survives them.
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-o", opts, "-w", "start"
        )

    def stop(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A redis-server without persistence on a free port; stop() kills it, start() brings up an empty one."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.proc = subprocess.Popen([*args, "--appendonly", "no"], stdout=subprocess.DEVNULL)
        proc = self.proc
        try:
            _wait(
                lambda: self.cli("ping") == "PONG",
                "redis-server",
                20,
                lambda: None if proc.poll() is None else f"exit status {proc.returncode}",
            )
        except RuntimeError:
            self.stop()
            raise

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    close = stop


class ApiServer:
    """`promptforge serve` (uvicorn, one worker) as a real child process on a free port."""

    def __init__(
        self, database_url: str, redis_url: str, *, migrate: bool = True, env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkdtemp(prefix="pf-live-")) / "server.log"
        self.env = {
            **os.environ,
            "PF_ENV": "development",  # plain-http cookies; secrets are given so none are generated
            "PF_DATABASE_URL": database_url,
            "PF_REDIS_URL": redis_url,
            "PF_SECRET_KEY": secrets.token_urlsafe(48),
            "PF_ENCRYPTION_KEY": secrets.token_urlsafe(48),
            "PF_DATA_DIR": str(self.log_path.parent),
            "PF_LOG_LEVEL": "WARNING",
            "PF_SPA_DIR": str(self.log_path.parent),  # no built SPA needed
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        if migrate:
            subprocess.run(
                [sys.executable, "-m", "promptforge.cli", "migrate"],
                env=self.env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        self.start()

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "promptforge.cli", "serve", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc = self.proc
        # Generous: on a loaded 2-core machine a cold start (imports, migrations check) takes 20 s+.
        try:
            _wait(
                lambda: httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200,
                "promptforge serve",
                STARTUP_TIMEOUT,
                lambda: None if proc.poll() is None else self.log_tail(),
            )
        except RuntimeError:
            self.kill()  # never leave a half-started server behind
            raise

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no flush — what an OOM kill or a node loss does."""
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
            self.proc = None
        shutil.rmtree(self.log_path.parent, ignore_errors=True)  # data dir and log: shown on failure

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class WorkerProcess:
    """`promptforge worker` as a real child process, with the environment of an ApiServer."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "promptforge.cli", "worker"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: the job it runs is abandoned mid-way, with no shutdown hook."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Seeded:
    """What `seed` created: a signed-in client's cookies, a project with a prompt, an editor API key."""

    cookies: dict[str, str]
    csrf: str
    workspace_id: str
    project_id: str
    prompt: str
    api_key: str

    @property
    def prompt_url(self) -> str:
        return f"/api/v1/projects/{self.project_id}/prompts/{self.prompt}"

    @property
    def key_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


def seed(base_url: str, *, email: str = "owner@example.com") -> Seeded:
    """Register, sign in, create the prompt `greeting` (label `production` on v1) and an editor API key."""
    with httpx.Client(base_url=base_url, timeout=30) as c:
        account = {"email": email, "password": PASSWORD, "display_name": "Owner"}
        c.post("/api/v1/auth/register", json=account).raise_for_status()
        c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).raise_for_status()
        csrf = c.cookies["pf_csrf"]
        c.headers["X-CSRF-Token"] = csrf
        me = c.get("/api/v1/auth/me").raise_for_status().json()
        workspace_id = me["memberships"][0]["workspace"]["id"]
        projects = c.get(f"/api/v1/workspaces/{workspace_id}/projects").raise_for_status().json()
        project_id = projects["items"][0]["id"]
        prompts = f"/api/v1/projects/{project_id}/prompts"
        body = {"name": "greeting", "kind": "text", "template": "Hello {{ name }}!"}
        c.post(prompts, json=body).raise_for_status()
        c.put(f"{prompts}/greeting/labels/production", json={"version": 1}).raise_for_status()
        key = c.post(f"/api/v1/projects/{project_id}/api-keys", json={"name": "editor", "role": "editor"})
        return Seeded(
            cookies={name: value for name, value in c.cookies.items()},
            csrf=csrf,
            workspace_id=workspace_id,
            project_id=project_id,
            prompt="greeting",
            api_key=key.raise_for_status().json()["secret"],
        )
