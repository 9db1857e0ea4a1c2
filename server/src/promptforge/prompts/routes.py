"""Routes of the prompt registry: prompts, versions, labels, render and the resolve hot path."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from promptforge.auth.dependencies import KVDep, PrincipalDep, SettingsDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.pagination import PageDep
from promptforge.core.schemas import INT32_MAX, NO_NUL, Page
from promptforge.deployments.schemas import Deployment
from promptforge.prompts import portability, schemas, service
from promptforge.prompts.rendering.renderer import Renderer
from promptforge.prompts.resolve import (
    PROMPT_PATH_PARAMETERS,
    RESOLVE_PARAMETERS,
    PromptResolver,
    Selector,
    parse_body,
    parse_prompt_path,
    parse_resolve_request,
    render_with_includes,
)

router = APIRouter(prefix="/api/v1/projects/{project_id}/prompts", tags=["prompts"])

NameParam = Annotated[str, Path(max_length=128, description="Prompt name")]
LabelParam = Annotated[str, Path(pattern=schemas.LABEL_NAME, description="Label name")]
NumberParam = Annotated[int, Path(ge=1, le=INT32_MAX, description="Version number")]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)
CACHE_CONTROL = "private, max-age=0, must-revalidate"
Responses = dict[int | str, dict[str, Any]]
UNCHANGED_VERSION: Responses = {
    200: {"model": schemas.Version, "description": "Same content as the latest version: nothing created"}
}
RESOLVED: Responses = {
    200: {"model": schemas.ResolvedPrompt, "description": "The resolved prompt; carries a strong ETag"},
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}
RENDERED: Responses = {200: {"model": schemas.RenderedPrompt, "description": "The rendered prompt"}}
EXPORT_FILE: Responses = {200: {"model": schemas.ProjectExport, "content": {"application/yaml": {}}}}


# The hot paths are registered first: routes are matched in order.
@router.get(
    "/{name}/resolve",
    operation_id="prompts-resolve",
    response_class=Response,
    responses=RESOLVED | READ_ERRORS,
    openapi_extra={"parameters": RESOLVE_PARAMETERS},
)
async def resolve_prompt(request: Request) -> Response:
    """The hot path for applications: the template and config a label (or version) points at."""
    # Parameters are parsed by hand: FastAPI's parameter machinery is a third of this route's cost.
    project_id, name, selector = parse_resolve_request(request)
    resolver: PromptResolver = request.app.state.resolver
    generations = await resolver.generations(project_id, name)
    await resolver.authorize(request, project_id, generations.keys)
    payload = await resolver.payload(project_id, name, selector, generations.prompt)
    headers = {"ETag": payload.etag, "Cache-Control": CACHE_CONTROL}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and (if_none_match.strip() == "*" or payload.etag in if_none_match):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(payload.body, media_type="application/json", headers=headers)


@router.post(
    "/{name}/render",
    operation_id="prompts-render",
    response_class=Response,
    responses=RENDERED | READ_ERRORS,
    openapi_extra={
        "parameters": PROMPT_PATH_PARAMETERS,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}},
        },
    },
)
async def render_prompt(request: Request) -> Response:
    """Render a label (default `production`) or version with variables, in the sandbox."""
    # Parsed by hand like resolve: render is called on every request an application serves.
    project_id, name = parse_prompt_path(request)
    data = parse_body(schemas.RenderRequest, await request.body())
    resolver: PromptResolver = request.app.state.resolver
    renderer: Renderer = request.app.state.renderer
    generations = await resolver.generations(project_id, name)
    await resolver.authorize(request, project_id, generations.keys)
    selector = Selector.parse(data.label, data.version)
    source = (await resolver.payload(project_id, name, selector, generations.prompt)).source()
    result = await render_with_includes(resolver, renderer, project_id, source, data.variables)
    # Built without validation: the output is the renderer's, not client input (a template may
    # legitimately print characters that the input schemas refuse), and this is the hot path.
    rendered = schemas.RenderedPrompt.model_construct(
        name=source.name, version=source.version, kind=source.kind, text=result.text, messages=result.messages
    )
    return Response(rendered.model_dump_json(exclude_none=True), media_type="application/json")


@router.get("", operation_id="prompts-list", responses=READ_ERRORS)
async def list_prompts(
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=200, description="Text in name or description")
    ] = None,
    tag: Annotated[str | None, Query(pattern=NO_NUL, max_length=64)] = None,
    label: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=64, description="Only prompts that have this label")
    ] = None,
    archived: Annotated[bool, Query(description="List archived prompts instead")] = False,
) -> Page[schemas.Prompt]:
    """Prompts of a project with their labels and latest version number."""
    items, cursor = await service.list_prompts(
        session, principal, project_id, page, q=q, tag=tag, label=label, archived=archived
    )
    return Page(items=items, next_cursor=cursor)


@router.post("", operation_id="prompts-create", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
async def create_prompt(
    project_id: uuid.UUID,
    data: schemas.PromptCreate,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
) -> schemas.PromptWithVersion:
    """Create a prompt with its version 1."""
    return await service.create_prompt(session, kv, settings, principal, project_id, data)


@router.get("/{name}", operation_id="prompts-get", responses=READ_ERRORS)
async def get_prompt(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep
) -> schemas.Prompt:
    """One prompt (archived ones too)."""
    return await service.get_prompt(session, principal, project_id, name)


@router.patch("/{name}", operation_id="prompts-update", responses=WRITE_ERRORS)
async def update_prompt(
    project_id: uuid.UUID,
    name: NameParam,
    data: schemas.PromptUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
) -> schemas.Prompt:
    """Change description or tags; `{"archived": false}` restores an archived prompt."""
    return await service.update_prompt(session, kv, principal, project_id, name, data)


@router.delete(
    "/{name}", operation_id="prompts-archive", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
async def archive_prompt(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep, kv: KVDep
) -> None:
    """Archive a prompt: hidden from lists and resolve until restored."""
    await service.archive_prompt(session, kv, principal, project_id, name)


@router.get("/{name}/versions", operation_id="prompts-list-versions", responses=READ_ERRORS)
async def list_versions(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.Version]:
    """Versions of a prompt, newest first."""
    rows, cursor = await service.list_versions(session, principal, project_id, name, page)
    return Page(items=[schemas.Version.model_validate(v) for v in rows], next_cursor=cursor)


@router.post(
    "/{name}/versions",
    operation_id="prompts-create-version",
    status_code=status.HTTP_201_CREATED,
    responses=UNCHANGED_VERSION | WRITE_ERRORS,
)
async def create_version(
    project_id: uuid.UUID,
    name: NameParam,
    data: schemas.VersionCreate,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
    response: Response,
) -> schemas.Version:
    """Add an immutable version; content identical to the latest version returns the latest (200)."""
    version, created = await service.create_version(session, kv, settings, principal, project_id, name, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return schemas.Version.model_validate(version)


@router.get("/{name}/versions/{number}", operation_id="prompts-get-version", responses=READ_ERRORS)
async def get_version(
    project_id: uuid.UUID, name: NameParam, number: NumberParam, principal: PrincipalDep, session: SessionDep
) -> schemas.Version:
    """One version of a prompt."""
    return schemas.Version.model_validate(
        await service.get_version(session, principal, project_id, name, number)
    )


@router.get("/{name}/versions/{number}/diff", operation_id="prompts-diff-versions", responses=READ_ERRORS)
async def diff_versions(
    project_id: uuid.UUID,
    name: NameParam,
    number: NumberParam,
    against: Annotated[int, Query(ge=1, le=INT32_MAX, description="The version to compare with")],
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.VersionDiff:
    """Line diff of the template and of the model config between two versions."""
    return await service.diff_versions(session, principal, project_id, name, number, against)


@router.get("/{name}/labels", operation_id="prompts-list-labels", responses=READ_ERRORS)
async def list_labels(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep
) -> Page[schemas.Label]:
    """Labels of a prompt, with whether each is protected (a prompt has few: one page)."""
    return Page(items=await service.list_labels(session, principal, project_id, name), next_cursor=None)


MOVED_OR_PENDING: Responses = {
    200: {"model": schemas.Label, "description": "The label moved"},
    202: {
        "model": Deployment,
        "description": "The deploy policy wants approval: a pending deployment was created, "
        "the label did not move",
    },
    409: {
        **WRITE_ERRORS[409],
        "description": "`deploy_gate_failed`: the label's evaluation rule is not met (`reason`, "
        "`best_evaluation`, `requirement` say why; docs/deploy-gates.md)",
    },
}


@router.put(
    "/{name}/labels/{label}",
    operation_id="prompts-move-label",
    response_model=schemas.Label,
    responses=WRITE_ERRORS | MOVED_OR_PENDING,
)
async def move_label(
    project_id: uuid.UUID,
    name: NameParam,
    label: LabelParam,
    data: schemas.LabelMove,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
) -> Any:
    """Deploy or roll back: point a label at a version (protected labels need admin or owner; a
    label in the deploy policy passes its gate first, and may answer 202 with a pending deployment)."""
    moved = await service.move_label(session, kv, principal, project_id, name, label, data.version)
    if isinstance(moved, Deployment):
        return JSONResponse(moved.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
    return moved


@router.delete(
    "/{name}/labels/{label}",
    operation_id="prompts-remove-label",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
async def remove_label(
    project_id: uuid.UUID,
    name: NameParam,
    label: LabelParam,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
) -> None:
    """Remove a label from a prompt."""
    await service.remove_label(session, kv, principal, project_id, name, label)


@router.get("/{name}/labels/{label}/history", operation_id="prompts-label-history", responses=READ_ERRORS)
async def label_history(
    project_id: uuid.UUID,
    name: NameParam,
    label: LabelParam,
    principal: PrincipalDep,
    session: SessionDep,
    page: PageDep,
) -> Page[schemas.LabelEvent]:
    """Every move of a label: from which version to which, who, when (newest first)."""
    rows, cursor = await service.label_history(session, principal, project_id, name, label, page)
    return Page(items=[schemas.LabelEvent.model_validate(e) for e in rows], next_cursor=cursor)


portability_router = APIRouter(prefix="/api/v1/projects/{project_id}", tags=["import-export"])


@portability_router.get(
    "/export",
    operation_id="import-export-export",
    response_class=Response,
    responses=EXPORT_FILE | READ_ERRORS,
)
async def export_prompts(
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    format: Annotated[Literal["yaml", "json"], Query(description="File format")] = "json",
) -> Response:
    """All prompts of the project with all versions and labels, as a YAML or JSON file."""
    export = await portability.export_project(session, principal, project_id)
    media = "application/yaml" if format == "yaml" else "application/json"
    # Serializing thousands of versions is CPU work: off the event loop that serves resolve.
    body = await asyncio.to_thread(portability.dump_export, export, format)
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="prompts.{format}"'},
    )


@portability_router.post(
    "/import",
    operation_id="import-export-import",
    responses=WRITE_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ProjectExport"}},
                "application/yaml": {"schema": {"$ref": "#/components/schemas/ProjectExport"}},
            },
        }
    },
)
async def import_prompts(
    request: Request,
    project_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
    mode: Annotated[portability.ImportMode, Query(description="`dry-run` reports without writing")] = "merge",
) -> schemas.ImportReport:
    """Import prompts from an export file (JSON or YAML); nothing is written if any prompt is invalid."""
    content_type = request.headers.get("content-type", "")
    return await portability.import_project(
        session, kv, settings, principal, project_id, request.body, content_type, mode
    )
