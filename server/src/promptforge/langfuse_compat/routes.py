"""Routes of the Langfuse-compatible API under /api/public (thin: one service call each)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from promptforge import __version__
from promptforge.auth.dependencies import KVDep, SettingsDep
from promptforge.core.db import SessionDep
from promptforge.core.schemas import INT32_MAX
from promptforge.langfuse_compat import schemas, service
from promptforge.langfuse_compat.auth import LangfusePrincipal
from promptforge.langfuse_compat.read import read_prompt
from promptforge.prompts.names import LABEL_NAME
from promptforge.prompts.resolve import PromptResolver, Selector

router = APIRouter(prefix="/api/public", tags=["langfuse"])

Responses = dict[int | str, dict[str, Any]]


def langfuse_errors(*statuses: int) -> Responses:
    """OpenAPI entries for Langfuse's error body (`{"message", "error"}`)."""
    return {s: {"model": schemas.LangfuseErrorBody, "description": "Langfuse's error body"} for s in statuses}


READ_ERRORS = langfuse_errors(400, 401, 404)
PENDING_HEADER = "Prompt-Forge-Pending-Deployments"


def name_pending(response: Response, pending: list[uuid.UUID]) -> None:
    """Langfuse's answer has no field for a label move awaiting approval: a header lists them."""
    if pending:
        response.headers[PENDING_HEADER] = ",".join(str(p) for p in pending)


PROMPT_BODY: Responses = {200: {"model": schemas.LangfusePrompt, "description": "Langfuse's prompt"}}
WRITE_ERRORS = langfuse_errors(400, 401, 403, 404, 409)


def moved_labels(status_code: int) -> Responses:
    """The success answer of a call that moves labels, with the header naming pending moves."""
    header = {"description": "Ids of label moves awaiting approval (deploy gates), comma-separated"}
    return {status_code: {"headers": {PENDING_HEADER: {**header, "schema": {"type": "string"}}}}}


NameParam = Annotated[str, Path(max_length=128, description="Prompt name")]
LabelQuery = Annotated[str | None, Query(pattern=LABEL_NAME, max_length=64)]
VersionQuery = Annotated[int | None, Query(ge=1, le=INT32_MAX)]


@router.get(
    "/v2/prompts/{name}",
    operation_id="langfuse-get-prompt",
    response_class=Response,
    responses=PROMPT_BODY | READ_ERRORS,
)
async def get_prompt(
    request: Request,
    name: NameParam,
    principal: LangfusePrincipal,
    version: VersionQuery = None,
    label: Annotated[
        str | None, Query(pattern=LABEL_NAME, max_length=64, description="Default `production`")
    ] = None,
    resolve: Annotated[bool, Query(description="false: includes are served as stored")] = True,
) -> Response:
    """A prompt version by label (default `production`) or number, served from the resolve caches."""
    resolver: PromptResolver = request.app.state.resolver
    assert principal.api_key_project_id is not None
    body = await read_prompt(
        resolver, principal.api_key_project_id, name, Selector.parse(label, version), resolve=resolve
    )
    return Response(body, media_type="application/json")


@router.post(
    "/v2/prompts",
    operation_id="langfuse-create-prompt",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.LangfusePrompt,
    responses={**WRITE_ERRORS, **moved_labels(201)},
)
async def create_prompt(
    data: schemas.LangfuseCreatePromptRequest,
    principal: LangfusePrincipal,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
    response: Response,
) -> dict[str, Any]:
    """Create a prompt, or a new version of it, and move the given labels onto that version (a label
    whose deploy gate wants approval stays put; the header `Prompt-Forge-Pending-Deployments` names
    the pending deployments)."""
    body, pending = await service.create_prompt(session, kv, settings, principal, data)
    name_pending(response, pending)
    return body


@router.patch(
    "/v2/prompts/{name}/versions/{version}",
    operation_id="langfuse-update-prompt-version",
    response_model=schemas.LangfusePrompt,
    responses={**WRITE_ERRORS, **moved_labels(200)},
)
async def update_prompt_version(
    name: NameParam,
    version: Annotated[int, Path(ge=1, le=INT32_MAX)],
    data: schemas.LangfuseUpdatePromptVersionRequest,
    principal: LangfusePrincipal,
    session: SessionDep,
    kv: KVDep,
    response: Response,
) -> dict[str, Any]:
    """Add labels to a version (`newLabels`); each label leaves the version it was on (a label whose
    deploy gate wants approval stays put; `Prompt-Forge-Pending-Deployments` names the pending
    deployments)."""
    body, pending = await service.add_labels(session, kv, principal, name, version, data)
    name_pending(response, pending)
    return body


@router.get("/v2/prompts", operation_id="langfuse-list-prompts", responses=READ_ERRORS)
async def list_prompts(
    principal: LangfusePrincipal,
    session: SessionDep,
    name: Annotated[str | None, Query(max_length=128)] = None,
    label: LabelQuery = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=INT32_MAX)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> schemas.LangfusePromptMetaList:
    """Prompts of the key's project with their versions and labels (Langfuse's page/limit list)."""
    return await service.list_prompts(
        session, principal, name=name, label=label, tag=tag, page=page, limit=limit
    )


@router.delete(
    "/v2/prompts/{name}",
    operation_id="langfuse-delete-prompt",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def delete_prompt(
    name: NameParam,
    principal: LangfusePrincipal,
    session: SessionDep,
    kv: KVDep,
    label: LabelQuery = None,
    version: VersionQuery = None,
) -> None:
    """Delete (archive) a prompt; deleting single versions is refused (versions are immutable)."""
    await service.delete_prompt(session, kv, principal, name, label, version)


@router.get("/projects", operation_id="langfuse-projects", responses=langfuse_errors(401))
async def projects(principal: LangfusePrincipal, session: SessionDep) -> schemas.LangfuseProjects:
    """The API key's project (what `auth_check()` calls)."""
    return await service.key_project(session, principal)


@router.get("/health", operation_id="langfuse-health")
async def health() -> schemas.LangfuseHealth:
    """Liveness in Langfuse's shape (public)."""
    return schemas.LangfuseHealth(status="OK", version=__version__)
