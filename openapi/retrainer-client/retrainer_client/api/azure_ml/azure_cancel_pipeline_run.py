from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.azure_pipeline_run import AzurePipelineRun
from ...models.problem_details import ProblemDetails
from ...types import Response


def _get_kwargs(
    subscription: str,
    resource_group: str,
    workspace: str,
    run_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/pipelines/v1.0/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/PipelineRuns/{run_id}/Cancel".format(
            subscription=quote(str(subscription), safe=""),
            resource_group=quote(str(resource_group), safe=""),
            workspace=quote(str(workspace), safe=""),
            run_id=quote(str(run_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AzurePipelineRun | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = AzurePipelineRun.from_dict(response.json())

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
) -> Response[AzurePipelineRun | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription: str,
    resource_group: str,
    workspace: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[AzurePipelineRun | ProblemDetails]:
    """Azure ML: cancel a queued or running run

    Args:
        subscription (str): Any value: the workspace is the token's
        resource_group (str): Any value: the workspace is the token's
        workspace (str): Any value: the workspace is the token's
        run_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AzurePipelineRun | ProblemDetails]
    """

    kwargs = _get_kwargs(
        subscription=subscription,
        resource_group=resource_group,
        workspace=workspace,
        run_id=run_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription: str,
    resource_group: str,
    workspace: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
) -> AzurePipelineRun | ProblemDetails | None:
    """Azure ML: cancel a queued or running run

    Args:
        subscription (str): Any value: the workspace is the token's
        resource_group (str): Any value: the workspace is the token's
        workspace (str): Any value: the workspace is the token's
        run_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AzurePipelineRun | ProblemDetails
    """

    return sync_detailed(
        subscription=subscription,
        resource_group=resource_group,
        workspace=workspace,
        run_id=run_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    subscription: str,
    resource_group: str,
    workspace: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[AzurePipelineRun | ProblemDetails]:
    """Azure ML: cancel a queued or running run

    Args:
        subscription (str): Any value: the workspace is the token's
        resource_group (str): Any value: the workspace is the token's
        workspace (str): Any value: the workspace is the token's
        run_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AzurePipelineRun | ProblemDetails]
    """

    kwargs = _get_kwargs(
        subscription=subscription,
        resource_group=resource_group,
        workspace=workspace,
        run_id=run_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription: str,
    resource_group: str,
    workspace: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
) -> AzurePipelineRun | ProblemDetails | None:
    """Azure ML: cancel a queued or running run

    Args:
        subscription (str): Any value: the workspace is the token's
        resource_group (str): Any value: the workspace is the token's
        workspace (str): Any value: the workspace is the token's
        run_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AzurePipelineRun | ProblemDetails
    """

    return (
        await asyncio_detailed(
            subscription=subscription,
            resource_group=resource_group,
            workspace=workspace,
            run_id=run_id,
            client=client,
        )
    ).parsed
