"""One error hierarchy and the handlers that turn every failure into RFC 9457 problem+json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("promptforge.errors")


class AppError(Exception):
    """A failure a client caused or may handle: becomes problem+json with this status and code.

    The problem's `title` is the standard reason phrase of the status (STATUS_TITLES).
    """

    status = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status or self.status
        self.code = code or self.code
        self.errors = errors
        self.headers = headers


class NotFound(AppError):
    status, code = 404, "not_found"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        # RFC 9110: a 401 names the scheme to use (API keys; browsers use the session cookie).
        super().__init__(detail, code=code, headers={"WWW-Authenticate": 'Bearer realm="promptforge"'})


class Forbidden(AppError):
    status, code = 403, "forbidden"


class Conflict(AppError):
    status, code = 409, "conflict"


class Unprocessable(AppError):
    """A business rule about the input failed; `errors` locates the field like a validation error."""

    status, code = 422, "validation_error"

    @classmethod
    def field(cls, loc: list[str | int], msg: str, *, code: str = "validation_error") -> Unprocessable:
        return cls(msg, code=code, errors=[{"loc": loc, "msg": msg, "type": code}])


class TooManyRequests(AppError):
    status, code = 429, "rate_limited"


STATUS_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    424: "Failed Dependency",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def problem_response(
    status: int,
    detail: str,
    code: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://promptforge.dev/problems/{code}",
        "title": STATUS_TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": list(err.get("loc", ())),
            "msg": err.get("msg", "invalid"),
            "type": err.get("type", "invalid"),
        }
        for err in exc.errors()
    ]


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(exc.status, exc.detail, exc.code, errors=exc.errors, headers=exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    first = errors[0] if errors else {"loc": [], "msg": "invalid", "type": "invalid"}
    if first["type"] == "json_invalid":  # its loc is a character offset, which reads as a field
        return problem_response(422, "The request body is not valid JSON.", "invalid_json", errors=errors)
    where = ".".join(str(p) for p in first["loc"])
    return problem_response(422, f"{where}: {first['msg']}", "validation_error", errors=errors)


# FastAPI's answer when decoding a JSON body raised anything but a JSON syntax error (e.g. the
# RecursionError of a body nested thousands deep): the body is what is wrong, so the same 422.
UNPARSABLE_BODY = "There was an error parsing the body"


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == UNPARSABLE_BODY:
        detail = "The request body could not be parsed as JSON (malformed, or nested too deeply)."
        return problem_response(422, detail, "invalid_json")
    codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    detail = exc.detail if isinstance(exc.detail, str) else STATUS_TITLES.get(exc.status_code, "Error")
    return problem_response(
        exc.status_code, detail, codes.get(exc.status_code, "http_error"), headers=exc.headers
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # Services check what they can and lock what they change; a constraint that still fails means
    # a concurrent request got there first (e.g. two creates of one name), not a server fault.
    log.warning("integrity_conflict", path=request.url.path, error=str(getattr(exc, "orig", exc))[:200])
    detail = "The change conflicts with a concurrent change or with existing data; reload and retry."
    return problem_response(409, detail, "conflict")


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return problem_response(500, "An unexpected error occurred.", "internal_error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(Exception, _unhandled)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problem+json statuses a route may answer.

    413 (body too large), 429 and 500 can happen on any route, so every route declares them.
    """
    schema = {"$ref": "#/components/schemas/ProblemDetails"}
    return {
        status: {
            "model": ProblemDetails,
            "description": STATUS_TITLES.get(status, "Error"),
            "content": {PROBLEM_JSON: {"schema": schema}},
        }
        for status in sorted({*statuses, 413, 500})
    }


from promptforge.core.schemas import ProblemDetails  # noqa: E402  (schemas imports nothing from here)
