from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_export_import_mode import ImportExportImportMode
from ...models.import_report import ImportReport
from ...models.problem_details import ProblemDetails
from ...models.project_export import ProjectExport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: UUID,
    *,
    body: ProjectExport,
    mode: ImportExportImportMode | Unset = ImportExportImportMode.MERGE,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_mode: str | Unset = UNSET
    if not isinstance(mode, Unset):
        json_mode = mode.value

    params["mode"] = json_mode

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/import".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ImportReport | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = ImportReport.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ProblemDetails.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = ProblemDetails.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ProblemDetails.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ImportReport | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ProjectExport,
    mode: ImportExportImportMode | Unset = ImportExportImportMode.MERGE,
) -> Response[ImportReport | ProblemDetails]:
    """Import Prompts

     Import prompts from an export file (JSON or YAML); nothing is written if any prompt is invalid.

    Args:
        project_id (UUID):
        mode (ImportExportImportMode | Unset): `dry-run` reports without writing Default:
            ImportExportImportMode.MERGE.
        body (ProjectExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        mode=mode,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ProjectExport,
    mode: ImportExportImportMode | Unset = ImportExportImportMode.MERGE,
) -> ImportReport | ProblemDetails | None:
    """Import Prompts

     Import prompts from an export file (JSON or YAML); nothing is written if any prompt is invalid.

    Args:
        project_id (UUID):
        mode (ImportExportImportMode | Unset): `dry-run` reports without writing Default:
            ImportExportImportMode.MERGE.
        body (ProjectExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | ProblemDetails
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
        mode=mode,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ProjectExport,
    mode: ImportExportImportMode | Unset = ImportExportImportMode.MERGE,
) -> Response[ImportReport | ProblemDetails]:
    """Import Prompts

     Import prompts from an export file (JSON or YAML); nothing is written if any prompt is invalid.

    Args:
        project_id (UUID):
        mode (ImportExportImportMode | Unset): `dry-run` reports without writing Default:
            ImportExportImportMode.MERGE.
        body (ProjectExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        mode=mode,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ProjectExport,
    mode: ImportExportImportMode | Unset = ImportExportImportMode.MERGE,
) -> ImportReport | ProblemDetails | None:
    """Import Prompts

     Import prompts from an export file (JSON or YAML); nothing is written if any prompt is invalid.

    Args:
        project_id (UUID):
        mode (ImportExportImportMode | Unset): `dry-run` reports without writing Default:
            ImportExportImportMode.MERGE.
        body (ProjectExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | ProblemDetails
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
            mode=mode,
        )
    ).parsed
