"""One error hierarchy and the handlers that turn every failure into RFC 9457 problem+json."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, compile_path

PROBLEM_JSON = "application/problem+json"
# Paths that speak OpenAI's protocol (the gateway): every error there, whoever raises it (the
# middleware's 413, a 404 of an unknown path, a handler), answers in OpenAI's error shape so the
# OpenAI SDKs raise their usual exceptions (registered as an error shape in main.py).
OPENAI_ERROR_PREFIXES = ("/api/gateway/",)
# OpenAI's `error.type` per status (what its SDKs and clients switch on)
OPENAI_ERROR_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    429: "rate_limit_error",
}
log = structlog.get_logger("promptforge.errors")
# (status, detail, code, errors, headers) -> the answer, for APIs that mimic another product's errors
ErrorShape = Callable[[int, str, str, list[dict[str, Any]] | None, Mapping[str, str] | None], JSONResponse]


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
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status or self.status
        self.code = code or self.code
        self.errors = errors
        self.headers = headers
        # RFC 9457 extension members: more fields of the problem a client may act on
        self.extensions = extensions


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


class DatabaseUnavailable(AppError):
    """The database cannot be reached (down, restarting, or out of connections): retry shortly."""

    status, code = 503, "database_unavailable"

    def __init__(self) -> None:
        super().__init__("The database is unreachable; try again shortly.", headers={"Retry-After": "1"})


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


def _encodable(value: Any) -> Any:
    """`value` with every string made valid UTF-8: a lone surrogate becomes the text `\\udXXX`.

    Messages quote what the client sent (a name, a key); JSON from a client may carry lone
    surrogates (`"\\ud800"`), which UTF-8 cannot encode, and an error answer must never fail.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def problem_response(
    status: int,
    detail: str,
    code: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The problem+json answer; any text in it is made encodable first, so it cannot fail."""
    body: dict[str, Any] = {
        **(extensions or {}),
        "type": f"https://promptforge.dev/problems/{code}",
        "title": STATUS_TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(_encodable(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def openai_error_response(
    status: int,
    detail: str,
    code: str,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error in OpenAI's shape `{"error": {message, type, param, code}}`; `param` names the field."""
    error_type = OPENAI_ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    param = None
    if errors:
        loc = [str(part) for part in errors[0].get("loc", [])]
        param = ".".join(loc[1:] if loc[:1] == ["body"] else loc) or None
    body = {"error": {"message": detail, "type": error_type, "param": param, "code": code}}
    return JSONResponse(_encodable(body), status_code=status, headers=headers)


def shaped_error_response(
    app: Any,
    path: str,
    status: int,
    detail: str,
    code: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """problem+json, or the error shape of the compatible API `path` belongs to (by path prefix)."""
    state = getattr(app, "state", None)
    shapes: list[tuple[str, ErrorShape]] = getattr(state, "error_shapes", []) if state is not None else []
    for prefix, shape in shapes:
        if path.startswith(prefix):
            return shape(status, _encodable(detail), code, _encodable(errors), headers)
    return problem_response(status, detail, code, errors=errors, headers=headers, extensions=extensions)


def error_response(
    request: Request,
    status: int,
    detail: str,
    code: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The error answer for a request, in the shape of the API it was made to."""
    return shaped_error_response(
        request.app,
        request.url.path,
        status,
        detail,
        code,
        errors=errors,
        headers=headers,
        extensions=extensions,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": list(err.get("loc", ())),
            "msg": err.get("msg", "invalid"),
            "type": err.get("type", "invalid"),
        }
        for err in exc.errors()
    ]


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(
        request,
        exc.status,
        exc.detail,
        exc.code,
        errors=exc.errors,
        headers=exc.headers,
        extensions=exc.extensions,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    first = errors[0] if errors else {"loc": [], "msg": "invalid", "type": "invalid"}
    if first["type"] == "json_invalid":  # its loc is a character offset, which reads as a field
        return error_response(
            request, 422, "The request body is not valid JSON.", "invalid_json", errors=errors
        )
    where = ".".join(str(p) for p in first["loc"])
    return error_response(request, 422, f"{where}: {first['msg']}", "validation_error", errors=errors)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route serves at `path` (Starlette's 405 names only the first route's)."""
    table: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(app.state, "route_methods", None)
    if table is None:
        table = []
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            methods = getattr(route, "methods", None)
            # The SPA's catch-all GET never answers 405 (it does not match API paths at all).
            catch_all = getattr(route, "catch_all", False)
            if isinstance(route, BaseRoute) and context.path and methods and not catch_all:
                table.append((compile_path(context.path)[0], frozenset(methods)))
        app.state.route_methods = table
    return sorted({m for pattern, route_methods in table if pattern.match(path) for m in route_methods})


# FastAPI's 400 when decoding a body raised anything but a JSON syntax error: bytes that are not
# UTF-8 (400 invalid_body), or the RecursionError of JSON nested thousands deep (422, like any
# other JSON that is well-formed but unacceptable).
UNPARSABLE_BODY = "There was an error parsing the body"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == UNPARSABLE_BODY:
        if isinstance(exc.__cause__, RecursionError):
            return error_response(request, 422, "The JSON body is nested too deeply.", "invalid_json")
        detail = "The request body could not be read (it is not valid UTF-8 JSON or form data)."
        return error_response(request, 400, detail, "invalid_body")
    codes = {400: "invalid_body", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    detail = exc.detail if isinstance(exc.detail, str) else STATUS_TITLES.get(exc.status_code, "Error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # RFC 9110: a 405 lists the methods the resource supports
        allow = allowed_methods(request.app, request.url.path)
        headers["Allow"] = ", ".join(allow)
        detail = f"{request.method} is not allowed here; allowed: {headers['Allow']}."
    return error_response(
        request, exc.status_code, detail, codes.get(exc.status_code, "http_error"), headers=headers
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A connection lost mid-request or no pooled connection in time is an outage (503), not a bug."""
    lost = isinstance(exc, DBAPIError) and exc.connection_invalidated
    if lost or isinstance(exc, PoolTimeout):
        log.warning("database_unavailable", path=request.url.path, error_type=type(exc).__name__)
        return await _app_error(request, DatabaseUnavailable())
    return await _unhandled(request, exc)


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # Services check what they can and lock what they change; a constraint that still fails means
    # a concurrent request got there first (e.g. two creates of one name), not a server fault.
    log.warning("integrity_conflict", path=request.url.path, error=str(getattr(exc, "orig", exc))[:200])
    detail = "The change conflicts with a concurrent change or with existing data; reload and retry."
    return error_response(request, 409, detail, "conflict")


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return error_response(request, 500, "An unexpected error occurred.", "internal_error")


def install_error_handlers(app: FastAPI, shapes: list[tuple[str, ErrorShape]] | None = None) -> None:
    """Register the handlers; `shapes` answer errors under a path prefix in another API's format."""
    app.state.error_shapes = shapes or []
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(PoolTimeout, _database_error)
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
