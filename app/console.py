"""The commands a person at a terminal expects: login, runs, endpoints, models.

Thin HTTP clients of the public API, like `retrainer submit` (whose client, error
rendering and exit codes they share): 0 ok, 1 the run failed or was canceled,
2 refused (any 4xx, no credentials, usage), 3 unreachable, 5xx or --timeout.

Credentials, first found wins: RETRAINER_CLIENT_ID + RETRAINER_CLIENT_SECRET (a
service principal), RETRAINER_TOKEN (a bearer token), or the token that
`retrainer login` kept for this session in a file only its user can read.
Tables are for people; --json prints the API's answer for scripts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import typer

from app.submit import (
    DEFAULT_URL,
    EXIT_REFUSED,
    EXIT_UNAVAILABLE,
    TERMINAL,
    Client,
    StepPrinter,
    Stop,
    _duration,
    _follow,
    _json,
    _safe_url,
    compact_metrics,
    err,
    final_report,
    out,
    refused,
)

UrlOption = Annotated[str | None, typer.Option(
    "--url", metavar="URL", help=f"The service (default: $RETRAINER_URL, else {DEFAULT_URL}).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer (for scripts).")]


# --- the token kept by `retrainer login` ---------------------------------------------------

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


def _write_private(path: Path, text: str) -> None:
    """Written with mode 0600 from the start (never readable by others, not even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _read_saved() -> dict | None:
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


def _base_url(url: str | None, saved: dict | None = None) -> str:
    base = url or os.environ.get("RETRAINER_URL") or (saved or {}).get("url") or DEFAULT_URL
    if not base.startswith(("http://", "https://")):
        raise Stop(EXIT_REFUSED, f"error: the service URL must start with http:// or https://, not {_safe_url(base)!r}")
    return base.rstrip("/")


def _client(url: str | None) -> Client:
    client_id = os.environ.get("RETRAINER_CLIENT_ID") or None
    client_secret = os.environ.get("RETRAINER_CLIENT_SECRET") or None
    if bool(client_id) != bool(client_secret):
        missing = "RETRAINER_CLIENT_SECRET" if client_id else "RETRAINER_CLIENT_ID"
        raise Stop(EXIT_REFUSED, f"error: {missing} is not set (both RETRAINER_CLIENT_ID and "
                                 "RETRAINER_CLIENT_SECRET are needed)")
    if client_id:
        return Client(_base_url(url), client_id=client_id, client_secret=client_secret, token=None)
    token = os.environ.get("RETRAINER_TOKEN") or None
    if token:
        return Client(_base_url(url), client_id=None, client_secret=None, token=token)
    saved = _read_saved()
    base = _base_url(url, saved)
    if saved and saved.get("url", "").rstrip("/") == base:
        if saved.get("expires_at", 0) <= time.time():
            raise Stop(EXIT_REFUSED, f"error: your login to {base} has expired: run retrainer login")
        return Client(base, client_id=None, client_secret=None, token=saved["access_token"])
    raise Stop(EXIT_REFUSED, f"error: not logged in to {base}: run retrainer login (or set "
                             "RETRAINER_TOKEN, or RETRAINER_CLIENT_ID and RETRAINER_CLIENT_SECRET)")


@contextmanager
def _session(url: str | None) -> Iterator[Client]:
    """A client, with every Stop turned into its message and exit code."""
    client: Client | None = None
    try:
        client = _client(url)
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


def _get(client: Client, path: str, what: str, **kwargs: Any) -> Any:
    response = client.call("GET", path, **kwargs)
    if response.status_code == 401 and not client.can_refresh:
        raise Stop(EXIT_REFUSED, f"error: {what}: the token was refused (expired or revoked): run retrainer login")
    if response.status_code != 200:
        raise refused(response, what)
    return _json(response)


def _all(client: Client, path: str, what: str, limit: int) -> list[dict]:
    """Follows next_cursor until `limit` items."""
    items: list[dict] = []
    cursor = None
    while len(items) < limit:
        sep = "&" if "?" in path else "?"
        page_path = f"{path}{sep}limit={min(500, limit - len(items))}" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = _get(client, page_path, what)
        items += page.get("items") or []
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")


# --- output --------------------------------------------------------------------------------

def print_json(data: Any) -> None:
    out(json.dumps(data, indent=2, sort_keys=True))


def table(headers: list[str], rows: list[list[Any]]) -> None:
    """Columns aligned for a person; the last column is never padded."""
    text = [[("" if cell is None else str(cell)) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in text]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out(line([h.upper() for h in headers]))
    for row in text:
        out(line(row))


def _when(value: str | None) -> str:
    return (value or "-").replace("T", " ")[:19]


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    value, unit = float(size), 0
    units = ["B", "KB", "MB", "GB", "TB"]
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{int(value)} B" if unit == 0 else f"{value:.1f} {units[unit]}"


# --- login / logout -------------------------------------------------------------------------

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
        base = _base_url(url)
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
        _write_private(path, json.dumps({
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
    saved = _read_saved()
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


# --- runs ------------------------------------------------------------------------------------

runs_cli = typer.Typer(no_args_is_help=True, help="List, show, follow and cancel runs.")


def _run_source(run: dict, endpoints: dict[str, str]) -> str:
    if run.get("endpoint_id"):
        return f"{endpoints.get(run['endpoint_id'], run['endpoint_id'])} v{run.get('endpoint_version')}"
    return f"draft {run.get('pipeline_id')}"


def _endpoint_names(client: Client) -> dict[str, str]:
    try:
        return {e["id"]: e["name"] for e in _all(client, "/endpoints", "could not list endpoints", 500)}
    except Stop:
        return {}  # a principal without endpoints:read still sees its runs


@runs_cli.command("list")
def runs_list(
    status: Annotated[str | None, typer.Option(help="queued, running, succeeded, failed or canceled.",
                                               show_default=False)] = None,
    endpoint: Annotated[str | None, typer.Option(help="Only runs of this endpoint (name or id).",
                                                 show_default=False)] = None,
    pipeline: Annotated[str | None, typer.Option(help="Only runs of this pipeline id.", show_default=False)] = None,
    experiment: Annotated[str | None, typer.Option(show_default=False)] = None,
    limit: Annotated[int, typer.Option(min=1, max=5000)] = 20,
    as_json: JsonOption = False,
    url: UrlOption = None,
) -> None:
    """The newest runs first, with their status, source, times and model."""
    with _session(url) as client:
        names = _endpoint_names(client)
        query: dict[str, str] = {}
        if status:
            query["status"] = status
        if endpoint:
            query["endpoint_id"] = _get(client, f"/endpoints/{_seg(endpoint)}", f"endpoint {endpoint!r}")["id"]
        if pipeline:
            query["pipeline_id"] = pipeline
        if experiment:
            query["experiment"] = experiment
        runs = _all(client, "/runs" + (f"?{urlencode(query)}" if query else ""), "could not list runs", limit)
        if as_json:
            print_json(runs)
            return
        if not runs:
            out("no runs yet: submit one with retrainer submit ENDPOINT, or from the studio")
            return
        table(["run", "status", "source", "experiment", "created", "took", "model"], [[
            r["id"], r["status"], _run_source(r, names), r.get("experiment") or "-", _when(r.get("created_at")),
            _duration(r.get("started_at"), r.get("finished_at")) or "-",
            f"{r['model']['name']} v{r['model']['version']}" if r.get("model") else "-",
        ] for r in runs])


@runs_cli.command("show")
def runs_show(run_id: Annotated[str, typer.Argument(metavar="RUN")], as_json: JsonOption = False,
              url: UrlOption = None) -> None:
    """A run: status, parameters, each step's state and times, metrics, model."""
    with _session(url) as client:
        run = _get(client, f"/runs/{_seg(run_id)}", f"run {run_id!r}")
        if as_json:
            print_json(run)
            return
        names = _endpoint_names(client)
        out(f"run {run['id']}  {run['status']}")
        out(f"  source      {_run_source(run, names)}")
        out(f"  experiment  {run.get('experiment') or '-'}")
        out(f"  created     {_when(run.get('created_at'))}   took {_duration(run.get('started_at'), run.get('finished_at')) or '-'}")
        for name, value in (run.get("parameters") or {}).items():
            out(f"  parameter   {name} = {json.dumps(value) if not isinstance(value, str) else value}")
        if run.get("error"):
            out(f"  error       step {run['error'].get('step')}: {run['error'].get('message')}")
        metrics = compact_metrics(run.get("metrics"))
        if metrics:
            out(f"  metrics     {metrics}")
        if run.get("model"):
            out(f"  model       {run['model']['name']} v{run['model']['version']}")
        out("")
        table(["step", "component", "status", "started", "took", "note"], [[
            s["name"], s["component"], s["status"], _when(s.get("started_at")),
            _duration(s.get("started_at"), s.get("finished_at")) or "-",
            (f"reused from {s['reused_from']}" if s.get("reused_from") else (s.get("error") or "")),
        ] for s in run.get("steps") or []])


def _log(client: Client, run_id: str, step: str) -> str | None:
    response = client.call("GET", f"/runs/{_seg(run_id)}/steps/{_seg(step)}/logs", headers={"Accept": "text/plain"})
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise refused(response, f"could not read the log of step {step!r}")
    return response.text


@runs_cli.command("logs")
def runs_logs(
    run_id: Annotated[str, typer.Argument(metavar="RUN")],
    step: Annotated[str | None, typer.Option("--step", "-s", help="Only this step (default: every step).",
                                             show_default=False)] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing as the run goes on, "
                                                                "until it is finished.")] = False,
    url: UrlOption = None,
) -> None:
    """The steps' logs, in pipeline order; --follow prints new lines as they come."""
    with _session(url) as client:
        run = _get(client, f"/runs/{_seg(run_id)}", f"run {run_id!r}")
        names = [s["name"] for s in run.get("steps") or []]
        if step is not None and step not in names:
            raise Stop(EXIT_REFUSED, f"error: run {run_id} has no step {step!r}; its steps: {', '.join(names)}")
        wanted = [step] if step else names
        printed: dict[str, int] = {}

        def show_new() -> None:
            for name in wanted:
                text = _log(client, run_id, name)
                if text is None:
                    continue
                if name not in printed and len(wanted) > 1:
                    out(f"== {name} ==")
                new = text[printed.get(name, 0):]
                if new:
                    typer.echo(new, nl=False)
                printed[name] = len(text)

        show_new()
        etag = None
        while follow and run.get("status") not in TERMINAL:
            # The long-poll answers at each step change; a running step's log grows in
            # between, so ask again every few seconds (the log has no long-poll of its own).
            headers = {"If-None-Match": etag} if etag else {}
            response = client.call("GET", f"/runs/{_seg(run_id)}", params={"wait": 3}, headers=headers)
            if response.status_code == 200:
                run, etag = _json(response), response.headers.get("ETag")
            elif response.status_code != 304:
                raise refused(response, f"could not follow run {run_id}")
            show_new()


@runs_cli.command("cancel")
def runs_cancel(run_id: Annotated[str, typer.Argument(metavar="RUN")], url: UrlOption = None) -> None:
    """Stop a queued or running run (a finished run is left as it is)."""
    with _session(url) as client:
        response = client.call("POST", f"/runs/{_seg(run_id)}/cancel")
        if response.status_code not in (200, 202):
            raise refused(response, f"could not cancel run {run_id}")
        run = _json(response) or {}
        out(f"run {run.get('id', run_id)} {run.get('status', 'cancel requested')}")


@runs_cli.command("wait")
def runs_wait(
    run_id: Annotated[str, typer.Argument(metavar="RUN")],
    timeout: Annotated[float, typer.Option("--timeout", min=1, metavar="SECONDS",
                                           help="Give up waiting after this long (exit 3).")] = 3600,
    url: UrlOption = None,
) -> None:
    """Wait for a run to finish (long-poll), printing each step; exit 0 only if it succeeded."""
    with _session(url) as client:
        response = client.call("GET", f"/runs/{_seg(run_id)}")
        if response.status_code != 200:
            raise refused(response, f"run {run_id!r}")
        run = _json(response)
        out(f"run {run['id']} {run['status']}")
        steps = StepPrinter()
        steps.update(run)
        run = _follow(client, run, response.headers.get("ETag"), timeout, steps, {})
        code = final_report(run)
    if code:
        raise typer.Exit(code)


# --- endpoints ---------------------------------------------------------------------------------

endpoints_cli = typer.Typer(no_args_is_help=True, help="List and show pipeline endpoints.")


@endpoints_cli.command("list")
def endpoints_list(as_json: JsonOption = False, url: UrlOption = None) -> None:
    """Every endpoint with its default and latest version."""
    with _session(url) as client:
        endpoints = _all(client, "/endpoints", "could not list endpoints", 5000)
        if as_json:
            print_json(endpoints)
            return
        if not endpoints:
            out("no endpoints yet: publish a pipeline (POST /endpoints/NAME/versions, or Publish in the studio)")
            return
        table(["name", "state", "default", "latest", "description"], [[
            e["name"], "enabled" if e.get("enabled") else "disabled", e.get("default_version") or "-",
            e.get("latest_version") or "-", e.get("description") or "",
        ] for e in endpoints])


@endpoints_cli.command("show")
def endpoints_show(endpoint: Annotated[str, typer.Argument(metavar="ENDPOINT", help="Name or id.")],
                   as_json: JsonOption = False, url: UrlOption = None) -> None:
    """An endpoint and its versions, each with its parameters and their defaults."""
    with _session(url) as client:
        data = _get(client, f"/endpoints/{_seg(endpoint)}", f"endpoint {endpoint!r}")
        versions = _all(client, f"/endpoints/{_seg(endpoint)}/versions", "could not list versions", 5000)
        if as_json:
            print_json({**data, "versions": versions})
            return
        out(f"endpoint {data['name']}  {'enabled' if data.get('enabled') else 'disabled'}  ({data['id']})")
        if data.get("description"):
            out(f"  {data['description']}")
        out(f"  retrain: retrainer submit {data['name']} [-p NAME=VALUE ...] [--version N] --wait")
        out("")
        if not versions:
            out("no versions yet")
            return

        def params(v: dict) -> str:
            return ", ".join(f"{k}={json.dumps(p.get('default')) if not isinstance(p.get('default'), str) else p['default']}"
                             if p.get("default") is not None else f"{k} (required)"
                             for k, p in (v.get("parameters") or {}).items()) or "-"

        table(["version", "default", "published", "parameters", "description"], [[
            v["version"], "yes" if v.get("is_default") else "", _when(v.get("created_at")), params(v),
            v.get("description") or "",
        ] for v in sorted(versions, key=lambda v: v["version"], reverse=True)])


# --- models ----------------------------------------------------------------------------------

models_cli = typer.Typer(no_args_is_help=True, help="List and download registered models.")


@models_cli.command("list")
def models_list(
    name: Annotated[str | None, typer.Argument(help="A model's name: list its versions.", show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None,
) -> None:
    """Registered models, or one model's versions with their metrics and runs."""
    with _session(url) as client:
        if name is None:
            models = _all(client, "/models", "could not list models", 5000)
            if as_json:
                print_json(models)
                return
            if not models:
                out("no models yet: a run that trains registers one when it succeeds")
                return
            table(["name", "latest", "versions", "updated"], [[
                m["name"], m.get("latest_version"), m.get("versions"), _when(m.get("updated_at"))] for m in models])
            return
        versions = _all(client, f"/models/{_seg(name)}/versions", f"model {name!r}", 5000)
        if as_json:
            print_json(versions)
            return
        table(["version", "created", "algorithm", "run", "size", "metrics"], [[
            v["version"], _when(v.get("created_at")), v.get("algorithm") or "-",
            (v.get("lineage") or {}).get("run_id") or "-", _size(v.get("size")), compact_metrics(v.get("metrics")),
        ] for v in sorted(versions, key=lambda v: v["version"], reverse=True)])


@models_cli.command("download")
def models_download(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    version: Annotated[int | None, typer.Option("--version", min=1, help="Default: the latest version.",
                                                show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Default: NAME-vN.joblib here.",
                                                show_default=False)] = None,
    url: UrlOption = None,
) -> None:
    """Download a model version; its sha256 is checked against the registry's."""
    with _session(url) as client:
        if version is None:
            versions = _all(client, f"/models/{_seg(name)}/versions", f"model {name!r}", 5000)
            if not versions:
                raise Stop(EXIT_REFUSED, f"error: model {name!r} has no versions")
            version = max(v["version"] for v in versions)
        info = _get(client, f"/models/{_seg(name)}/versions/{version}", f"model {name!r} version {version}")
        target = output or Path(f"{name}-v{version}.joblib")
        digest = hashlib.sha256()
        partial = target.with_name(target.name + ".part")
        with client.http.stream("GET", f"/models/{_seg(name)}/versions/{version}/download",
                                headers=client._auth()) as response:
            if response.status_code != 200:
                response.read()
                raise refused(response, f"could not download {name} v{version}")
            with open(partial, "wb") as handle:
                for chunk in response.iter_bytes():
                    digest.update(chunk)
                    handle.write(chunk)
        if info.get("sha256") and digest.hexdigest() != info["sha256"]:
            partial.unlink(missing_ok=True)
            raise Stop(EXIT_UNAVAILABLE, f"error: the download's sha256 {digest.hexdigest()} is not the "
                                         f"registered {info['sha256']}; nothing written")
        partial.replace(target)
        out(f"wrote {target} ({_size(info.get('size'))}, sha256 {digest.hexdigest()}): {name} v{version}, "
            f"trained by run {(info.get('lineage') or {}).get('run_id', '-')}")


def register(cli: typer.Typer) -> None:
    """Adds these commands to the `retrainer` command."""
    cli.command("login")(login)
    cli.command("logout")(logout)
    cli.add_typer(runs_cli, name="runs")
    cli.add_typer(endpoints_cli, name="endpoints")
    cli.add_typer(models_cli, name="models")
