from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.preview import Preview
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    run_id: str,
    step: str,
    port: str,
    *,
    rows: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["rows"] = rows

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs/{run_id}/outputs/{step}/{port}/preview".format(
            run_id=quote(str(run_id), safe=""),
            step=quote(str(step), safe=""),
            port=quote(str(port), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Preview | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = Preview.from_dict(response.json())

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
) -> Response[Preview | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    run_id: str,
    step: str,
    port: str,
    *,
    client: AuthenticatedClient,
    rows: int | Unset = 20,
) -> Response[Preview | ProblemDetails]:
    """A dataset output's first rows and column summaries

     Read on the server after the file's sha256 check, within RETRAINER_PREVIEW_MAX_ROWS and
    RETRAINER_PREVIEW_MAX_BYTES; needs the scopes of the download (runs:read, data:read).

    Args:
        run_id (str):
        step (str):
        port (str):
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Preview | ProblemDetails]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        step=step,
        port=port,
        rows=rows,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    run_id: str,
    step: str,
    port: str,
    *,
    client: AuthenticatedClient,
    rows: int | Unset = 20,
) -> Preview | ProblemDetails | None:
    """A dataset output's first rows and column summaries

     Read on the server after the file's sha256 check, within RETRAINER_PREVIEW_MAX_ROWS and
    RETRAINER_PREVIEW_MAX_BYTES; needs the scopes of the download (runs:read, data:read).

    Args:
        run_id (str):
        step (str):
        port (str):
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Preview | ProblemDetails
    """

    return sync_detailed(
        run_id=run_id,
        step=step,
        port=port,
        client=client,
        rows=rows,
    ).parsed


async def asyncio_detailed(
    run_id: str,
    step: str,
    port: str,
    *,
    client: AuthenticatedClient,
    rows: int | Unset = 20,
) -> Response[Preview | ProblemDetails]:
    """A dataset output's first rows and column summaries

     Read on the server after the file's sha256 check, within RETRAINER_PREVIEW_MAX_ROWS and
    RETRAINER_PREVIEW_MAX_BYTES; needs the scopes of the download (runs:read, data:read).

    Args:
        run_id (str):
        step (str):
        port (str):
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Preview | ProblemDetails]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        step=step,
        port=port,
        rows=rows,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    run_id: str,
    step: str,
    port: str,
    *,
    client: AuthenticatedClient,
    rows: int | Unset = 20,
) -> Preview | ProblemDetails | None:
    """A dataset output's first rows and column summaries

     Read on the server after the file's sha256 check, within RETRAINER_PREVIEW_MAX_ROWS and
    RETRAINER_PREVIEW_MAX_BYTES; needs the scopes of the download (runs:read, data:read).

    Args:
        run_id (str):
        step (str):
        port (str):
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Preview | ProblemDetails
    """

    return (
        await asyncio_detailed(
            run_id=run_id,
            step=step,
            port=port,
            client=client,
            rows=rows,
        )
    ).parsed
