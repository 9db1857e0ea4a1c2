from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.langfuse_error_body import LangfuseErrorBody
from ...models.langfuse_prompt import LangfusePrompt
from ...models.langfuse_update_prompt_version_request import LangfuseUpdatePromptVersionRequest
from ...types import Response


def _get_kwargs(
    name: str,
    version: int,
    *,
    body: LangfuseUpdatePromptVersionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/public/v2/prompts/{name}/versions/{version}".format(
            name=quote(str(name), safe=""),
            version=quote(str(version), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LangfuseErrorBody | LangfusePrompt | None:
    if response.status_code == 200:
        response_200 = LangfusePrompt.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = LangfuseErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = LangfuseErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = LangfuseErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = LangfuseErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = LangfuseErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = LangfuseErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 500:
        response_500 = LangfuseErrorBody.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = LangfuseErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient,
    body: LangfuseUpdatePromptVersionRequest,
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    """Update Prompt Version

     Add labels to a version (`newLabels`); each label leaves the version it was on (a label whose
    deploy gate wants approval stays put; `Prompt-Forge-Pending-Deployments` names the pending
    deployments).

    Args:
        name (str): Prompt name
        version (int):
        body (LangfuseUpdatePromptVersionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePrompt]
    """

    kwargs = _get_kwargs(
        name=name,
        version=version,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient,
    body: LangfuseUpdatePromptVersionRequest,
) -> LangfuseErrorBody | LangfusePrompt | None:
    """Update Prompt Version

     Add labels to a version (`newLabels`); each label leaves the version it was on (a label whose
    deploy gate wants approval stays put; `Prompt-Forge-Pending-Deployments` names the pending
    deployments).

    Args:
        name (str): Prompt name
        version (int):
        body (LangfuseUpdatePromptVersionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePrompt
    """

    return sync_detailed(
        name=name,
        version=version,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient,
    body: LangfuseUpdatePromptVersionRequest,
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    """Update Prompt Version

     Add labels to a version (`newLabels`); each label leaves the version it was on (a label whose
    deploy gate wants approval stays put; `Prompt-Forge-Pending-Deployments` names the pending
    deployments).

    Args:
        name (str): Prompt name
        version (int):
        body (LangfuseUpdatePromptVersionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePrompt]
    """

    kwargs = _get_kwargs(
        name=name,
        version=version,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient,
    body: LangfuseUpdatePromptVersionRequest,
) -> LangfuseErrorBody | LangfusePrompt | None:
    """Update Prompt Version

     Add labels to a version (`newLabels`); each label leaves the version it was on (a label whose
    deploy gate wants approval stays put; `Prompt-Forge-Pending-Deployments` names the pending
    deployments).

    Args:
        name (str): Prompt name
        version (int):
        body (LangfuseUpdatePromptVersionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePrompt
    """

    return (
        await asyncio_detailed(
            name=name,
            version=version,
            client=client,
            body=body,
        )
    ).parsed
