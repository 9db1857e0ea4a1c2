from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_export_export_format import ImportExportExportFormat
from ...models.problem_details import ProblemDetails
from ...models.project_export import ProjectExport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: UUID,
    *,
    format_: ImportExportExportFormat | Unset = ImportExportExportFormat.JSON,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/export".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | ProjectExport | None:
    if response.status_code == 200:
        response_200 = ProjectExport.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

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
) -> Response[ProblemDetails | ProjectExport]:
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
    format_: ImportExportExportFormat | Unset = ImportExportExportFormat.JSON,
) -> Response[ProblemDetails | ProjectExport]:
    """Export Prompts

     All prompts of the project with all versions and labels, as a YAML or JSON file.

    Args:
        project_id (UUID):
        format_ (ImportExportExportFormat | Unset): File format Default:
            ImportExportExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ProjectExport]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ImportExportExportFormat | Unset = ImportExportExportFormat.JSON,
) -> ProblemDetails | ProjectExport | None:
    """Export Prompts

     All prompts of the project with all versions and labels, as a YAML or JSON file.

    Args:
        project_id (UUID):
        format_ (ImportExportExportFormat | Unset): File format Default:
            ImportExportExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ProjectExport
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ImportExportExportFormat | Unset = ImportExportExportFormat.JSON,
) -> Response[ProblemDetails | ProjectExport]:
    """Export Prompts

     All prompts of the project with all versions and labels, as a YAML or JSON file.

    Args:
        project_id (UUID):
        format_ (ImportExportExportFormat | Unset): File format Default:
            ImportExportExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ProjectExport]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ImportExportExportFormat | Unset = ImportExportExportFormat.JSON,
) -> ProblemDetails | ProjectExport | None:
    """Export Prompts

     All prompts of the project with all versions and labels, as a YAML or JSON file.

    Args:
        project_id (UUID):
        format_ (ImportExportExportFormat | Unset): File format Default:
            ImportExportExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ProjectExport
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            format_=format_,
        )
    ).parsed
