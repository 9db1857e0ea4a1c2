from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.comparison import Comparison
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response


def _get_kwargs(
    project_id: UUID,
    evaluation_id: UUID,
    *,
    against: UUID,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_against = str(against)
    params["against"] = json_against

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/evaluations/{evaluation_id}/compare".format(
            project_id=quote(str(project_id), safe=""),
            evaluation_id=quote(str(evaluation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Comparison | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = Comparison.from_dict(response.json())

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
) -> Response[Comparison | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: UUID,
    evaluation_id: UUID,
    *,
    client: AuthenticatedClient,
    against: UUID,
) -> Response[Comparison | ProblemDetails]:
    """Compare Evaluations

     Regressions, fixes and the change of every summary figure from `against` to this evaluation.

    Cells are matched by dataset item id and variant name. A regression passed in `against` and
    does not pass now (failed or error); a fix is the reverse.

    Args:
        project_id (UUID):
        evaluation_id (UUID):
        against (UUID): The baseline evaluation ("before") of the same project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Comparison | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        evaluation_id=evaluation_id,
        against=against,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: UUID,
    evaluation_id: UUID,
    *,
    client: AuthenticatedClient,
    against: UUID,
) -> Comparison | ProblemDetails | None:
    """Compare Evaluations

     Regressions, fixes and the change of every summary figure from `against` to this evaluation.

    Cells are matched by dataset item id and variant name. A regression passed in `against` and
    does not pass now (failed or error); a fix is the reverse.

    Args:
        project_id (UUID):
        evaluation_id (UUID):
        against (UUID): The baseline evaluation ("before") of the same project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Comparison | ProblemDetails
    """

    return sync_detailed(
        project_id=project_id,
        evaluation_id=evaluation_id,
        client=client,
        against=against,
    ).parsed


async def asyncio_detailed(
    project_id: UUID,
    evaluation_id: UUID,
    *,
    client: AuthenticatedClient,
    against: UUID,
) -> Response[Comparison | ProblemDetails]:
    """Compare Evaluations

     Regressions, fixes and the change of every summary figure from `against` to this evaluation.

    Cells are matched by dataset item id and variant name. A regression passed in `against` and
    does not pass now (failed or error); a fix is the reverse.

    Args:
        project_id (UUID):
        evaluation_id (UUID):
        against (UUID): The baseline evaluation ("before") of the same project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Comparison | ProblemDetails]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        evaluation_id=evaluation_id,
        against=against,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: UUID,
    evaluation_id: UUID,
    *,
    client: AuthenticatedClient,
    against: UUID,
) -> Comparison | ProblemDetails | None:
    """Compare Evaluations

     Regressions, fixes and the change of every summary figure from `against` to this evaluation.

    Cells are matched by dataset item id and variant name. A regression passed in `against` and
    does not pass now (failed or error); a fix is the reverse.

    Args:
        project_id (UUID):
        evaluation_id (UUID):
        against (UUID): The baseline evaluation ("before") of the same project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Comparison | ProblemDetails
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            evaluation_id=evaluation_id,
            client=client,
            against=against,
        )
    ).parsed
