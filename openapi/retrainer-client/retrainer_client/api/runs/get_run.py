from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.run_out import RunOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    run_id: str,
    *,
    wait: float | Unset = 0.0,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    params: dict[str, Any] = {}

    params["wait"] = wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs/{run_id}".format(
            run_id=quote(str(run_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ProblemDetails | RunOut | None:
    if response.status_code == 200:
        response_200 = RunOut.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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
) -> Response[Any | ProblemDetails | RunOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    run_id: str,
    *,
    client: AuthenticatedClient,
    wait: float | Unset = 0.0,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | ProblemDetails | RunOut]:
    """Get a run; ?wait=N long-polls instead of busy polling

     Without `wait`, answers at once. With `wait=N` (seconds, at most 60) and an `If-None-Match` header
    holding the ETag of the representation you have, answers as soon as the run changes (200, new ETag),
    or 304 Not Modified after N seconds. With `wait` and no `If-None-Match`, answers when the run is
    finished or after N seconds.

    Args:
        run_id (str):
        wait (float | Unset): Seconds to wait for a change Default: 0.0.
        if_none_match (None | str | Unset): ETag of the representation you have

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails | RunOut]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        wait=wait,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    run_id: str,
    *,
    client: AuthenticatedClient,
    wait: float | Unset = 0.0,
    if_none_match: None | str | Unset = UNSET,
) -> Any | ProblemDetails | RunOut | None:
    """Get a run; ?wait=N long-polls instead of busy polling

     Without `wait`, answers at once. With `wait=N` (seconds, at most 60) and an `If-None-Match` header
    holding the ETag of the representation you have, answers as soon as the run changes (200, new ETag),
    or 304 Not Modified after N seconds. With `wait` and no `If-None-Match`, answers when the run is
    finished or after N seconds.

    Args:
        run_id (str):
        wait (float | Unset): Seconds to wait for a change Default: 0.0.
        if_none_match (None | str | Unset): ETag of the representation you have

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails | RunOut
    """

    return sync_detailed(
        run_id=run_id,
        client=client,
        wait=wait,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    run_id: str,
    *,
    client: AuthenticatedClient,
    wait: float | Unset = 0.0,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | ProblemDetails | RunOut]:
    """Get a run; ?wait=N long-polls instead of busy polling

     Without `wait`, answers at once. With `wait=N` (seconds, at most 60) and an `If-None-Match` header
    holding the ETag of the representation you have, answers as soon as the run changes (200, new ETag),
    or 304 Not Modified after N seconds. With `wait` and no `If-None-Match`, answers when the run is
    finished or after N seconds.

    Args:
        run_id (str):
        wait (float | Unset): Seconds to wait for a change Default: 0.0.
        if_none_match (None | str | Unset): ETag of the representation you have

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails | RunOut]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        wait=wait,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    run_id: str,
    *,
    client: AuthenticatedClient,
    wait: float | Unset = 0.0,
    if_none_match: None | str | Unset = UNSET,
) -> Any | ProblemDetails | RunOut | None:
    """Get a run; ?wait=N long-polls instead of busy polling

     Without `wait`, answers at once. With `wait=N` (seconds, at most 60) and an `If-None-Match` header
    holding the ETag of the representation you have, answers as soon as the run changes (200, new ETag),
    or 304 Not Modified after N seconds. With `wait` and no `If-None-Match`, answers when the run is
    finished or after N seconds.

    Args:
        run_id (str):
        wait (float | Unset): Seconds to wait for a change Default: 0.0.
        if_none_match (None | str | Unset): ETag of the representation you have

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails | RunOut
    """

    return (
        await asyncio_detailed(
            run_id=run_id,
            client=client,
            wait=wait,
            if_none_match=if_none_match,
        )
    ).parsed
