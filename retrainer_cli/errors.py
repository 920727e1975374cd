"""Exit codes, and how an unsuccessful answer becomes a message and one of them.

Every command shares them (documented in `retrainer --help`, `retrainer submit --help`, the
README's "Exit codes" and examples/ci/README.md). They are the codes CI jobs were written
against since `retrainer submit` first shipped, so they stay: a finer split (auth, not found)
would turn a script's `exit 2` check into a silent pass.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

EXIT_OK = 0           # done (submit without --wait), or the run succeeded
EXIT_RUN_FAILED = 1   # the run failed or was canceled
EXIT_REFUSED = 2      # the request was refused: any 4xx, bad credentials, usage errors
EXIT_UNAVAILABLE = 3  # unreachable, 5xx, or --timeout passed while waiting

EXIT_CODES_HELP = (
    "Exit codes (every command): 0 done (a waited-for run succeeded); 1 the run failed or was canceled; "
    "2 refused: the API answered 4xx (not found, invalid input, not logged in, missing scope, conflict) "
    "or a usage error; 3 unavailable: the service could not be reached, answered 5xx, or --timeout passed; "
    "130 interrupted (Ctrl-C).")


class Stop(Exception):
    """Ends the command: `lines` go to stderr, `code` is the exit status."""

    def __init__(self, code: int, *lines: str) -> None:
        super().__init__(lines[0] if lines else "")
        self.code = code
        self.lines = lines


def safe_url(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def refused(response: httpx.Response, what: str) -> Stop:
    """A Stop for an unsuccessful answer: 4xx refuses (2), anything else is unavailable (3).
    An RFC 9457 problem gives its detail and each invalid field; an RFC 6749 token error its code."""
    code = EXIT_REFUSED if 400 <= response.status_code < 500 else EXIT_UNAVAILABLE
    body = json_body(response)
    if isinstance(body, dict) and ("detail" in body or "title" in body):
        lines = [f"error: {what}: {body.get('detail') or body.get('title')} (HTTP {response.status_code})"]
        for problem in body.get("errors") or []:
            loc = [str(p) for p in (problem.get("loc") or [])]
            if loc and loc[0] == "body":
                loc = loc[1:]
            lines.append(f"  {'.'.join(loc) or '(request)'}: {problem.get('msg')}")
    elif isinstance(body, dict) and "error" in body:
        description = body.get("error_description")
        lines = [f"error: {what}: {body['error']}" + (f": {description}" if description else "")
                 + f" (HTTP {response.status_code})"]
    else:
        lines = [f"error: {what}: HTTP {response.status_code} {response.reason_phrase}".rstrip()]
    if response.status_code == 429 and response.headers.get("Retry-After"):
        lines.append(f"  retry after {response.headers['Retry-After']} s")
    hint = _hint(response)
    if hint:
        lines.append(f"  {hint}")
    return Stop(code, *lines)


def _hint(response: httpx.Response) -> str | None:
    """What to do about a refusal that the problem's detail does not say."""
    try:
        token_endpoint = response.request.url.path.endswith("/oauth/token")
    except RuntimeError:  # a response without its request
        token_endpoint = False
    if response.status_code == 401 and not token_endpoint:
        return ("the token was refused (expired, revoked or for another server): run retrainer login, "
                "or check RETRAINER_TOKEN / RETRAINER_CLIENT_ID")
    if response.status_code == 403:
        needed = re.search(r'scope="([^"]*)"', response.headers.get("WWW-Authenticate", ""))
        if needed:
            return (f"this needs the scope {needed.group(1)}: log in as a user who holds it, or create the "
                    "service principal with it (retrainer principals create NAME --scope ...)")
    return None
