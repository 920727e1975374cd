from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.preview import Preview
from ...models.preview_file_format_type_0 import PreviewFileFormatType0
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    name: str,
    *,
    path: str,
    format_: None | PreviewFileFormatType0 | Unset = UNSET,
    separator: str | Unset = ",",
    has_header: bool | Unset = True,
    rows: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["path"] = path

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, PreviewFileFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params["separator"] = separator

    params["has_header"] = has_header

    params["rows"] = rows

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/datastores/{name}/preview".format(
            name=quote(str(name), safe=""),
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
    name: str,
    *,
    client: AuthenticatedClient,
    path: str,
    format_: None | PreviewFileFormatType0 | Unset = UNSET,
    separator: str | Unset = ",",
    has_header: bool | Unset = True,
    rows: int | Unset = 20,
) -> Response[Preview | ProblemDetails]:
    """A file's first rows and, per column, its kind, missing values and distribution

     Read on the server within RETRAINER_PREVIEW_MAX_ROWS and RETRAINER_PREVIEW_MAX_BYTES (a longer file
    is previewed by its head, `complete: false`), not downloaded. The format is inferred from the
    extension unless given.

    Args:
        name (str):
        path (str): The file's path in the datastore
        format_ (None | PreviewFileFormatType0 | Unset): csv, csv.gz, csv.bz2 or parquet
        separator (str | Unset):  Default: ','.
        has_header (bool | Unset):  Default: True.
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Preview | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        path=path,
        format_=format_,
        separator=separator,
        has_header=has_header,
        rows=rows,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    path: str,
    format_: None | PreviewFileFormatType0 | Unset = UNSET,
    separator: str | Unset = ",",
    has_header: bool | Unset = True,
    rows: int | Unset = 20,
) -> Preview | ProblemDetails | None:
    """A file's first rows and, per column, its kind, missing values and distribution

     Read on the server within RETRAINER_PREVIEW_MAX_ROWS and RETRAINER_PREVIEW_MAX_BYTES (a longer file
    is previewed by its head, `complete: false`), not downloaded. The format is inferred from the
    extension unless given.

    Args:
        name (str):
        path (str): The file's path in the datastore
        format_ (None | PreviewFileFormatType0 | Unset): csv, csv.gz, csv.bz2 or parquet
        separator (str | Unset):  Default: ','.
        has_header (bool | Unset):  Default: True.
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Preview | ProblemDetails
    """

    return sync_detailed(
        name=name,
        client=client,
        path=path,
        format_=format_,
        separator=separator,
        has_header=has_header,
        rows=rows,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    path: str,
    format_: None | PreviewFileFormatType0 | Unset = UNSET,
    separator: str | Unset = ",",
    has_header: bool | Unset = True,
    rows: int | Unset = 20,
) -> Response[Preview | ProblemDetails]:
    """A file's first rows and, per column, its kind, missing values and distribution

     Read on the server within RETRAINER_PREVIEW_MAX_ROWS and RETRAINER_PREVIEW_MAX_BYTES (a longer file
    is previewed by its head, `complete: false`), not downloaded. The format is inferred from the
    extension unless given.

    Args:
        name (str):
        path (str): The file's path in the datastore
        format_ (None | PreviewFileFormatType0 | Unset): csv, csv.gz, csv.bz2 or parquet
        separator (str | Unset):  Default: ','.
        has_header (bool | Unset):  Default: True.
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Preview | ProblemDetails]
    """

    kwargs = _get_kwargs(
        name=name,
        path=path,
        format_=format_,
        separator=separator,
        has_header=has_header,
        rows=rows,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    path: str,
    format_: None | PreviewFileFormatType0 | Unset = UNSET,
    separator: str | Unset = ",",
    has_header: bool | Unset = True,
    rows: int | Unset = 20,
) -> Preview | ProblemDetails | None:
    """A file's first rows and, per column, its kind, missing values and distribution

     Read on the server within RETRAINER_PREVIEW_MAX_ROWS and RETRAINER_PREVIEW_MAX_BYTES (a longer file
    is previewed by its head, `complete: false`), not downloaded. The format is inferred from the
    extension unless given.

    Args:
        name (str):
        path (str): The file's path in the datastore
        format_ (None | PreviewFileFormatType0 | Unset): csv, csv.gz, csv.bz2 or parquet
        separator (str | Unset):  Default: ','.
        has_header (bool | Unset):  Default: True.
        rows (int | Unset): Rows to show Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Preview | ProblemDetails
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            path=path,
            format_=format_,
            separator=separator,
            has_header=has_header,
            rows=rows,
        )
    ).parsed
