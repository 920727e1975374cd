"""Whose credentials a command uses, and the tokens `retrainer login` keeps.

With a profile (--profile NAME or RETRAINER_PROFILE, for more than one server): the token
`retrainer login --profile NAME` kept, sent to that login's service (or --url). Without one,
first found wins: RETRAINER_CLIENT_ID + RETRAINER_CLIENT_SECRET (a service principal),
RETRAINER_TOKEN (a bearer token), or the token `retrainer login` kept for this session, sent
only to the service that issued it.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrainer_cli.errors import EXIT_REFUSED, Stop, safe_url
from retrainer_cli.output import err

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Credentials:
    url: str
    client_id: str | None = None
    client_secret: str | None = None
    token: str | None = None


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


PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def profile_file(profile: str | None) -> Path:
    """The kept login of `profile` (None: the default one), next to the default's file."""
    if profile is None:
        return token_file()
    if not PROFILE_NAME.fullmatch(profile):
        raise Stop(EXIT_REFUSED, f"error: --profile {profile!r}: a profile's name takes letters, digits, "
                                 "'.', '_' and '-' (at most 64)")
    return token_file().parent / "profiles" / f"{profile}.json"


def saved_profiles() -> list[str]:
    """The names of the profiles with a kept login."""
    folder = token_file().parent / "profiles"
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def read_saved(profile: str | None = None) -> dict[str, Any] | None:
    path = profile_file(profile)
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


def write_private(path: Path, text: str) -> None:
    """Written with mode 0600 from the start (never readable by others, not even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def base_url(url: str | None, saved: dict[str, Any] | None = None) -> str:
    base = url or os.environ.get("RETRAINER_URL") or (saved or {}).get("url") or DEFAULT_URL
    if not base.startswith(("http://", "https://")):
        raise Stop(EXIT_REFUSED, f"error: the service URL must start with http:// or https://, not {safe_url(base)!r}")
    return base.rstrip("/")


def _kept(saved: dict[str, Any], base: str) -> Credentials:
    if saved.get("expires_at", 0) <= time.time():
        raise Stop(EXIT_REFUSED, f"error: your login to {base} has expired: run retrainer login"
                                 + (f" --profile {saved['profile']}" if saved.get("profile") else ""))
    return Credentials(base, token=saved["access_token"])


def from_profile(url: str | None, profile: str) -> Credentials:
    """A profile's kept login: its own service (the profile wins over RETRAINER_URL), never another."""
    saved = read_saved(profile)
    if saved is None:
        known = saved_profiles()
        raise Stop(EXIT_REFUSED, f"error: no login kept for profile {profile!r}: run retrainer login --profile "
                                 f"{profile} --url URL" + (f" (profiles: {', '.join(known)})" if known else ""))
    base = base_url(url or saved.get("url"))
    if saved.get("url", "").rstrip("/") != base:
        raise Stop(EXIT_REFUSED, f"error: profile {profile!r} is logged in to {saved.get('url')}, not {base}: "
                                 f"run retrainer login --profile {profile} --url {base}")
    return _kept({**saved, "profile": profile}, base)


def find(url: str | None, profile: str | None = None) -> Credentials:
    """The credentials of this command (see the module's docstring), or a Stop saying what to set."""
    if profile:
        return from_profile(url, profile)
    client_id = os.environ.get("RETRAINER_CLIENT_ID") or None
    client_secret = os.environ.get("RETRAINER_CLIENT_SECRET") or None
    if bool(client_id) != bool(client_secret):
        missing = "RETRAINER_CLIENT_SECRET" if client_id else "RETRAINER_CLIENT_ID"
        raise Stop(EXIT_REFUSED, f"error: {missing} is not set (both RETRAINER_CLIENT_ID and "
                                 "RETRAINER_CLIENT_SECRET are needed)")
    if client_id:
        return Credentials(base_url(url), client_id=client_id, client_secret=client_secret)
    token = os.environ.get("RETRAINER_TOKEN") or None
    if token:
        return Credentials(base_url(url), token=token)
    saved = read_saved()
    base = base_url(url, saved)
    # The kept token belongs to the service that issued it: never sent anywhere else.
    if saved and saved.get("url", "").rstrip("/") == base:
        return _kept(saved, base)
    raise Stop(EXIT_REFUSED, f"error: not logged in to {base}: run retrainer login (or set "
                             "RETRAINER_TOKEN, or RETRAINER_CLIENT_ID and RETRAINER_CLIENT_SECRET)")
