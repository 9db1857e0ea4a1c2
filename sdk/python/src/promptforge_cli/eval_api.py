"""The few API calls `pf eval` makes, as JSON, on the generated client's authenticated httpx client.

Evaluation bodies hold free-form assertions and results come back as JSON, CSV or JUnit, so these
calls go through the httpx client directly; a problem+json answer becomes ApiProblem with the
server's `detail` and the field its `errors[0].loc` names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

PAGE_LIMIT = 100


class ApiProblem(Exception):
    """A 4xx/5xx answer: its status, code and a message naming the field when the server did."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiProblem:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        detail = body.get("detail") or response.reason_phrase or "request failed"
        errors = body.get("errors") or []
        if errors and isinstance(errors[0], dict):
            loc = ".".join(str(p) for p in errors[0].get("loc") or [] if p != "body")
            msg = errors[0].get("msg") or detail
            detail = f"{loc}: {msg}" if loc else msg
        return cls(response.status_code, f"{detail} (HTTP {response.status_code})", body.get("code"))


class EvalApi:
    """Project-scoped calls; `http` is an httpx.Client with the base URL and the API key set."""

    def __init__(self, http: httpx.Client, project_id: str) -> None:
        self.http = http
        self.project = f"/api/v1/projects/{project_id}"

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, self.project + path, **kwargs)
        if response.status_code >= 400:
            raise ApiProblem.from_response(response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self._send("GET", path, params={k: v for k, v in params.items() if v is not None}).json()

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._send("POST", path, json=body if body is not None else {}).json()

    def delete(self, path: str) -> None:
        self._send("DELETE", path)

    def text(self, path: str, **params: Any) -> str:
        return self._send("GET", path, params=params).text

    def pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list."""
        cursor = None
        while True:
            page = self.get(path, limit=PAGE_LIMIT, cursor=cursor, **params)
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def get_or_none(self, path: str) -> Any:
        try:
            return self.get(path)
        except ApiProblem as exc:
            if exc.status == 404:
                return None
            raise
