from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dataset_import import DatasetImport
from ...models.dataset_imports_create_body import DatasetImportsCreateBody
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: UUID,
    name: str,
    *,
    body: DatasetImportsCreateBody,
    format_: None | str | Unset = UNSET,
    strict: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    else:
        json_format_ = format_
    params["format"] = json_format_

    params["strict"] = strict

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/datasets/{name}/imports".format(
            project_id=quote(str(project_id), safe=""),
            name=quote(str(name), safe=""),
        ),
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DatasetImport | ProblemDetails | None:
    if response.status_code == 202:
        response_202 = DatasetImport.from_dict(response.json())

        return response_202

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
) -> Response[DatasetImport | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: UUID,
    name: str,
    *,
    client: AuthenticatedClient,
    body: DatasetImportsCreateBody,
    format_: None | str | Unset = UNSET,
    strict: bool | Unset = False,
) -> Response[DatasetImport | ProblemDetails]:
    """Create Import

     Upload a CSV, JSONL or JSON file (field `file`) to import as items; a job parses it.

    Editors only. The file (at most PF_DATASET_MAX_UPLOAD_BYTES, else 413) is stored, then parsed by
    a background job: follow it with `dataset-imports-get` or the `dataset.import.*` events. When it
    completes, every good row is an item, all added as one new dataset version.

    Args:
        project_id (UUID):
        name (str): Dataset name
        format_ (None | str | Unset): csv, jsonl or json (default: by file extension)
        strict (bool | Unset): All or nothing: any bad row fails the whole import Default: False.
        body (DatasetImportsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetImport | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        name=name,
        body=body,
        format_=format_,
        strict=strict,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: UUID,
    name: str,
    *,
    client: AuthenticatedClient,
    body: DatasetImportsCreateBody,
    format_: None | str | Unset = UNSET,
    strict: bool | Unset = False,
) -> DatasetImport | ProblemDetails | None:
    """Create Import

     Upload a CSV, JSONL or JSON file (field `file`) to import as items; a job parses it.

    Editors only. The file (at most PF_DATASET_MAX_UPLOAD_BYTES, else 413) is stored, then parsed by
    a background job: follow it with `dataset-imports-get` or the `dataset.import.*` events. When it
    completes, every good row is an item, all added as one new dataset version.

    Args:
        project_id (UUID):
        name (str): Dataset name
        format_ (None | str | Unset): csv, jsonl or json (default: by file extension)
        strict (bool | Unset): All or nothing: any bad row fails the whole import Default: False.
        body (DatasetImportsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetImport | ProblemDetails
    """

    return sync_detailed(
        project_id=project_id,
        name=name,
        client=client,
        body=body,
        format_=format_,
        strict=strict,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    name: str,
    *,
    client: AuthenticatedClient,
    body: DatasetImportsCreateBody,
    format_: None | str | Unset = UNSET,
    strict: bool | Unset = False,
) -> Response[DatasetImport | ProblemDetails]:
    """Create Import

     Upload a CSV, JSONL or JSON file (field `file`) to import as items; a job parses it.

    Editors only. The file (at most PF_DATASET_MAX_UPLOAD_BYTES, else 413) is stored, then parsed by
    a background job: follow it with `dataset-imports-get` or the `dataset.import.*` events. When it
    completes, every good row is an item, all added as one new dataset version.

    Args:
        project_id (UUID):
        name (str): Dataset name
        format_ (None | str | Unset): csv, jsonl or json (default: by file extension)
        strict (bool | Unset): All or nothing: any bad row fails the whole import Default: False.
        body (DatasetImportsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetImport | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        name=name,
        body=body,
        format_=format_,
        strict=strict,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    name: str,
    *,
    client: AuthenticatedClient,
    body: DatasetImportsCreateBody,
    format_: None | str | Unset = UNSET,
    strict: bool | Unset = False,
) -> DatasetImport | ProblemDetails | None:
    """Create Import

     Upload a CSV, JSONL or JSON file (field `file`) to import as items; a job parses it.

    Editors only. The file (at most PF_DATASET_MAX_UPLOAD_BYTES, else 413) is stored, then parsed by
    a background job: follow it with `dataset-imports-get` or the `dataset.import.*` events. When it
    completes, every good row is an item, all added as one new dataset version.

    Args:
        project_id (UUID):
        name (str): Dataset name
        format_ (None | str | Unset): csv, jsonl or json (default: by file extension)
        strict (bool | Unset): All or nothing: any bad row fails the whole import Default: False.
        body (DatasetImportsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetImport | ProblemDetails
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            name=name,
            client=client,
            body=body,
            format_=format_,
            strict=strict,
        )
    ).parsed
