from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.langfuse_error_body import LangfuseErrorBody
from ...models.langfuse_prompt_meta_list import LangfusePromptMetaList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    name: None | str | Unset = UNSET,
    label: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_name: None | str | Unset
    if isinstance(name, Unset):
        json_name = UNSET
    else:
        json_name = name
    params["name"] = json_name

    json_label: None | str | Unset
    if isinstance(label, Unset):
        json_label = UNSET
    else:
        json_label = label
    params["label"] = json_label

    json_tag: None | str | Unset
    if isinstance(tag, Unset):
        json_tag = UNSET
    else:
        json_tag = tag
    params["tag"] = json_tag

    params["page"] = page

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/public/v2/prompts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LangfuseErrorBody | LangfusePromptMetaList | None:
    if response.status_code == 200:
        response_200 = LangfusePromptMetaList.from_dict(response.json())

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
) -> Response[LangfuseErrorBody | LangfusePromptMetaList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    label: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 50,
) -> Response[LangfuseErrorBody | LangfusePromptMetaList]:
    """List Prompts

     Prompts of the key's project with their versions and labels (Langfuse's page/limit list).

    Args:
        name (None | str | Unset):
        label (None | str | Unset):
        tag (None | str | Unset):
        page (int | Unset):  Default: 1.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePromptMetaList]
    """

    kwargs = _get_kwargs(
        name=name,
        label=label,
        tag=tag,
        page=page,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    label: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 50,
) -> LangfuseErrorBody | LangfusePromptMetaList | None:
    """List Prompts

     Prompts of the key's project with their versions and labels (Langfuse's page/limit list).

    Args:
        name (None | str | Unset):
        label (None | str | Unset):
        tag (None | str | Unset):
        page (int | Unset):  Default: 1.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePromptMetaList
    """

    return sync_detailed(
        client=client,
        name=name,
        label=label,
        tag=tag,
        page=page,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    label: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 50,
) -> Response[LangfuseErrorBody | LangfusePromptMetaList]:
    """List Prompts

     Prompts of the key's project with their versions and labels (Langfuse's page/limit list).

    Args:
        name (None | str | Unset):
        label (None | str | Unset):
        tag (None | str | Unset):
        page (int | Unset):  Default: 1.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePromptMetaList]
    """

    kwargs = _get_kwargs(
        name=name,
        label=label,
        tag=tag,
        page=page,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    label: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 50,
) -> LangfuseErrorBody | LangfusePromptMetaList | None:
    """List Prompts

     Prompts of the key's project with their versions and labels (Langfuse's page/limit list).

    Args:
        name (None | str | Unset):
        label (None | str | Unset):
        tag (None | str | Unset):
        page (int | Unset):  Default: 1.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePromptMetaList
    """

    return (
        await asyncio_detailed(
            client=client,
            name=name,
            label=label,
            tag=tag,
            page=page,
            limit=limit,
        )
    ).parsed
