"""Routes of the OpenAI-compatible gateway: chat completions (JSON or SSE) and the model list.

Errors on these paths answer in OpenAI's shape (core/errors.py), never problem+json. The body is
parsed by hand (like render) so that its validation errors come back in that shape as well.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.background import BackgroundTask

from promptforge.gateway import schemas, service
from promptforge.gateway.calls import complete_call
from promptforge.gateway.sse import GatewayEventStream, open_gateway_stream
from promptforge.prompts.resolve import parse_body
from promptforge.workspaces.permissions import Action

router = APIRouter(prefix="/api/gateway/v1", tags=["gateway"])

OPENAI_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}}
ERROR_STATUSES = {
    401: "Missing, invalid or revoked API key",
    403: "A viewer key on chat completions (editor needed)",
    404: "Unknown prompt, label or version (`model`)",
    422: "Invalid body, a missing variable (`param` names it), or no provider connection",
    429: "The provider rate-limits this connection; `Retry-After` says when to retry",
    502: "The provider failed, refused the connection's key or answered outside its protocol",
    504: "The provider did not answer in time",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": schemas.OpenAIError, "description": ERROR_STATUSES[status], "content": OPENAI_ERROR}
        for status in statuses
    }


COMPLETION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "OpenAI's chat completion; with `stream: true` text/event-stream of "
        "`data: {chunk}` events ending with `data: [DONE]`. Headers: X-Prompt-Forge-Run-Id, "
        "X-Prompt-Forge-Prompt-Version.",
        "content": {
            "application/json": {"schema": {"type": "object", "additionalProperties": True}},
            "text/event-stream": {"schema": {"type": "string"}},
        },
    },
    **_errors(401, 403, 404, 422, 429, 502, 504),
}


@router.post(
    "/chat/completions",
    operation_id="gateway-chat-completions",
    response_class=Response,
    responses=COMPLETION_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletionRequest"}}
            },
        }
    },
)
async def chat_completions(request: Request) -> Response:
    """Render the managed prompt `model` names, call its provider and answer in OpenAI's format."""
    services = service.gateway_services(request)
    caller = await service.authenticate(services, request.headers.get("authorization"), Action.WRITE)
    data = parse_body(schemas.ChatCompletionRequest, await request.body())
    call = await service.prepare_call(services, caller, data)
    if data.stream:
        return GatewayEventStream(await open_gateway_stream(services, call))
    answer, outcome = await complete_call(services, call)
    # the run is written once the answer is sent (docs/gateway.md, "Runs")
    stored = BackgroundTask(service.record_run, services, call, outcome)
    return Response(answer.body, media_type="application/json", headers=call.headers(), background=stored)


@router.get(
    "/models",
    operation_id="gateway-models",
    response_model=schemas.GatewayModelList,
    responses=_errors(401),
)
async def list_models(request: Request) -> schemas.GatewayModelList:
    """The project's prompts as OpenAI models: `prompt:<name>@<label>` for each label and `latest`."""
    services = service.gateway_services(request)
    caller = await service.authenticate(services, request.headers.get("authorization"), Action.READ)
    async with services.sessionmaker() as session:
        return await service.list_models(session, caller)
