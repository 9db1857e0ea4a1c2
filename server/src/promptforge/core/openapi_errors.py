"""The error answers every operation can give, added to the OpenAPI in one place.

Routes declare what their own rules answer (404, 409, 429...). What the framework, the middleware
and the authentication answer for any route is added here, so no route can forget one and the
contract (and every client generated from it) lists each status a client can receive.
"""

from __future__ import annotations

from typing import Any

from promptforge.core.errors import OPENAI_ERROR_PREFIXES, PROBLEM_JSON, STATUS_TITLES
from promptforge.core.schemas import NO_NUL

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
# The gateway answers OpenAI's error shape as plain JSON (core/errors.py)
OPENAI_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}}
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
            content = (
                OPENAI_ERROR_CONTENT
                if path.startswith(OPENAI_ERROR_PREFIXES)
                else {PROBLEM_JSON: {"schema": PROBLEM_REF}}
            )
            for status in statuses:
                responses.setdefault(
                    str(status),
                    {
                        "description": f"{STATUS_TITLES.get(status, 'Error')}. {COMMON[status]}",
                        "content": content,
                    },
                )


_COMPOSITES = ("anyOf", "oneOf", "allOf", "prefixItems")


def document_text_rules(schema: dict[str, Any]) -> None:
    """Say in the OpenAPI what every request schema refuses: NUL in any string (core/schemas.py).

    Only schemas reachable from request bodies get the pattern, so a response that may carry a NUL
    (rendered output) is not declared invalid. Strings that already have a pattern, format or enum
    are left alone: those are stricter already.
    """
    components = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    stack: list[Any] = [
        media.get("schema")
        for operations in schema.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                stack.append(components.get(name))
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys():
            node["pattern"] = NO_NUL
        stack.extend(node.get(key) for key in (*_COMPOSITES, "items", "additionalProperties"))
        stack.extend((node.get("properties") or {}).values())
