from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.run_page import RunPage
from ...models.run_status import RunStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: None | RunStatus | Unset = UNSET,
    pipeline_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    experiment: None | str | Unset = UNSET,
    trigger_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, RunStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_pipeline_id: None | str | Unset
    if isinstance(pipeline_id, Unset):
        json_pipeline_id = UNSET
    else:
        json_pipeline_id = pipeline_id
    params["pipeline_id"] = json_pipeline_id

    json_endpoint_id: None | str | Unset
    if isinstance(endpoint_id, Unset):
        json_endpoint_id = UNSET
    else:
        json_endpoint_id = endpoint_id
    params["endpoint_id"] = json_endpoint_id

    json_experiment: None | str | Unset
    if isinstance(experiment, Unset):
        json_experiment = UNSET
    else:
        json_experiment = experiment
    params["experiment"] = json_experiment

    json_trigger_id: None | str | Unset
    if isinstance(trigger_id, Unset):
        json_trigger_id = UNSET
    else:
        json_trigger_id = trigger_id
    params["trigger_id"] = json_trigger_id

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | RunPage | None:
    if response.status_code == 200:
        response_200 = RunPage.from_dict(response.json())

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
) -> Response[ProblemDetails | RunPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: None | RunStatus | Unset = UNSET,
    pipeline_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    experiment: None | str | Unset = UNSET,
    trigger_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[ProblemDetails | RunPage]:
    """List runs, newest first

    Args:
        status (None | RunStatus | Unset):
        pipeline_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        experiment (None | str | Unset):
        trigger_id (None | str | Unset): Runs this trigger started
        limit (int | Unset): Items per page Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | RunPage]
    """

    kwargs = _get_kwargs(
        status=status,
        pipeline_id=pipeline_id,
        endpoint_id=endpoint_id,
        experiment=experiment,
        trigger_id=trigger_id,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: None | RunStatus | Unset = UNSET,
    pipeline_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    experiment: None | str | Unset = UNSET,
    trigger_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> ProblemDetails | RunPage | None:
    """List runs, newest first

    Args:
        status (None | RunStatus | Unset):
        pipeline_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        experiment (None | str | Unset):
        trigger_id (None | str | Unset): Runs this trigger started
        limit (int | Unset): Items per page Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | RunPage
    """

    return sync_detailed(
        client=client,
        status=status,
        pipeline_id=pipeline_id,
        endpoint_id=endpoint_id,
        experiment=experiment,
        trigger_id=trigger_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: None | RunStatus | Unset = UNSET,
    pipeline_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    experiment: None | str | Unset = UNSET,
    trigger_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[ProblemDetails | RunPage]:
    """List runs, newest first

    Args:
        status (None | RunStatus | Unset):
        pipeline_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        experiment (None | str | Unset):
        trigger_id (None | str | Unset): Runs this trigger started
        limit (int | Unset): Items per page Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | RunPage]
    """

    kwargs = _get_kwargs(
        status=status,
        pipeline_id=pipeline_id,
        endpoint_id=endpoint_id,
        experiment=experiment,
        trigger_id=trigger_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: None | RunStatus | Unset = UNSET,
    pipeline_id: None | str | Unset = UNSET,
    endpoint_id: None | str | Unset = UNSET,
    experiment: None | str | Unset = UNSET,
    trigger_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> ProblemDetails | RunPage | None:
    """List runs, newest first

    Args:
        status (None | RunStatus | Unset):
        pipeline_id (None | str | Unset):
        endpoint_id (None | str | Unset):
        experiment (None | str | Unset):
        trigger_id (None | str | Unset): Runs this trigger started
        limit (int | Unset): Items per page Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | RunPage
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            pipeline_id=pipeline_id,
            endpoint_id=endpoint_id,
            experiment=experiment,
            trigger_id=trigger_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
