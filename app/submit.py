"""`retrainer submit`: retrain through a pipeline endpoint from a CI job.

A thin HTTP client of the public REST API (OAuth 2.0 and runs): it gets a token
with the client_credentials grant (or uses RETRAINER_TOKEN, or the token that
`retrainer login` kept), sends
`POST /endpoints/{id}/runs`, and with --wait follows the run with the
long-poll `GET /runs/{id}?wait=30` + `If-None-Match` until it is finished.

Only light modules are imported here (no FastAPI, no SQLAlchemy, nothing of the
server) so that the command starts fast in a CI job.
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import typer

from app.runs.metrics import HEADLINE_METRICS
from app.runs.states import FINISHED_RUN

DEFAULT_URL = "http://127.0.0.1:8000"
LONG_POLL_SECONDS = 30
TERMINAL = frozenset(status.value for status in FINISHED_RUN)

# Exit codes (documented in the help below and in examples/ci/README.md).
EXIT_OK = 0           # submitted (without --wait) or succeeded (with --wait)
EXIT_RUN_FAILED = 1   # the run failed or was canceled
EXIT_REFUSED = 2      # the request was refused: any 4xx, bad credentials, usage errors
EXIT_UNAVAILABLE = 3  # unreachable, 5xx, or --timeout passed while waiting


class Stop(Exception):
    """Ends the command: `lines` go to stderr, `code` is the exit status."""

    def __init__(self, code: int, *lines: str) -> None:
        super().__init__(lines[0] if lines else "")
        self.code = code
        self.lines = lines


# --- -p NAME=VALUE ---------------------------------------------------------------------

def _reject_constant(name: str) -> NoReturn:
    raise ValueError(name)  # NaN / Infinity are not JSON: keep such a value as a string


def parse_value(raw: str) -> Any:
    """The value as JSON when it parses as JSON, else the raw string."""
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        return raw


def parse_parameters(items: list[str] | None) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for item in items or []:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise typer.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="'-p' / '--param'")
        if name in parameters:
            raise typer.BadParameter(f"parameter {name!r} is given twice", param_hint="'-p' / '--param'")
        parameters[name] = parse_value(raw)
    return parameters


def _parameters_callback(value: list[str] | None) -> list[str] | None:
    parse_parameters(value)  # a usage error (exit 2) before anything is sent
    return value


# --- output ------------------------------------------------------------------------------

def out(line: str = "") -> None:
    typer.echo(line)


def err(line: str) -> None:
    typer.echo(line, err=True)


def _safe_url(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _duration(started: str | None, finished: str | None) -> str | None:
    start, end = _parse_time(started), _parse_time(finished)
    if start is None or end is None:
        return None
    seconds = max(0.0, (end - start).total_seconds())
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"
    return str(value)


def compact_metrics(metrics: Any) -> str:
    """`roc_auc=0.9231 accuracy=0.8712 ...`: the numeric metrics, headline ones first.
    Metrics of several evaluate steps ({step: {...}}) are prefixed with the step."""
    if not isinstance(metrics, dict):
        return ""

    def flat(values: dict, prefix: str = "") -> list[str]:
        numeric = {k: v for k, v in values.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "rows"}
        keys = [k for k in HEADLINE_METRICS if k in numeric] + \
               [k for k in numeric if k not in HEADLINE_METRICS]
        return [f"{prefix}{k}={_number(numeric[k])}" for k in keys]

    parts = flat(metrics)
    for key, value in metrics.items():
        if isinstance(value, dict) and any(isinstance(v, (int, float)) for v in value.values()) \
                and key not in ("confusion_matrix",):
            parts += flat(value, prefix=f"{key}.")
    return " ".join(parts)


class StepPrinter:
    """Prints a line for each step whenever its state changes (pending steps stay quiet)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple] = {}
        self.width = 0

    def update(self, run: dict) -> None:
        steps = run.get("steps") or []
        self.width = max([self.width] + [len(str(s.get("name", ""))) for s in steps])
        for step in steps:
            name = str(step.get("name", "?"))
            status = step.get("status") or "?"
            key = (status, step.get("reused_from"), step.get("error"))
            if status in ("pending", "queued") or self.seen.get(name) == key:
                continue
            self.seen[name] = key
            out(f"  {name.ljust(self.width)}  {self.describe(step)}")

    @staticmethod
    def describe(step: dict) -> str:
        status = step.get("status") or "?"
        if status == "succeeded" and step.get("reused_from"):
            return f"reused from {step['reused_from']}"
        if status == "failed":
            return f"failed: {step.get('error') or 'no message'}"
        took = _duration(step.get("started_at"), step.get("finished_at"))
        if status == "succeeded" and took:
            return f"{status:<10} ({took})"
        return status


def final_report(run: dict) -> int:
    status = run.get("status")
    out(f"run {run.get('id')} {status}")
    if status == "succeeded":
        metrics = compact_metrics(run.get("metrics"))
        if metrics:
            out(f"metrics {metrics}")
        model = run.get("model")
        if model:
            out(f"model {model.get('name')} v{model.get('version')}")
        return EXIT_OK
    error = run.get("error") or {}
    message = error.get("message") or "no message"
    if error.get("step"):
        out(f"{status} at step {error['step']}: {message}")
    else:
        out(f"{status}: {message}")
    return EXIT_RUN_FAILED


def _write_github_output(values: dict[str, str]) -> None:
    """In GitHub Actions, the run's id and status become step outputs."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            for key, value in values.items():
                handle.write(f"{key}={value}\n")
    except OSError as exc:
        err(f"warning: could not write GITHUB_OUTPUT: {exc.strerror}")


# --- HTTP --------------------------------------------------------------------------------

def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def refused(response: httpx.Response, what: str) -> Stop:
    """A Stop for an unsuccessful answer: 4xx refuses (2), anything else is unavailable (3)."""
    code = EXIT_REFUSED if 400 <= response.status_code < 500 else EXIT_UNAVAILABLE
    body = _json(response)
    if isinstance(body, dict) and ("detail" in body or "title" in body):
        lines = [f"error: {what}: {body.get('detail') or body.get('title')} (HTTP {response.status_code})"]
        for problem in body.get("errors") or []:
            loc = [str(p) for p in (problem.get("loc") or [])]
            if loc and loc[0] == "body":
                loc = loc[1:]
            lines.append(f"  {'.'.join(loc) or '(request)'}: {problem.get('msg')}")
    elif isinstance(body, dict) and "error" in body:  # RFC 6749 token errors
        description = body.get("error_description")
        lines = [f"error: {what}: {body['error']}" + (f": {description}" if description else "")
                 + f" (HTTP {response.status_code})"]
    else:
        lines = [f"error: {what}: HTTP {response.status_code} {response.reason_phrase}".rstrip()]
    if response.status_code == 429 and response.headers.get("Retry-After"):
        lines.append(f"  retry after {response.headers['Retry-After']} s")
    return Stop(code, *lines)


class Client:
    def __init__(self, base_url: str, *, client_id: str | None, client_secret: str | None,
                 token: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = token
        self.http = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(30.0, connect=10.0),
                                 headers={"User-Agent": "retrainer-submit", "Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    @property
    def can_refresh(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise Stop(EXIT_UNAVAILABLE, f"error: {_safe_url(self.base_url)} did not answer in time "
                                         f"({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise Stop(EXIT_UNAVAILABLE, f"error: cannot reach {_safe_url(self.base_url)}: {reason}") from None

    def fetch_token(self) -> None:
        response = self.send("POST", "/oauth/token", data={"grant_type": "client_credentials"},
                             auth=(self.client_id or "", self.client_secret or ""))
        if response.status_code != 200:
            raise refused(response, "could not get an access token")
        body = _json(response)
        if not isinstance(body, dict) or not body.get("access_token"):
            raise Stop(EXIT_UNAVAILABLE, "error: the token endpoint answered without an access_token")
        self.token = body["access_token"]

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None,
             **kwargs: Any) -> httpx.Response:
        """An authenticated request; a 401 with client credentials gets a new token once
        (a long --wait can outlive a token)."""
        if self.token is None:
            self.fetch_token()
        response = self.send(method, path, headers={**(headers or {}), **self._auth()}, **kwargs)
        if response.status_code == 401 and self.can_refresh:
            self.fetch_token()
            response = self.send(method, path, headers={**(headers or {}), **self._auth()}, **kwargs)
        return response

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# --- the command ------------------------------------------------------------------------

# --- credentials: the same for every client command ---------------------------------------
# First found wins: RETRAINER_CLIENT_ID + RETRAINER_CLIENT_SECRET (a service principal),
# RETRAINER_TOKEN (a bearer token), or the token `retrainer login` kept for this session
# (sent only to the service it was issued by).

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



def _submit(client: Client, endpoint: str, body: dict, idempotency_key: str | None) -> httpx.Response:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    response = client.call("POST", f"/endpoints/{quote(endpoint, safe='')}/runs", json=body, headers=headers)
    if response.status_code not in (200, 201, 202):
        raise refused(response, f"endpoint {endpoint!r} refused the run")
    return response


def _follow(client: Client, run: dict, etag: str | None, timeout: float, steps: StepPrinter,
            outputs: dict[str, str]) -> dict:
    """Follows the run until it is finished, with the long-poll: `GET /runs/{id}?wait=30`
    and `If-None-Match: <last ETag>` answers as soon as the run changes, or 304 after 30 s."""
    run_id = run["id"]
    path = f"/runs/{quote(run_id, safe='')}"
    deadline = time.monotonic() + timeout
    status = run.get("status")
    failures = 0
    asked_plain = False
    problem: Stop | None = None
    while run.get("status") not in TERMINAL:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Stop(EXIT_UNAVAILABLE, f"error: run {run_id} is still {run.get('status')} after "
                                         f"--timeout {timeout:g} s; it continues on the server")
        if etag is None and not asked_plain:
            # No ETag yet: a plain GET answers at once with the current run and its ETag
            # (a long-poll without If-None-Match would wait for the end, hiding the steps).
            asked_plain = True
            wait, params, headers = 0, {}, {}
        else:
            wait = max(1, min(LONG_POLL_SECONDS, math.ceil(remaining)))
            params, headers = {"wait": wait}, ({"If-None-Match": etag} if etag else {})
        started = time.monotonic()
        try:
            response: httpx.Response | None = client.call(
                "GET", path, params=params, headers=headers, timeout=httpx.Timeout(wait + 30.0, connect=10.0))
        except Stop as stop:
            if stop.code != EXIT_UNAVAILABLE:
                raise
            response, problem = None, stop
        if response is not None and response.status_code == 304:
            failures = 0
            continue
        body = _json(response) if response is not None and response.status_code == 200 else None
        if response is not None and isinstance(body, dict) and body.get("id") == run_id:
            failures = 0
            previous, run = run, body
            etag = response.headers.get("ETag")
            if run.get("status") != status:
                status = run.get("status")
                outputs["status"] = str(status)
                if status not in TERMINAL:
                    out(f"run {run_id} {status}")
            steps.update(run)
            if wait and run == previous and time.monotonic() - started < 1:
                # A server that does not long-poll answered at once with nothing new: do not hammer it.
                time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
            continue
        if response is not None and (response.status_code < 500 and response.status_code != 429):
            raise refused(response, f"could not follow run {run_id}")
        # Unreachable or 5xx (a restart, a proxy): try again a few times, then give up.
        failures += 1
        if response is not None:
            problem = refused(response, f"could not follow run {run_id}")
        if failures > 5 or problem is None:
            raise problem or Stop(EXIT_UNAVAILABLE, f"error: could not follow run {run_id}")
        delay = min(2 ** failures, 30, max(0.0, deadline - time.monotonic()))
        err(f"  ({problem.lines[0].removeprefix('error: ')}; retrying in {delay:.0f} s)")
        time.sleep(delay)
    return run


def submit(
    endpoint: Annotated[str, typer.Argument(help="The endpoint's id or its unique name.",
                                            show_default=False)],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="NAME=VALUE", callback=_parameters_callback,
        help="A pipeline parameter (repeatable). VALUE is read as JSON when it parses as JSON "
             "(42, 0.05, true, null, \"text\", [1, 2]), else taken as a string "
             "(datastore://default/census/us.csv).")] = None,
    version: Annotated[int | None, typer.Option(
        "--version", min=1, help="Endpoint version to run (default: the endpoint's default version).",
        show_default=False)] = None,
    experiment: Annotated[str | None, typer.Option(
        "--experiment", help="Experiment name recorded with the run.", show_default=False)] = None,
    wait: Annotated[bool, typer.Option(
        "--wait", help="Wait for the run to finish, printing each step; exit 0 only when it succeeded.")] = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=1, metavar="SECONDS", help="With --wait: give up waiting after this long (exit 3); "
                                                  "the run continues.")] = 3600,
    idempotency_key: Annotated[str | None, typer.Option(
        "--idempotency-key", metavar="KEY",
        help="Sent as Idempotency-Key: submitting again with the same key and body returns the same "
             "run instead of starting another (safe retries of a CI job).", show_default=False)] = None,
    regenerate: Annotated[bool, typer.Option(
        "--regenerate", help="Run every step again; reuse no outputs of earlier runs.")] = False,
    url: Annotated[str | None, typer.Option(
        "--url", metavar="URL", help=f"The service (default: $RETRAINER_URL, else {DEFAULT_URL}).",
        show_default=False)] = None,
) -> None:
    """Start a run of a pipeline endpoint (retrain), for CI jobs.

    Credentials, first found wins: RETRAINER_CLIENT_ID and
    RETRAINER_CLIENT_SECRET (a service principal with the scopes runs:write,
    plus runs:read for --wait), RETRAINER_TOKEN (a bearer token), or the token
    that `retrainer login` kept. The service is --url, else RETRAINER_URL, else
    the one you logged in to, else http://127.0.0.1:8000.

    Exit codes:
    0 = submitted (without --wait) or the run succeeded (with --wait);
    1 = the run failed or was canceled;
    2 = the request was refused (any 4xx: unknown endpoint or version, disabled
    endpoint, invalid parameters, bad credentials, missing scope) or a usage
    error such as a -p without '=';
    3 = the service could not be reached or answered 5xx, or --timeout passed
    while waiting.
    """
    parameters = parse_parameters(param)
    client: Client | None = None
    outputs: dict[str, str] = {}
    try:
        client = make_client(url)

        body: dict[str, Any] = {"parameters": parameters}
        if version is not None:
            body["version"] = version
        if experiment is not None:
            body["experiment"] = experiment
        if regenerate:
            body["regenerate"] = True
        response = _submit(client, endpoint, body, idempotency_key)
        run = _json(response)
        if not isinstance(run, dict) or "id" not in run:
            raise Stop(EXIT_UNAVAILABLE, "error: the service accepted the run but sent no run in its answer")
        outputs = {"run_id": str(run["id"]), "status": str(run.get("status"))}
        where = f"endpoint {endpoint}" + (f" v{run['endpoint_version']}" if run.get("endpoint_version") else "")
        out(f"run {run['id']} {run.get('status')} ({where})")
        if not wait:
            return
        steps = StepPrinter()
        steps.update(run)
        run = _follow(client, run, response.headers.get("ETag"), timeout, steps, outputs)
        code = final_report(run)
        if code:
            raise typer.Exit(code)
    except Stop as stop:
        for line in stop.lines:
            err(line)
        raise typer.Exit(stop.code) from None
    except KeyboardInterrupt:
        if outputs:
            err(f"interrupted; run {outputs['run_id']} continues on the server "
                f"(POST /runs/{outputs['run_id']}/cancel stops it)")
        else:
            err("interrupted")
        raise typer.Exit(130) from None
    finally:
        if outputs:
            _write_github_output(outputs)
        if client is not None:
            client.close()


if __name__ == "__main__":  # python -m app.submit ... (the same command, without app.cli)
    typer.run(submit)
