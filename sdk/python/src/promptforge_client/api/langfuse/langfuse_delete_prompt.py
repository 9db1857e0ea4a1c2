from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.langfuse_error_body import LangfuseErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    name: str,
    *,
    label: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_label: None | str | Unset
    if isinstance(label, Unset):
        json_label = UNSET
    else:
        json_label = label
    params["label"] = json_label

    json_version: int | None | Unset
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/public/v2/prompts/{name}".format(
            name=quote(str(name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | LangfuseErrorBody | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | LangfuseErrorBody]:
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
    label: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
) -> Response[Any | LangfuseErrorBody]:
    """Delete Prompt

     Delete (archive) a prompt; deleting single versions is refused (versions are immutable).

    Args:
        name (str): Prompt name
        label (None | str | Unset):
        version (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | LangfuseErrorBody]
    """

    kwargs = _get_kwargs(
        name=name,
        label=label,
        version=version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    label: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
) -> Any | LangfuseErrorBody | None:
    """Delete Prompt

     Delete (archive) a prompt; deleting single versions is refused (versions are immutable).

    Args:
        name (str): Prompt name
        label (None | str | Unset):
        version (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | LangfuseErrorBody
    """

    return sync_detailed(
        name=name,
        client=client,
        label=label,
        version=version,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    label: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
) -> Response[Any | LangfuseErrorBody]:
    """Delete Prompt

     Delete (archive) a prompt; deleting single versions is refused (versions are immutable).

    Args:
        name (str): Prompt name
        label (None | str | Unset):
        version (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | LangfuseErrorBody]
    """

    kwargs = _get_kwargs(
        name=name,
        label=label,
        version=version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    label: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
) -> Any | LangfuseErrorBody | None:
    """Delete Prompt

     Delete (archive) a prompt; deleting single versions is refused (versions are immutable).

    Args:
        name (str): Prompt name
        label (None | str | Unset):
        version (int | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | LangfuseErrorBody
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            label=label,
            version=version,
        )
    ).parsed
