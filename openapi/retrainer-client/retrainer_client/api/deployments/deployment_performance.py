import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.performance_out import PerformanceOut
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    name: str,
    *,
    window: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_window: None | str | Unset
    if isinstance(window, Unset):
        json_window = UNSET
    else:
        json_window = window
    params["window"] = json_window

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/deployments/{name}/performance".format(
            name=quote(str(name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PerformanceOut | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PerformanceOut.from_dict(response.json())

        return response_200

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
) -> Response[PerformanceOut | ProblemDetails]:
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
    window: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> Response[PerformanceOut | ProblemDetails]:
    """Live metrics of the serving version(s) on the labelled predictions of a window

    Args:
        name (str):
        window (None | str | Unset): An ISO 8601 duration ending now (or at until), e.g. PT24H
            (the default) or P7D
        since (datetime.datetime | None | Unset): The window's start, with a time zone (instead of
            window)
        until (datetime.datetime | None | Unset): The window's end (default: now)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PerformanceOut | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        window=window,
        since=since,
        until=until,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    window: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> PerformanceOut | ProblemDetails | None:
    """Live metrics of the serving version(s) on the labelled predictions of a window

    Args:
        name (str):
        window (None | str | Unset): An ISO 8601 duration ending now (or at until), e.g. PT24H
            (the default) or P7D
        since (datetime.datetime | None | Unset): The window's start, with a time zone (instead of
            window)
        until (datetime.datetime | None | Unset): The window's end (default: now)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PerformanceOut | ProblemDetails
    """

    return sync_detailed(
        name=name,
        client=client,
        window=window,
        since=since,
        until=until,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    window: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> Response[PerformanceOut | ProblemDetails]:
    """Live metrics of the serving version(s) on the labelled predictions of a window

    Args:
        name (str):
        window (None | str | Unset): An ISO 8601 duration ending now (or at until), e.g. PT24H
            (the default) or P7D
        since (datetime.datetime | None | Unset): The window's start, with a time zone (instead of
            window)
        until (datetime.datetime | None | Unset): The window's end (default: now)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PerformanceOut | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        window=window,
        since=since,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    window: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> PerformanceOut | ProblemDetails | None:
    """Live metrics of the serving version(s) on the labelled predictions of a window

    Args:
        name (str):
        window (None | str | Unset): An ISO 8601 duration ending now (or at until), e.g. PT24H
            (the default) or P7D
        since (datetime.datetime | None | Unset): The window's start, with a time zone (instead of
            window)
        until (datetime.datetime | None | Unset): The window's end (default: now)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PerformanceOut | ProblemDetails
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            window=window,
            since=since,
            until=until,
        )
    ).parsed
