from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dry_run_out import DryRunOut
from ...models.endpoint_run_request import EndpointRunRequest
from ...models.problem_details import ProblemDetails
from ...models.run_out import RunOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint: str,
    *,
    body: EndpointRunRequest,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/endpoints/{endpoint}/runs".format(
            endpoint=quote(str(endpoint), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DryRunOut | ProblemDetails | RunOut | None:
    if response.status_code == 200:
        response_200 = DryRunOut.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = RunOut.from_dict(response.json())

        return response_202

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
) -> Response[DryRunOut | ProblemDetails | RunOut]:
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
    body: EndpointRunRequest,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DryRunOut | ProblemDetails | RunOut]:
    """Retrain: run a published version with new parameter values

    Args:
        endpoint (str):
        dry_run (bool | Unset): Check the request and answer what a run would use; create nothing
            Default: False.
        idempotency_key (None | str | Unset): Replays the original response for a repeated request
            (kept 24 hours)
        body (EndpointRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DryRunOut | ProblemDetails | RunOut]
    """

    kwargs = _get_kwargs(
        endpoint=endpoint,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: EndpointRunRequest,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> DryRunOut | ProblemDetails | RunOut | None:
    """Retrain: run a published version with new parameter values

    Args:
        endpoint (str):
        dry_run (bool | Unset): Check the request and answer what a run would use; create nothing
            Default: False.
        idempotency_key (None | str | Unset): Replays the original response for a repeated request
            (kept 24 hours)
        body (EndpointRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DryRunOut | ProblemDetails | RunOut
    """

    return sync_detailed(
        endpoint=endpoint,
        client=client,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: EndpointRunRequest,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DryRunOut | ProblemDetails | RunOut]:
    """Retrain: run a published version with new parameter values

    Args:
        endpoint (str):
        dry_run (bool | Unset): Check the request and answer what a run would use; create nothing
            Default: False.
        idempotency_key (None | str | Unset): Replays the original response for a repeated request
            (kept 24 hours)
        body (EndpointRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DryRunOut | ProblemDetails | RunOut]
    """

    kwargs = _get_kwargs(
        endpoint=endpoint,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint: str,
    *,
    client: AuthenticatedClient,
    body: EndpointRunRequest,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> DryRunOut | ProblemDetails | RunOut | None:
    """Retrain: run a published version with new parameter values

    Args:
        endpoint (str):
        dry_run (bool | Unset): Check the request and answer what a run would use; create nothing
            Default: False.
        idempotency_key (None | str | Unset): Replays the original response for a repeated request
            (kept 24 hours)
        body (EndpointRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DryRunOut | ProblemDetails | RunOut
    """

    return (
        await asyncio_detailed(
            endpoint=endpoint,
            client=client,
            body=body,
            dry_run=dry_run,
            idempotency_key=idempotency_key,
        )
    ).parsed
