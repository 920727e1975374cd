from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.download_run_output_response_200 import DownloadRunOutputResponse200
from ...models.problem_details import ProblemDetails
from ...types import Response


def _get_kwargs(
    run_id: str,
    step: str,
    port: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs/{run_id}/outputs/{step}/{port}".format(
            run_id=quote(str(run_id), safe=""),
            step=quote(str(step), safe=""),
            port=quote(str(port), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DownloadRunOutputResponse200 | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = DownloadRunOutputResponse200.from_dict(response.json())

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
) -> Response[DownloadRunOutputResponse200 | ProblemDetails]:
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
) -> Response[DownloadRunOutputResponse200 | ProblemDetails]:
    """Download one output (checked against its sha256)

    Args:
        run_id (str):
        step (str):
        port (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DownloadRunOutputResponse200 | ProblemDetails]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        step=step,
        port=port,
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
) -> DownloadRunOutputResponse200 | ProblemDetails | None:
    """Download one output (checked against its sha256)

    Args:
        run_id (str):
        step (str):
        port (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DownloadRunOutputResponse200 | ProblemDetails
    """

    return sync_detailed(
        run_id=run_id,
        step=step,
        port=port,
        client=client,
    ).parsed


async def asyncio_detailed(
    run_id: str,
    step: str,
    port: str,
    *,
    client: AuthenticatedClient,
) -> Response[DownloadRunOutputResponse200 | ProblemDetails]:
    """Download one output (checked against its sha256)

    Args:
        run_id (str):
        step (str):
        port (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DownloadRunOutputResponse200 | ProblemDetails]
    """

    kwargs = _get_kwargs(
        run_id=run_id,
        step=step,
        port=port,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    run_id: str,
    step: str,
    port: str,
    *,
    client: AuthenticatedClient,
) -> DownloadRunOutputResponse200 | ProblemDetails | None:
    """Download one output (checked against its sha256)

    Args:
        run_id (str):
        step (str):
        port (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DownloadRunOutputResponse200 | ProblemDetails
    """

    return (
        await asyncio_detailed(
            run_id=run_id,
            step=step,
            port=port,
            client=client,
        )
    ).parsed
