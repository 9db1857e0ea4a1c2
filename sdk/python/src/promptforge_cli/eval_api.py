"""The few API calls `pf eval` makes, as JSON, on the connection's authenticated httpx client.

Evaluation bodies hold free-form assertions and results come back as JSON or JUnit, so these calls
go through `Connection.request` (same auth, timeouts and error mapping as the generated calls): a
problem+json answer is an ApiError naming the field, a transport failure a ConnectionProblem.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from promptforge_cli.connection import Connection
from promptforge_cli.errors import ApiError

PAGE_LIMIT = 100


class EvalApi:
    """Project-scoped calls of one `pf` invocation."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _send(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        return self.connection.request(method, self.connection.project_url(path), what, **kwargs)

    def get(self, path: str, what: str = "", **params: Any) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        return self._send("GET", path, what, params=query).json()

    def post(self, path: str, body: dict[str, Any], what: str = "") -> Any:
        return self._send("POST", path, what, json=body).json()

    def delete(self, path: str, what: str = "") -> None:
        self._send("DELETE", path, what)

    def text(self, path: str, what: str = "", **params: Any) -> str:
        return str(self._send("GET", path, what, params=params).text)

    def pages(self, path: str, what: str = "", **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list."""
        cursor = None
        while True:
            page = self.get(path, what, limit=PAGE_LIMIT, cursor=cursor, **params)
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def get_or_none(self, path: str, what: str = "") -> Any:
        try:
            return self.get(path, what)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
