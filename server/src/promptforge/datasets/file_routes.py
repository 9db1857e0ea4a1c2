"""Routes of dataset file imports (multipart upload, then a job) and exports (a job, then a download)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from starlette.responses import StreamingResponse

from promptforge.auth.dependencies import PrincipalDep
from promptforge.core.db import SessionDep
from promptforge.core.errors import error_responses
from promptforge.core.multipart_upload import MultipartFile
from promptforge.core.pagination import PageDep
from promptforge.core.resources import Resources
from promptforge.core.schemas import Page
from promptforge.core.storage import attachment_header, start_stream
from promptforge.datasets import exports, imports, schemas
from promptforge.datasets.routes import NameParam

router = APIRouter(prefix="/api/v1/projects/{project_id}/datasets", tags=["datasets"])

# 503: `storage_unavailable` (object storage) or `queue_unavailable` (the job queue), retry later.
READ_ERRORS = error_responses(401, 403, 404, 422, 503)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 422, 503)
IMPORTS_PATH = "/{name}/imports"
ImportIdParam = Annotated[uuid.UUID, Path(description="The import's id")]
ExportIdParam = Annotated[uuid.UUID, Path(description="The export's id")]

# The body is read by hand (streamed into object storage), so it is described here for the clients.
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A CSV file with a header row, JSONL, or a JSON array",
                        }
                    },
                }
            }
        },
    }
}


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


@router.post(
    IMPORTS_PATH,
    operation_id="dataset-imports-create",
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
    openapi_extra=UPLOAD_BODY,
)
async def create_import(
    request: Request,
    project_id: uuid.UUID,
    name: NameParam,
    principal: PrincipalDep,
    session: SessionDep,
    file_format: Annotated[
        str | None,
        Query(alias="format", max_length=16, description="csv, jsonl or json (default: by file extension)"),
    ] = None,
    strict: Annotated[bool, Query(description="All or nothing: any bad row fails the whole import")] = False,
) -> schemas.DatasetImport:
    """Upload a CSV, JSONL or JSON file (field `file`) to import as items; a job parses it.

    Editors only. The file (at most PF_DATASET_MAX_UPLOAD_BYTES, else 413) is stored, then parsed by
    a background job: follow it with `dataset-imports-get` or the `dataset.import.*` events. When it
    completes, every good row is an item, all added as one new dataset version.
    """
    resources = _resources(request)
    max_bytes = resources.settings.dataset_max_upload_bytes
    upload = MultipartFile(request, "file", max_bytes)
    return await imports.create_import(
        session, resources, principal, project_id, name, upload, explicit_format=file_format, strict=strict
    )


@router.get(IMPORTS_PATH, operation_id="dataset-imports-list", responses=READ_ERRORS)
async def list_imports(
    project_id: uuid.UUID, name: NameParam, principal: PrincipalDep, session: SessionDep, page: PageDep
) -> Page[schemas.DatasetImport]:
    """Imports of a dataset, newest first."""
    items, cursor = await imports.list_imports(session, principal, project_id, name, page)
    return Page(items=items, next_cursor=cursor)


@router.get(IMPORTS_PATH + "/{import_id}", operation_id="dataset-imports-get", responses=READ_ERRORS)
async def get_import(
    project_id: uuid.UUID,
    name: NameParam,
    import_id: ImportIdParam,
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.DatasetImport:
    """One import: its status, progress, rejected rows (the first 100, by line) and outcome."""
    return await imports.get_import(session, principal, project_id, name, import_id)


@router.post(
    "/{name}/exports",
    operation_id="dataset-exports-create",
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
)
async def create_export(
    request: Request,
    project_id: uuid.UUID,
    name: NameParam,
    data: schemas.ExportCreate,
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.DatasetExport:
    """Export the dataset's current version as CSV or JSONL; a job writes the file.

    Anyone who may read the dataset may export it. `download_url` appears once it is completed.
    """
    return await exports.create_export(session, _resources(request), principal, project_id, name, data)


@router.get("/{name}/exports/{export_id}", operation_id="dataset-exports-get", responses=READ_ERRORS)
async def get_export(
    request: Request,
    project_id: uuid.UUID,
    name: NameParam,
    export_id: ExportIdParam,
    principal: PrincipalDep,
    session: SessionDep,
) -> schemas.DatasetExport:
    """One export; once completed, `download_url` is a short-lived link (S3) or the download route."""
    return await exports.get_export(session, _resources(request), principal, project_id, name, export_id)


@router.get(
    "/{name}/exports/{export_id}/download",
    operation_id="dataset-exports-download",
    responses={
        **error_responses(401, 403, 404, 409, 503),
        200: {"content": {"text/csv": {}, "application/x-ndjson": {}}, "description": "The file"},
    },
    response_class=StreamingResponse,
)
async def download_export(
    request: Request,
    project_id: uuid.UUID,
    name: NameParam,
    export_id: ExportIdParam,
    principal: PrincipalDep,
    session: SessionDep,
) -> StreamingResponse:
    """The exported file (an attachment); access is checked on every download."""
    key, filename, media_type = await exports.export_file(session, principal, project_id, name, export_id)
    chunks = await start_stream(_resources(request).storage.get(key))
    headers = {"Content-Disposition": attachment_header(filename), "Cache-Control": "private, no-store"}
    return StreamingResponse(chunks, media_type=media_type, headers=headers)
