"""`retrainer login` and `retrainer logout`: the token kept for this session."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

import typer
from retrainer_client.api.auth import issue_token, revoke_token
from retrainer_client.models import IssueTokenBody, IssueTokenBodyGrantType, RevokeTokenBody

from retrainer_cli.client import Session, stops
from retrainer_cli.credentials import Credentials, base_url, profile_file, read_saved, saved_profiles, write_private
from retrainer_cli.errors import Stop, json_body, refused
from retrainer_cli.options import ProfileOption, UrlOption
from retrainer_cli.output import err, out, print_json, table


def login(
    username: Annotated[str | None, typer.Option("--username", "-u", help="Asked when not given.",
                                                 show_default=False)] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (for scripts); "
                                 "otherwise it is asked without echo.")] = False,
    url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Log in with your username and password; the token is kept for this session.

    The token goes to a file only you can read (mode 0600): $RETRAINER_TOKEN_FILE,
    else $XDG_RUNTIME_DIR/retrainer/token.json (gone when the session ends), else
    ~/.cache/retrainer/token.json. `retrainer logout` revokes and deletes it.

    With --profile NAME (for more than one server), the login is kept under that
    name next to it (profiles/NAME.json) with its server (--url, else the profile's, else
    RETRAINER_URL): `retrainer ... --profile NAME` (or RETRAINER_PROFILE=NAME) then talks
    to that server with that token.
    """
    with stops():
        path = profile_file(profile)
        # A profile logs in again to its own server unless --url names another.
        kept = read_saved(profile) if profile else None
        base = base_url(url or (kept or {}).get("url"))
        name = username or typer.prompt("Username")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True)
        session = Session(Credentials(base))
        try:
            response = session.anonymous(issue_token, body=IssueTokenBody(
                grant_type=IssueTokenBodyGrantType.PASSWORD, username=name, password=password))
        finally:
            session.close()
        if response.status_code != 200:
            raise refused(response, "login refused")
        body = json_body(response) or {}
        expires_at = time.time() + float(body.get("expires_in") or 0)
        write_private(path, json.dumps({
            "url": base, "username": name, "access_token": body["access_token"],
            "expires_at": expires_at, "scope": body.get("scope", ""),
        }))
        minutes = int(float(body.get("expires_in") or 0) // 60)
        out(f"logged in to {base} as {name}" + (f" (profile {profile})" if profile else "")
            + f"; the token is valid for {minutes} min (kept in {path})")


def logout(profile: ProfileOption = None) -> None:
    """Revoke the token that `retrainer login` kept (for --profile NAME: that profile's), and delete it."""
    with stops():
        path = profile_file(profile)
        saved = read_saved(profile)
    if saved is None:
        out("not logged in" + (f" with profile {profile}" if profile else ""))
        return
    session = Session(Credentials(saved["url"], token=saved["access_token"]))
    try:
        session.call(revoke_token, body=RevokeTokenBody(token=saved["access_token"]))
    except Stop as stop:
        err(f"warning: could not revoke the token ({stop.lines[0].removeprefix('error: ')}); deleting it anyway")
    finally:
        session.close()
    path.unlink(missing_ok=True)
    out(f"logged out of {saved['url']}")


def profiles(as_json: Annotated[bool, typer.Option("--json", help="Print the profiles as JSON.")] = False) -> None:
    """The profiles with a kept login: each one's server, user and when its token expires."""
    rows = []
    for name in [None, *saved_profiles()]:
        saved = read_saved(name)
        if saved is not None:
            rows.append({"profile": name or "(default)", "url": saved.get("url"), "username": saved.get("username"),
                         "expires_at": saved.get("expires_at"), "expired": saved.get("expires_at", 0) <= time.time()})
    if as_json:
        print_json(rows)
        return
    if not rows:
        out("no logins kept: retrainer login [--profile NAME --url URL]")
        return
    table(["profile", "url", "user", "token"], [[
        r["profile"], r["url"], r["username"], "expired" if r["expired"] else "valid"] for r in rows])
