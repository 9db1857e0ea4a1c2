from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_run import PageRun
from ...models.problem_details import ProblemDetails
from ...models.runs_list_status_type_0 import RunsListStatusType0
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: UUID,
    *,
    prompt: None | str | Unset = UNSET,
    provider_id: None | Unset | UUID = UNSET,
    status: None | RunsListStatusType0 | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_prompt: None | str | Unset
    if isinstance(prompt, Unset):
        json_prompt = UNSET
    else:
        json_prompt = prompt
    params["prompt"] = json_prompt

    json_provider_id: None | str | Unset
    if isinstance(provider_id, Unset):
        json_provider_id = UNSET
    elif isinstance(provider_id, UUID):
        json_provider_id = str(provider_id)
    else:
        json_provider_id = provider_id
    params["provider_id"] = json_provider_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, RunsListStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    elif isinstance(cursor, UUID):
        json_cursor = str(cursor)
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/runs".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageRun | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageRun.from_dict(response.json())

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
) -> Response[PageRun | ProblemDetails]:
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
    prompt: None | str | Unset = UNSET,
    provider_id: None | Unset | UUID = UNSET,
    status: None | RunsListStatusType0 | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> Response[PageRun | ProblemDetails]:
    """List Runs

     Runs of a project, newest first.

    Args:
        project_id (UUID):
        prompt (None | str | Unset): Only runs of this prompt
        provider_id (None | Unset | UUID): Only runs with this provider
        status (None | RunsListStatusType0 | Unset):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageRun | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt=prompt,
        provider_id=provider_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    prompt: None | str | Unset = UNSET,
    provider_id: None | Unset | UUID = UNSET,
    status: None | RunsListStatusType0 | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> PageRun | ProblemDetails | None:
    """List Runs

     Runs of a project, newest first.

    Args:
        project_id (UUID):
        prompt (None | str | Unset): Only runs of this prompt
        provider_id (None | Unset | UUID): Only runs with this provider
        status (None | RunsListStatusType0 | Unset):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageRun | ProblemDetails
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        prompt=prompt,
        provider_id=provider_id,
        status=status,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    prompt: None | str | Unset = UNSET,
    provider_id: None | Unset | UUID = UNSET,
    status: None | RunsListStatusType0 | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> Response[PageRun | ProblemDetails]:
    """List Runs

     Runs of a project, newest first.

    Args:
        project_id (UUID):
        prompt (None | str | Unset): Only runs of this prompt
        provider_id (None | Unset | UUID): Only runs with this provider
        status (None | RunsListStatusType0 | Unset):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageRun | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt=prompt,
        provider_id=provider_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    *,
    client: AuthenticatedClient,
    prompt: None | str | Unset = UNSET,
    provider_id: None | Unset | UUID = UNSET,
    status: None | RunsListStatusType0 | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> PageRun | ProblemDetails | None:
    """List Runs

     Runs of a project, newest first.

    Args:
        project_id (UUID):
        prompt (None | str | Unset): Only runs of this prompt
        provider_id (None | Unset | UUID): Only runs with this provider
        status (None | RunsListStatusType0 | Unset):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageRun | ProblemDetails
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            prompt=prompt,
            provider_id=provider_id,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
