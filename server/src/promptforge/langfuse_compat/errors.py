"""Langfuse's error bodies (`{"message", "error"}`) for every failure under /api/public.

The Langfuse SDKs retry 5xx answers (up to nine times), so nothing a client caused may be one:
validation failures, which are 422 everywhere else in Prompt-Forge, are 400 here as in Langfuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

PUBLIC_PREFIX = "/api/public/"
ERROR_NAMES = {
    400: "InvalidRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "LangfuseNotFoundError",
    405: "MethodNotAllowedError",
    409: "LangfuseConflictError",
    413: "PayloadTooLargeError",
    429: "TooManyRequestsError",
    503: "ServiceUnavailableError",
}
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="promptforge"'}


def langfuse_error_response(
    status: int,
    detail: str,
    code: str,
    errors: list[dict[str, Any]] | None,
    headers: Mapping[str, str] | None,
) -> JSONResponse:
    """Langfuse's body; `code` (ours) and `details` (the fields at fault) ride along for humans."""
    if status == 422:
        status = 400
    body: dict[str, Any] = {
        "message": detail,
        "error": ERROR_NAMES.get(status, "InternalServerError" if status >= 500 else "InvalidRequestError"),
        "code": code,
    }
    if errors:
        body["details"] = errors
    out_headers = dict(headers or {})
    if status == 401:
        out_headers.update(BASIC_CHALLENGE)  # this API speaks Basic, not the Bearer of /api/v1
    return JSONResponse(body, status_code=status, headers=out_headers)
