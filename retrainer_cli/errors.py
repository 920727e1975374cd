"""Exit codes, and how an unsuccessful answer becomes a message and one of them.

Every command shares them (documented in `retrainer submit --help` and examples/ci/README.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

EXIT_OK = 0           # done (submit without --wait), or the run succeeded
EXIT_RUN_FAILED = 1   # the run failed or was canceled
EXIT_REFUSED = 2      # the request was refused: any 4xx, bad credentials, usage errors
EXIT_UNAVAILABLE = 3  # unreachable, 5xx, or --timeout passed while waiting


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
    return Stop(code, *lines)
