from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.predict_out import PredictOut
from ...models.predict_request import PredictRequest
from ...models.problem_details import ProblemDetails
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    name: str,
    *,
    body: PredictRequest | File | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/deployments/{name}/predict".format(
            name=quote(str(name), safe=""),
        ),
    }

    if isinstance(body, PredictRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, File):
        _kwargs["content"] = body.payload
        headers["Content-Type"] = "text/csv"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PredictOut | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PredictOut.from_dict(response.json())

        return response_200

    if response.status_code == 409:
        response_409 = ProblemDetails.from_dict(response.json())

        return response_409

    if response.status_code == 415:
        response_415 = ProblemDetails.from_dict(response.json())

        return response_415

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
) -> Response[PredictOut | ProblemDetails]:
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
    body: PredictRequest | File | Unset = UNSET,
) -> Response[PredictOut | ProblemDetails]:
    """Score rows with the version serving now (JSON rows or a CSV body)

    Args:
        name (str):
        body (PredictRequest): Or a text/csv body whose first line names the columns.
        body (File): A header line naming the columns, then one line per row

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PredictOut | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: PredictRequest | File | Unset = UNSET,
) -> PredictOut | ProblemDetails | None:
    """Score rows with the version serving now (JSON rows or a CSV body)

    Args:
        name (str):
        body (PredictRequest): Or a text/csv body whose first line names the columns.
        body (File): A header line naming the columns, then one line per row

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PredictOut | ProblemDetails
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: PredictRequest | File | Unset = UNSET,
) -> Response[PredictOut | ProblemDetails]:
    """Score rows with the version serving now (JSON rows or a CSV body)

    Args:
        name (str):
        body (PredictRequest): Or a text/csv body whose first line names the columns.
        body (File): A header line naming the columns, then one line per row

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PredictOut | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: PredictRequest | File | Unset = UNSET,
) -> PredictOut | ProblemDetails | None:
    """Score rows with the version serving now (JSON rows or a CSV body)

    Args:
        name (str):
        body (PredictRequest): Or a text/csv body whose first line names the columns.
        body (File): A header line naming the columns, then one line per row

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PredictOut | ProblemDetails
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
        )
    ).parsed
