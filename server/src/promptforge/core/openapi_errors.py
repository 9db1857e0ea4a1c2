"""The error answers every operation can give, added to the OpenAPI in one place.

Routes declare what their own rules answer (404, 409, 429...). What the framework, the middleware
and the authentication answer for any route is added here, so no route can forget one and the
contract (and every client generated from it) lists each status a client can receive.
"""

from __future__ import annotations

from typing import Any

from promptforge.core.errors import PROBLEM_JSON, STATUS_TITLES

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
# Why each status can happen anywhere; the text becomes the response's description.
COMMON = {
    400: "The body could not be read (not UTF-8, not JSON): code `invalid_body`.",
    401: "No valid session cookie or API key (`not_authenticated`, `invalid_session`, `invalid_api_key`).",
    403: "Signed in but not allowed, or a cookie-authenticated write without a valid CSRF token.",
    413: "The body is larger than PF_MAX_BODY_BYTES: code `payload_too_large`.",
    422: "A parameter or the body breaks the schema or a business rule; `errors` locates each field.",
    500: "A bug: code `internal_error` (details are in the server log, never in the answer).",
    503: "PostgreSQL or Redis is unreachable (`database_unavailable`, `cache_unavailable`); retry later.",
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def common_statuses(operation: dict[str, Any], *, secured: bool, api: bool) -> list[int]:
    """The statuses `operation` can answer whatever its handler does."""
    statuses = [413, 500]
    if api:
        statuses.append(503)
    if secured:
        statuses += [401, 403]
    if "requestBody" in operation:
        statuses += [400, 422]
    elif operation.get("parameters"):
        statuses.append(422)
    return statuses


def document_common_errors(schema: dict[str, Any], public_paths: set[str]) -> None:
    """Add the common problem+json answers to every operation of `schema` (in place)."""
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            secured, api = path not in public_paths, path.startswith("/api/")
            statuses = common_statuses(operation, secured=secured, api=api)
            for status in statuses:
                responses.setdefault(
                    str(status),
                    {
                        "description": f"{STATUS_TITLES.get(status, 'Error')}. {COMMON[status]}",
                        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
                    },
                )
