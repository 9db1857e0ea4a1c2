from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.langfuse_create_prompt_request import LangfuseCreatePromptRequest
from ...models.langfuse_error_body import LangfuseErrorBody
from ...models.langfuse_prompt import LangfusePrompt
from ...types import Response


def _get_kwargs(
    *,
    body: LangfuseCreatePromptRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/public/v2/prompts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LangfuseErrorBody | LangfusePrompt | None:
    if response.status_code == 201:
        response_201 = LangfusePrompt.from_dict(response.json())

        return response_201

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
    *,
    client: AuthenticatedClient,
    body: LangfuseCreatePromptRequest,
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    """Create Prompt

     Create a prompt, or a new version of it, and move the given labels onto that version (a label
    whose deploy gate wants approval stays put; the header `Prompt-Forge-Pending-Deployments` names
    the pending deployments).

    Args:
        body (LangfuseCreatePromptRequest): Langfuse's create body: a new prompt, or a new version
            of an existing one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePrompt]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: LangfuseCreatePromptRequest,
) -> LangfuseErrorBody | LangfusePrompt | None:
    """Create Prompt

     Create a prompt, or a new version of it, and move the given labels onto that version (a label
    whose deploy gate wants approval stays put; the header `Prompt-Forge-Pending-Deployments` names
    the pending deployments).

    Args:
        body (LangfuseCreatePromptRequest): Langfuse's create body: a new prompt, or a new version
            of an existing one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePrompt
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: LangfuseCreatePromptRequest,
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    """Create Prompt

     Create a prompt, or a new version of it, and move the given labels onto that version (a label
    whose deploy gate wants approval stays put; the header `Prompt-Forge-Pending-Deployments` names
    the pending deployments).

    Args:
        body (LangfuseCreatePromptRequest): Langfuse's create body: a new prompt, or a new version
            of an existing one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePrompt]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: LangfuseCreatePromptRequest,
) -> LangfuseErrorBody | LangfusePrompt | None:
    """Create Prompt

     Create a prompt, or a new version of it, and move the given labels onto that version (a label
    whose deploy gate wants approval stays put; the header `Prompt-Forge-Pending-Deployments` names
    the pending deployments).

    Args:
        body (LangfuseCreatePromptRequest): Langfuse's create body: a new prompt, or a new version
            of an existing one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePrompt
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
