from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_delivery import PageDelivery
from ...models.problem_details import ProblemDetails
from ...models.webhooks_list_deliveries_status_type_0 import WebhooksListDeliveriesStatusType0
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: UUID,
    webhook_id: UUID,
    *,
    status: None | Unset | WebhooksListDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, WebhooksListDeliveriesStatusType0):
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
        "url": "/api/v1/projects/{project_id}/webhooks/{webhook_id}/deliveries".format(
            project_id=quote(str(project_id), safe=""),
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageDelivery | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageDelivery.from_dict(response.json())

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
) -> Response[PageDelivery | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksListDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> Response[PageDelivery | ProblemDetails]:
    """List Deliveries

     A webhook's deliveries, newest first: status code, duration, attempts, next retry, answer excerpt.

    Args:
        project_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksListDeliveriesStatusType0): Only deliveries in this state.
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageDelivery | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        webhook_id=webhook_id,
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
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksListDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> PageDelivery | ProblemDetails | None:
    """List Deliveries

     A webhook's deliveries, newest first: status code, duration, attempts, next retry, answer excerpt.

    Args:
        project_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksListDeliveriesStatusType0): Only deliveries in this state.
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageDelivery | ProblemDetails
    """

    return sync_detailed(
        project_id=project_id,
        webhook_id=webhook_id,
        client=client,
        status=status,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksListDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> Response[PageDelivery | ProblemDetails]:
    """List Deliveries

     A webhook's deliveries, newest first: status code, duration, attempts, next retry, answer excerpt.

    Args:
        project_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksListDeliveriesStatusType0): Only deliveries in this state.
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageDelivery | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        webhook_id=webhook_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksListDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> PageDelivery | ProblemDetails | None:
    """List Deliveries

     A webhook's deliveries, newest first: status code, duration, attempts, next retry, answer excerpt.

    Args:
        project_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksListDeliveriesStatusType0): Only deliveries in this state.
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageDelivery | ProblemDetails
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            webhook_id=webhook_id,
            client=client,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
