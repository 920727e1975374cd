"""`retrainer login` and `retrainer logout`."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

import typer

from app.console.client import UrlOption, write_private
from app.submit import Client, Stop, _json, base_url, err, out, read_saved, refused, token_file


def login(
    username: Annotated[str | None, typer.Option("--username", "-u", help="Asked when not given.",
                                                 show_default=False)] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (for scripts); "
                                 "otherwise it is asked without echo.")] = False,
    url: UrlOption = None,
) -> None:
    """Log in with your username and password; the token is kept for this session.

    The token goes to a file only you can read (mode 0600): $RETRAINER_TOKEN_FILE,
    else $XDG_RUNTIME_DIR/retrainer/token.json (gone when the session ends), else
    ~/.cache/retrainer/token.json. `retrainer logout` revokes and deletes it.
    """
    try:
        base = base_url(url)
        name = username or typer.prompt("Username")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True)
        client = Client(base, client_id=None, client_secret=None, token=None)
        try:
            response = client.send("POST", "/oauth/token", data={
                "grant_type": "password", "username": name, "password": password})
        finally:
            client.close()
        if response.status_code != 200:
            raise refused(response, "login refused")
        body = _json(response) or {}
        expires_at = time.time() + float(body.get("expires_in") or 0)
        path = token_file()
        write_private(path, json.dumps({
            "url": base, "username": name, "access_token": body["access_token"],
            "expires_at": expires_at, "scope": body.get("scope", ""),
        }))
        minutes = int(float(body.get("expires_in") or 0) // 60)
        out(f"logged in to {base} as {name}; the token is valid for {minutes} min (kept in {path})")
    except Stop as stop:
        for line in stop.lines:
            err(line)
        raise typer.Exit(stop.code) from None


def logout() -> None:
    """Revoke the token that `retrainer login` kept, and delete it."""
    saved = read_saved()
    path = token_file()
    if saved is None:
        out("not logged in")
        return
    client = Client(saved["url"], client_id=None, client_secret=None, token=saved["access_token"])
    try:
        client.call("POST", "/oauth/revoke", data={"token": saved["access_token"]})
    except Stop as stop:
        err(f"warning: could not revoke the token ({stop.lines[0].removeprefix('error: ')}); deleting it anyway")
    finally:
        client.close()
    path.unlink(missing_ok=True)
    out(f"logged out of {saved['url']}")
