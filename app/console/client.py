"""The client side of the terminal commands: the token `retrainer login` keeps, the
credentials a command uses, and requests with submit's error rendering and exit codes."""

from __future__ import annotations

import json
import os
import time
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
    _safe_url,
    err,
    refused,
)

UrlOption = Annotated[str | None, typer.Option(
    "--url", metavar="URL", help=f"The service (default: $RETRAINER_URL, else {DEFAULT_URL}).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer (for scripts).")]


def token_file() -> Path:
    """Where `login` keeps the token: $RETRAINER_TOKEN_FILE, else the login session's
    runtime directory (a tmpfs that ends with the session), else the user's cache."""
    explicit = os.environ.get("RETRAINER_TOKEN_FILE")
    if explicit:
        return Path(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "retrainer" / "token.json"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "retrainer" / "token.json"


def write_private(path: Path, text: str) -> None:
    """Written with mode 0600 from the start (never readable by others, not even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def read_saved() -> dict | None:
    path = token_file()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or not saved.get("access_token"):
        return None
    if (path.stat().st_mode & 0o077) != 0:
        err(f"warning: {path} is readable by other users; ignoring it (run retrainer login again)")
        return None
    return saved


def base_url(url: str | None, saved: dict | None = None) -> str:
    base = url or os.environ.get("RETRAINER_URL") or (saved or {}).get("url") or DEFAULT_URL
    if not base.startswith(("http://", "https://")):
        raise Stop(EXIT_REFUSED, f"error: the service URL must start with http:// or https://, not {_safe_url(base)!r}")
    return base.rstrip("/")


def make_client(url: str | None) -> Client:
    client_id = os.environ.get("RETRAINER_CLIENT_ID") or None
    client_secret = os.environ.get("RETRAINER_CLIENT_SECRET") or None
    if bool(client_id) != bool(client_secret):
        missing = "RETRAINER_CLIENT_SECRET" if client_id else "RETRAINER_CLIENT_ID"
        raise Stop(EXIT_REFUSED, f"error: {missing} is not set (both RETRAINER_CLIENT_ID and "
                                 "RETRAINER_CLIENT_SECRET are needed)")
    if client_id:
        return Client(base_url(url), client_id=client_id, client_secret=client_secret, token=None)
    token = os.environ.get("RETRAINER_TOKEN") or None
    if token:
        return Client(base_url(url), client_id=None, client_secret=None, token=token)
    saved = read_saved()
    base = base_url(url, saved)
    if saved and saved.get("url", "").rstrip("/") == base:
        if saved.get("expires_at", 0) <= time.time():
            raise Stop(EXIT_REFUSED, f"error: your login to {base} has expired: run retrainer login")
        return Client(base, client_id=None, client_secret=None, token=saved["access_token"])
    raise Stop(EXIT_REFUSED, f"error: not logged in to {base}: run retrainer login (or set "
                             "RETRAINER_TOKEN, or RETRAINER_CLIENT_ID and RETRAINER_CLIENT_SECRET)")


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
