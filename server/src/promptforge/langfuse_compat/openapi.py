"""The OpenAPI of /api/public says what it really answers: Basic auth and Langfuse's error body."""

from __future__ import annotations

from typing import Any

from promptforge.core.errors import STATUS_TITLES
from promptforge.langfuse_compat.errors import PUBLIC_PREFIX
from promptforge.langfuse_compat.schemas import LangfuseErrorBody

ERROR_REF = {"$ref": "#/components/schemas/LangfuseErrorBody"}


def document_langfuse_api(schema: dict[str, Any], public_paths: set[str]) -> None:
    """After the common problem+json answers were added: rewrite them for /api/public (in place)."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["LangfuseErrorBody"] = LangfuseErrorBody.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    components.setdefault("securitySchemes", {})["langfuseBasic"] = {
        "type": "http",
        "scheme": "basic",
        "description": "An API key's public key (`pk-pf-...`) as user name, the key (`pf_...`) as password",
    }
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(PUBLIC_PREFIX):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            operation["security"] = [] if path in public_paths else [{"langfuseBasic": []}]
            responses = operation.get("responses", {})
            if "422" in responses:  # Langfuse answers validation failures with 400
                responses.pop("422")
                responses.setdefault("400", {"description": "Bad Request"})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
                    response.setdefault("description", STATUS_TITLES.get(int(status), "Error"))
