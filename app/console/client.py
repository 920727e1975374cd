"""The client side of the terminal commands: writing the token `retrainer login` keeps,
and requests with submit's error rendering and exit codes (the credentials a command
uses are found by app.submit, which `retrainer submit` shares)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer

from app.submit import (
    DEFAULT_URL,
    EXIT_REFUSED,
    Client,
    Stop,
    _json,
    err,
    make_client,
    refused,
)

UrlOption = Annotated[str | None, typer.Option(
    "--url", metavar="URL", help=f"The service (default: $RETRAINER_URL, else {DEFAULT_URL}).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer (for scripts).")]


def write_private(path: Path, text: str) -> None:
    """Written with mode 0600 from the start (never readable by others, not even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@contextmanager
def session(url: str | None) -> Iterator[Client]:
    """A client, with every Stop turned into its message and exit code."""
    client: Client | None = None
    try:
        client = make_client(url)
        yield client
    except Stop as stop:
        for line in stop.lines:
            err(line)
        raise typer.Exit(stop.code) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(130) from None
    finally:
        if client is not None:
            client.close()


def get(client: Client, path: str, what: str, **kwargs: Any) -> Any:
    response = client.call("GET", path, **kwargs)
    if response.status_code == 401 and not client.can_refresh:
        raise Stop(EXIT_REFUSED, f"error: {what}: the token was refused (expired or revoked): run retrainer login")
    if response.status_code != 200:
        raise refused(response, what)
    return _json(response)


def get_all(client: Client, path: str, what: str, limit: int) -> list[dict]:
    """Follows next_cursor until `limit` items."""
    items: list[dict] = []
    cursor = None
    while len(items) < limit:
        sep = "&" if "?" in path else "?"
        page_path = f"{path}{sep}limit={min(500, limit - len(items))}" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = get(client, page_path, what)
        items += page.get("items") or []
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


def seg(value: str | int) -> str:
    return quote(str(value), safe="")
