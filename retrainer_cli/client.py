"""The one HTTP client of every command: the generated `retrainer_client`, with the
credentials a command finds, a fresh token when a long wait outlives one, and every
failure turned into a Stop (a message and an exit code).

A command calls an operation of the generated client through `Session.call(op, ...)`: the
generated module builds the request (path, query, headers, body, from the spec), and the
command reads the raw answer. The raw answer, not the generated model: `--json` prints the
API's answer as it was sent (the models would re-format its times), and a body that is not
what the spec documents (an HTML 502 from a proxy) must still become a clear message; the
generated parser would raise on it. The generated client's own httpx client is used directly
in two places only: `Session.stream` (the generated operation reads a download whole into
memory) and `Session.timeout` (the generated operations take no per-request timeout, and a
long-poll needs a longer one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import httpx
import typer
from retrainer_client import AuthenticatedClient, Client
from retrainer_client.api.auth import issue_token
from retrainer_client.models import IssueTokenBody, IssueTokenBodyGrantType

from retrainer_cli import credentials
from retrainer_cli.credentials import Credentials
from retrainer_cli.errors import EXIT_REFUSED, EXIT_UNAVAILABLE, Stop, json_body, refused, safe_url
from retrainer_cli.output import err

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
HEADERS = {"User-Agent": "retrainer-cli", "Accept": "application/json"}


class Session:
    """The generated AuthenticatedClient of one command, and its token."""

    def __init__(self, creds: Credentials) -> None:
        self.base_url = creds.url
        self.creds = creds
        self.token = creds.token
        self._last: httpx.Response | None = None
        self._opened = False  # whether self.api built its httpx client (close only then)
        self.api = AuthenticatedClient(
            base_url=creds.url, token=creds.token or "", timeout=TIMEOUT, headers=dict(HEADERS),
            httpx_args={"event_hooks": {"response": [self._keep]}})

    def _keep(self, response: httpx.Response) -> None:
        self._last = response

    def _http(self) -> httpx.Client:
        self._opened = True
        return self.api.get_httpx_client()

    def close(self) -> None:
        if self._opened:
            self.api.get_httpx_client().close()

    @property
    def can_refresh(self) -> bool:
        return bool(self.creds.client_id and self.creds.client_secret)

    def _send(self, op: ModuleType, client: AuthenticatedClient | Client, *args: Any, **kwargs: Any) -> httpx.Response:
        self._last = None
        try:
            op.sync_detailed(*args, client=client, **kwargs)
        except httpx.TimeoutException as exc:
            raise Stop(EXIT_UNAVAILABLE, f"error: {safe_url(self.base_url)} did not answer in time "
                                         f"({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise Stop(EXIT_UNAVAILABLE, f"error: cannot reach {safe_url(self.base_url)}: {reason}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            # The answer is not what the spec documents (the generated parser refused it): the
            # command reads the raw answer below, and an unsuccessful one becomes a message.
            if self._last is None:
                raise
        assert self._last is not None  # the response hook saw the answer
        return self._last

    def anonymous(self, op: ModuleType, *args: Any, auth: tuple[str, str] | None = None,
                  **kwargs: Any) -> httpx.Response:
        """An operation without the bearer token: the token endpoint."""
        with Client(base_url=self.base_url, timeout=TIMEOUT, headers=dict(HEADERS),
                    httpx_args={"event_hooks": {"response": [self._keep]},
                                **({"auth": auth} if auth else {})}) as client:
            return self._send(op, client, *args, **kwargs)

    def fetch_token(self) -> None:
        """A client_credentials token (HTTP Basic, as RFC 6749 prefers)."""
        body = IssueTokenBody(grant_type=IssueTokenBodyGrantType.CLIENT_CREDENTIALS)
        response = self.anonymous(issue_token, body=body,
                                  auth=(self.creds.client_id or "", self.creds.client_secret or ""))
        if response.status_code != 200:
            raise refused(response, "could not get an access token")
        answer = json_body(response)
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise Stop(EXIT_UNAVAILABLE, "error: the token endpoint answered without an access_token")
        self._use_token(answer["access_token"])

    def _use_token(self, token: str) -> None:
        self.token = token
        self.api.token = token
        self._http().headers["Authorization"] = f"Bearer {token}"

    def call(self, op: ModuleType, *args: Any, **kwargs: Any) -> httpx.Response:
        """An authenticated operation of the generated client; a 401 with client credentials
        gets a new token once (a long --wait can outlive a token)."""
        if self.token is None:
            self.fetch_token()
        self._opened = True
        response = self._send(op, self.api, *args, **kwargs)
        if response.status_code == 401 and self.can_refresh:
            self.fetch_token()
            response = self._send(op, self.api, *args, **kwargs)
        return response

    @contextmanager
    def timeout(self, seconds: float) -> Iterator[None]:
        """Requests in this block may take `seconds` (a long-poll); the generated operations
        take no timeout of their own, so the shared httpx client's is changed for the block."""
        http = self._http()
        http.timeout = httpx.Timeout(seconds, connect=10.0)
        try:
            yield
        finally:
            http.timeout = TIMEOUT

    @contextmanager
    def stream(self, path: str) -> Iterator[httpx.Response]:
        """A streamed GET (a model's download can be large: the generated operation would read
        it whole into memory), on the generated client's own httpx client and token."""
        if self.token is None:
            self.fetch_token()
        try:
            with self._http().stream("GET", path) as response:
                yield response
        except httpx.TimeoutException as exc:
            raise Stop(EXIT_UNAVAILABLE, f"error: {safe_url(self.base_url)} did not answer in time "
                                         f"({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise Stop(EXIT_UNAVAILABLE, f"error: cannot reach {safe_url(self.base_url)}: {reason}") from None


def connect(url: str | None, profile: str | None = None) -> Session:
    """A session with the credentials this command finds (retrainer_cli.credentials)."""
    return Session(credentials.find(url, profile))


@contextmanager
def stops() -> Iterator[None]:
    """Every Stop in the block printed and turned into its exit code; Ctrl-C into 130."""
    try:
        yield
    except Stop as stop:
        for line in stop.lines:
            err(line)
        raise typer.Exit(stop.code) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(130) from None


@contextmanager
def session(url: str | None, profile: str | None = None) -> Iterator[Session]:
    """A session for one command, with every Stop turned into its message and exit code."""
    client: Session | None = None
    with stops():
        try:
            client = connect(url, profile)
            yield client
        finally:
            if client is not None:
                client.close()


def get(client: Session, op: ModuleType, *args: Any, what: str, **kwargs: Any) -> Any:
    """A read: the answer's JSON, or a Stop (a refused token says to log in again)."""
    response = client.call(op, *args, **kwargs)
    if response.status_code == 401 and not client.can_refresh:
        raise Stop(EXIT_REFUSED, f"error: {what}: the token was refused (expired or revoked): run retrainer login")
    if response.status_code != 200:
        raise refused(response, what)
    return json_body(response)


def get_all(client: Session, op: ModuleType, *args: Any, what: str, limit: int, **filters: Any) -> list[dict[str, Any]]:
    """A list operation's items, following next_cursor until `limit` items."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(items) < limit:
        page = get(client, op, *args, what=what, limit=min(500, limit - len(items)),
                   **({"cursor": cursor} if cursor else {}), **filters)
        items += page.get("items") or []
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items



def send(client: Session, op: ModuleType, *args: Any, what: str, ok: tuple[int, ...] = (200,),
         model: Any = None, body: Any = None, **kwargs: Any) -> Any:
    """A write: `body` sent as the generated `model` (a value the spec does not allow is
    refused before anything is sent, naming the allowed ones); the answer's JSON, or a Stop."""
    if model is not None:
        try:
            kwargs["body"] = model.from_dict(body)
        except (ValueError, KeyError, TypeError) as exc:
            raise Stop(EXIT_REFUSED, f"error: {what}: {exc}") from None
    elif body is not None:
        kwargs["body"] = body
    response = client.call(op, *args, **kwargs)
    if response.status_code not in ok:
        raise refused(response, what)
    return json_body(response)
