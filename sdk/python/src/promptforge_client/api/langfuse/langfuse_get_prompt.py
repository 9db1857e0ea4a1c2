from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.langfuse_error_body import LangfuseErrorBody
from ...models.langfuse_prompt import LangfusePrompt
from ...types import UNSET, Response, Unset


def _get_kwargs(
    name: str,
    *,
    version: int | None | Unset = UNSET,
    label: None | str | Unset = UNSET,
    resolve: bool | Unset = True,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_version: int | None | Unset
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    json_label: None | str | Unset
    if isinstance(label, Unset):
        json_label = UNSET
    else:
        json_label = label
    params["label"] = json_label

    params["resolve"] = resolve

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/public/v2/prompts/{name}".format(
            name=quote(str(name), safe=""),
        ),
        "params": params,
    }

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
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    label: None | str | Unset = UNSET,
    resolve: bool | Unset = True,
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    """Get Prompt

     A prompt version by label (default `production`) or number, served from the resolve caches.

    Args:
        name (str): Prompt name
        version (int | None | Unset):
        label (None | str | Unset): Default `production`
        resolve (bool | Unset): false: includes are served as stored Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePrompt]
    """

    kwargs = _get_kwargs(
        name=name,
        version=version,
        label=label,
        resolve=resolve,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    label: None | str | Unset = UNSET,
    resolve: bool | Unset = True,
) -> LangfuseErrorBody | LangfusePrompt | None:
    """Get Prompt

     A prompt version by label (default `production`) or number, served from the resolve caches.

    Args:
        name (str): Prompt name
        version (int | None | Unset):
        label (None | str | Unset): Default `production`
        resolve (bool | Unset): false: includes are served as stored Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePrompt
    """

    return sync_detailed(
        name=name,
        client=client,
        version=version,
        label=label,
        resolve=resolve,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    label: None | str | Unset = UNSET,
    resolve: bool | Unset = True,
) -> Response[LangfuseErrorBody | LangfusePrompt]:
    """Get Prompt

     A prompt version by label (default `production`) or number, served from the resolve caches.

    Args:
        name (str): Prompt name
        version (int | None | Unset):
        label (None | str | Unset): Default `production`
        resolve (bool | Unset): false: includes are served as stored Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LangfuseErrorBody | LangfusePrompt]
    """

    kwargs = _get_kwargs(
        name=name,
        version=version,
        label=label,
        resolve=resolve,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    label: None | str | Unset = UNSET,
    resolve: bool | Unset = True,
) -> LangfuseErrorBody | LangfusePrompt | None:
    """Get Prompt

     A prompt version by label (default `production`) or number, served from the resolve caches.

    Args:
        name (str): Prompt name
        version (int | None | Unset):
        label (None | str | Unset): Default `production`
        resolve (bool | Unset): false: includes are served as stored Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LangfuseErrorBody | LangfusePrompt
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            version=version,
            label=label,
            resolve=resolve,
        )
    ).parsed
