from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.trigger_create import TriggerCreate
from ...models.trigger_out import TriggerOut
from ...types import Response


def _get_kwargs(
    endpoint: str,
    *,
    body: TriggerCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/endpoints/{endpoint}/triggers".format(
            endpoint=quote(str(endpoint), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | TriggerOut | None:
    if response.status_code == 201:
        response_201 = TriggerOut.from_dict(response.json())

        return response_201

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ProblemDetails.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

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
) -> Response[ProblemDetails | TriggerOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: TriggerCreate,
) -> Response[ProblemDetails | TriggerOut]:
    """Start runs of the endpoint on a schedule or when new data arrives

    Args:
        endpoint (str):
        body (TriggerCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | TriggerOut]
    """

    kwargs = _get_kwargs(
        endpoint=endpoint,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: TriggerCreate,
) -> ProblemDetails | TriggerOut | None:
    """Start runs of the endpoint on a schedule or when new data arrives

    Args:
        endpoint (str):
        body (TriggerCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | TriggerOut
    """

    return sync_detailed(
        endpoint=endpoint,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: TriggerCreate,
) -> Response[ProblemDetails | TriggerOut]:
    """Start runs of the endpoint on a schedule or when new data arrives

    Args:
        endpoint (str):
        body (TriggerCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | TriggerOut]
    """

    kwargs = _get_kwargs(
        endpoint=endpoint,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: TriggerCreate,
) -> ProblemDetails | TriggerOut | None:
    """Start runs of the endpoint on a schedule or when new data arrives

    Args:
        endpoint (str):
        body (TriggerCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | TriggerOut
    """

    return (
        await asyncio_detailed(
            endpoint=endpoint,
            client=client,
            body=body,
        )
    ).parsed
