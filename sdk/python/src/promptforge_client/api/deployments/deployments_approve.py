from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deployment import Deployment
from ...models.deployment_decision import DeploymentDecision
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: UUID,
    deployment_id: UUID,
    *,
    body: DeploymentDecision | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/deployments/{deployment_id}/approve".format(
            project_id=quote(str(project_id), safe=""),
            deployment_id=quote(str(deployment_id), safe=""),
        ),
    }

    if isinstance(body, DeploymentDecision):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Deployment | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = Deployment.from_dict(response.json())

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
) -> Response[Deployment | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: UUID,
    deployment_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeploymentDecision | None | Unset = UNSET,
) -> Response[Deployment | ProblemDetails]:
    """Approve Deployment

     Approve a pending deployment (another admin or owner than the requester): re-checks the
    evaluation rule, then moves the label.

    Args:
        project_id (UUID):
        deployment_id (UUID): The deployment's id
        body (DeploymentDecision | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deployment | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        deployment_id=deployment_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: UUID,
    deployment_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeploymentDecision | None | Unset = UNSET,
) -> Deployment | ProblemDetails | None:
    """Approve Deployment

     Approve a pending deployment (another admin or owner than the requester): re-checks the
    evaluation rule, then moves the label.

    Args:
        project_id (UUID):
        deployment_id (UUID): The deployment's id
        body (DeploymentDecision | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deployment | ProblemDetails
    """

    return sync_detailed(
        project_id=project_id,
        deployment_id=deployment_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    deployment_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeploymentDecision | None | Unset = UNSET,
) -> Response[Deployment | ProblemDetails]:
    """Approve Deployment

     Approve a pending deployment (another admin or owner than the requester): re-checks the
    evaluation rule, then moves the label.

    Args:
        project_id (UUID):
        deployment_id (UUID): The deployment's id
        body (DeploymentDecision | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deployment | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        deployment_id=deployment_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    deployment_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeploymentDecision | None | Unset = UNSET,
) -> Deployment | ProblemDetails | None:
    """Approve Deployment

     Approve a pending deployment (another admin or owner than the requester): re-checks the
    evaluation rule, then moves the label.

    Args:
        project_id (UUID):
        deployment_id (UUID): The deployment's id
        body (DeploymentDecision | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deployment | ProblemDetails
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            deployment_id=deployment_id,
            client=client,
            body=body,
        )
    ).parsed
