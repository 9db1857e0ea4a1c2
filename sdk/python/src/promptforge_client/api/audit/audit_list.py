from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_audit_event import PageAuditEvent
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    workspace_id: UUID,
    *,
    action: None | str | Unset = UNSET,
    actor: None | str | Unset = UNSET,
    project_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_project_id: None | str | Unset
    if isinstance(project_id, Unset):
        json_project_id = UNSET
    elif isinstance(project_id, UUID):
        json_project_id = str(project_id)
    else:
        json_project_id = project_id
    params["project_id"] = json_project_id

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
        "url": "/api/v1/workspaces/{workspace_id}/audit-log".format(
            workspace_id=quote(str(workspace_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageAuditEvent | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageAuditEvent.from_dict(response.json())

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
) -> Response[PageAuditEvent | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workspace_id: UUID,
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    actor: None | str | Unset = UNSET,
    project_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> Response[PageAuditEvent | ProblemDetails]:
    """List Audit Log

     Every mutation in the workspace, newest first (admin+).

    Args:
        workspace_id (UUID):
        action (None | str | Unset): Action prefix, e.g. `member.`
        actor (None | str | Unset): Part of the actor's email or key name
        project_id (None | Unset | UUID):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditEvent | ProblemDetails]
    """

    kwargs = _get_kwargs(
        workspace_id=workspace_id,
        action=action,
        actor=actor,
        project_id=project_id,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    workspace_id: UUID,
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    actor: None | str | Unset = UNSET,
    project_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> PageAuditEvent | ProblemDetails | None:
    """List Audit Log

     Every mutation in the workspace, newest first (admin+).

    Args:
        workspace_id (UUID):
        action (None | str | Unset): Action prefix, e.g. `member.`
        actor (None | str | Unset): Part of the actor's email or key name
        project_id (None | Unset | UUID):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditEvent | ProblemDetails
    """

    return sync_detailed(
        workspace_id=workspace_id,
        client=client,
        action=action,
        actor=actor,
        project_id=project_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    workspace_id: UUID,
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    actor: None | str | Unset = UNSET,
    project_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> Response[PageAuditEvent | ProblemDetails]:
    """List Audit Log

     Every mutation in the workspace, newest first (admin+).

    Args:
        workspace_id (UUID):
        action (None | str | Unset): Action prefix, e.g. `member.`
        actor (None | str | Unset): Part of the actor's email or key name
        project_id (None | Unset | UUID):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditEvent | ProblemDetails]
    """

    kwargs = _get_kwargs(
        workspace_id=workspace_id,
        action=action,
        actor=actor,
        project_id=project_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    workspace_id: UUID,
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    actor: None | str | Unset = UNSET,
    project_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | Unset | UUID = UNSET,
) -> PageAuditEvent | ProblemDetails | None:
    """List Audit Log

     Every mutation in the workspace, newest first (admin+).

    Args:
        workspace_id (UUID):
        action (None | str | Unset): Action prefix, e.g. `member.`
        actor (None | str | Unset): Part of the actor's email or key name
        project_id (None | Unset | UUID):
        limit (int | Unset): Items per page (max 100). Default: 50.
        cursor (None | Unset | UUID): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditEvent | ProblemDetails
    """

    return (
        await asyncio_detailed(
            workspace_id=workspace_id,
            client=client,
            action=action,
            actor=actor,
            project_id=project_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
