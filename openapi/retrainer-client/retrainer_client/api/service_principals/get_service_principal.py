from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.service_principal_out import ServicePrincipalOut
from ...types import Response


def _get_kwargs(
    sp_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/service-principals/{sp_id}".format(
            sp_id=quote(str(sp_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | ServicePrincipalOut | None:
    if response.status_code == 200:
        response_200 = ServicePrincipalOut.from_dict(response.json())

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
) -> Response[ProblemDetails | ServicePrincipalOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sp_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ProblemDetails | ServicePrincipalOut]:
    """Get a service principal

    Args:
        sp_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ServicePrincipalOut]
    """

    kwargs = _get_kwargs(
        sp_id=sp_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sp_id: str,
    *,
    client: AuthenticatedClient,
) -> ProblemDetails | ServicePrincipalOut | None:
    """Get a service principal

    Args:
        sp_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ServicePrincipalOut
    """

    return sync_detailed(
        sp_id=sp_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    sp_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ProblemDetails | ServicePrincipalOut]:
    """Get a service principal

    Args:
        sp_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ServicePrincipalOut]
    """

    kwargs = _get_kwargs(
        sp_id=sp_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sp_id: str,
    *,
    client: AuthenticatedClient,
) -> ProblemDetails | ServicePrincipalOut | None:
    """Get a service principal

    Args:
        sp_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ServicePrincipalOut
    """

    return (
        await asyncio_detailed(
            sp_id=sp_id,
            client=client,
        )
    ).parsed
