"""The HTTP side of `pf`: one connection per command, built from the resolved configuration.

`Connection.api` is the generated typed client (promptforge_client) and `Connection.http` its
httpx.Client (for uploads, downloads and the few calls where raw bytes matter). `ok()` turns a
response into its parsed body or an ApiError; transport failures become ConnectionProblem (exit 2).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import httpx
import typer

from promptforge_cli.config import Config, Flags, resolve_config
from promptforge_cli.errors import ApiError, ConnectionProblem, UsageProblem
from promptforge_client import AuthenticatedClient
from promptforge_client.api.api_keys import api_keys_me
from promptforge_client.models.calling_api_key import CallingApiKey
from promptforge_client.types import Response

T = TypeVar("T")
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
USER_AGENT = "pf (promptforge-client)"


def problem_of(status: int, content: bytes, what: str = "") -> ApiError:
    """An ApiError from a problem+json body (or whatever else the server or a proxy sent)."""
    try:
        problem = json.loads(content) if content else {}
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    if not problem:
        snippet = content[:200].decode("utf-8", "replace").strip()
        problem = {"detail": snippet or f"HTTP {status} without a body"}
    return ApiError(status, problem, what)


def ok(response: Response[Any], expected: type[T], what: str = "") -> T:
    """The parsed success body of a generated call, or the server's problem as an ApiError."""
    if response.status_code >= 400:
        raise problem_of(response.status_code, response.content, what)
    if not isinstance(response.parsed, expected):
        raise ConnectionProblem(
            f"{what or 'request'}: unexpected answer (HTTP {response.status_code});"
            " is this a Prompt-Forge server?"
        )
    return response.parsed


def check(response: httpx.Response, what: str = "") -> httpx.Response:
    """The raw response when it is a success, else its problem as an ApiError."""
    if response.status_code >= 400:
        raise problem_of(response.status_code, response.content, what)
    return response


@contextlib.contextmanager
def transport_errors(host: str) -> Iterator[None]:
    """Connection refused, DNS, TLS and timeouts: one clear line naming the server, exit 2."""
    try:
        yield
    except httpx.TimeoutException:
        raise ConnectionProblem(f"Prompt-Forge at {host} did not answer in time.") from None
    except httpx.TransportError as exc:
        raise ConnectionProblem(f"Cannot reach Prompt-Forge at {host}: {exc or type(exc).__name__}") from None


@dataclass
class Connection:
    """A server, an API key and the project every command works in."""

    config: Config

    @cached_property
    def api(self) -> AuthenticatedClient:
        return AuthenticatedClient(
            base_url=self.config.host,
            token=self.config.api_key,
            timeout=TIMEOUT,
            headers={"User-Agent": USER_AGENT},
            raise_on_unexpected_status=False,
        )

    @property
    def http(self) -> httpx.Client:
        return self.api.get_httpx_client()

    def call(self, fn: Callable[..., Response[Any]], expected: type[T], what: str = "", **kwargs: Any) -> T:
        """Run a generated `sync_detailed` function; its parsed success body or an error."""
        with transport_errors(self.config.host):
            response = fn(client=self.api, **kwargs)
        return ok(response, expected, what)

    def request(self, method: str, url: str, what: str = "", **kwargs: Any) -> httpx.Response:
        """A raw request on the same client (auth, timeouts); checked like `call`."""
        with transport_errors(self.config.host):
            response = self.http.request(method, url, **kwargs)
        return check(response, what)

    @cached_property
    def key(self) -> CallingApiKey:
        """The API key's own description: role, project, workspace (GET /api/v1/api-keys/me)."""
        return self.call(api_keys_me.sync_detailed, CallingApiKey, "checking the API key")

    @cached_property
    def project_id(self) -> str:
        """The configured project (id or slug) checked against the key's, or the key's own project."""
        key_project, slug = str(self.key.project_id), self.key.project_slug
        wanted = self.config.project
        if wanted is not None and wanted not in (key_project, slug):
            source = self.config.sources.get("project", "configuration")
            raise UsageProblem(
                f"The API key belongs to project {slug} ({key_project}), not to {wanted!r} (from {source})."
            )
        return key_project

    def project_url(self, path: str = "") -> str:
        return f"/api/v1/projects/{self.project_id}{path}"

    @property
    def websocket_url(self) -> str:
        """The live-events socket (`/api/v1/ws`); authenticate with `auth_headers`, then subscribe."""
        scheme, rest = self.config.host.split("://", 1)
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/v1/ws"

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.api_key}"}

    def close(self) -> None:
        if "api" in self.__dict__:
            self.api.get_httpx_client().close()


def connect(ctx: typer.Context) -> Connection:
    """The connection for this invocation (made once, closed when the command ends)."""
    root = ctx.find_root()
    existing = root.meta.get("pf.connection")
    if isinstance(existing, Connection):
        return existing
    flags = root.obj if isinstance(root.obj, Flags) else Flags()
    connection = Connection(resolve_config(flags))
    root.meta["pf.connection"] = connection
    root.call_on_close(connection.close)
    return connection
