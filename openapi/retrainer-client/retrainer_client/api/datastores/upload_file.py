from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.file_uploaded import FileUploaded
from ...models.problem_details import ProblemDetails
from ...types import File, Response


def _get_kwargs(
    name: str,
    path: str,
    *,
    body: File,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/datastores/{name}/files/{path}".format(
            name=quote(str(name), safe=""),
            path=quote(str(path), safe=""),
        ),
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FileUploaded | ProblemDetails | None:
    if response.status_code == 201:
        response_201 = FileUploaded.from_dict(response.json())

        return response_201

    if 400 <= response.status_code <= 499:
        response_4xx = ProblemDetails.from_dict(response.json())

        return response_4xx

    if 500 <= response.status_code <= 599:
        response_5xx = ProblemDetails.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FileUploaded | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File,
) -> Response[FileUploaded | ProblemDetails]:
    """Upload a file (the raw request body becomes the file)

    Args:
        name (str):
        path (str):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FileUploaded | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        path=path,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File,
) -> FileUploaded | ProblemDetails | None:
    """Upload a file (the raw request body becomes the file)

    Args:
        name (str):
        path (str):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FileUploaded | ProblemDetails
    """

    return sync_detailed(
        name=name,
        path=path,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File,
) -> Response[FileUploaded | ProblemDetails]:
    """Upload a file (the raw request body becomes the file)

    Args:
        name (str):
        path (str):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FileUploaded | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        path=path,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    path: str,
    *,
    client: AuthenticatedClient,
    body: File,
) -> FileUploaded | ProblemDetails | None:
    """Upload a file (the raw request body becomes the file)

    Args:
        name (str):
        path (str):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FileUploaded | ProblemDetails
    """

    return (
        await asyncio_detailed(
            name=name,
            path=path,
            client=client,
            body=body,
        )
    ).parsed
