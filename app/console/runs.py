"""`retrainer runs list|show|logs|cancel|wait`."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

import typer

from app.console.client import JsonOption, UrlOption, get, get_all, seg, session
from app.console.output import print_json, table, when
from app.submit import (
    EXIT_REFUSED,
    TERMINAL,
    Client,
    StepPrinter,
    Stop,
    _duration,
    _follow,
    _json,
    compact_metrics,
    final_report,
    out,
    refused,
)

runs_cli = typer.Typer(no_args_is_help=True, help="List, show, follow and cancel runs.")


def _run_source(run: dict, endpoints: dict[str, str]) -> str:
    if run.get("endpoint_id"):
        return f"{endpoints.get(run['endpoint_id'], run['endpoint_id'])} v{run.get('endpoint_version')}"
    return f"draft {run.get('pipeline_id')}"


def _endpoint_names(client: Client) -> dict[str, str]:
    try:
        return {e["id"]: e["name"] for e in get_all(client, "/endpoints", "could not list endpoints", 500)}
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
    with session(url) as client:
        names = _endpoint_names(client)
        query: dict[str, str] = {}
        if status:
            query["status"] = status
        if endpoint:
            query["endpoint_id"] = get(client, f"/endpoints/{seg(endpoint)}", f"endpoint {endpoint!r}")["id"]
        if pipeline:
            query["pipeline_id"] = pipeline
        if experiment:
            query["experiment"] = experiment
        runs = get_all(client, "/runs" + (f"?{urlencode(query)}" if query else ""), "could not list runs", limit)
        if as_json:
            print_json(runs)
            return
        if not runs:
            out("no runs yet: submit one with retrainer submit ENDPOINT, or from the studio")
            return
        table(["run", "status", "source", "experiment", "created", "took", "model"], [[
            r["id"], r["status"], _run_source(r, names), r.get("experiment") or "-", when(r.get("created_at")),
            _duration(r.get("started_at"), r.get("finished_at")) or "-",
            f"{r['model']['name']} v{r['model']['version']}" if r.get("model") else "-",
        ] for r in runs])


@runs_cli.command("show")
def runs_show(run_id: Annotated[str, typer.Argument(metavar="RUN")], as_json: JsonOption = False,
              url: UrlOption = None) -> None:
    """A run: status, parameters, each step's state and times, metrics, model."""
    with session(url) as client:
        run = get(client, f"/runs/{seg(run_id)}", f"run {run_id!r}")
        if as_json:
            print_json(run)
            return
        names = _endpoint_names(client)
        out(f"run {run['id']}  {run['status']}")
        out(f"  source      {_run_source(run, names)}")
        out(f"  experiment  {run.get('experiment') or '-'}")
        out(f"  created     {when(run.get('created_at'))}   took {_duration(run.get('started_at'), run.get('finished_at')) or '-'}")
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
            s["name"], s["component"], s["status"], when(s.get("started_at")),
            _duration(s.get("started_at"), s.get("finished_at")) or "-",
            (f"reused from {s['reused_from']}" if s.get("reused_from") else (s.get("error") or "")),
        ] for s in run.get("steps") or []])


def _log(client: Client, run_id: str, step: str) -> str | None:
    response = client.call("GET", f"/runs/{seg(run_id)}/steps/{seg(step)}/logs", headers={"Accept": "text/plain"})
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
    with session(url) as client:
        run = get(client, f"/runs/{seg(run_id)}", f"run {run_id!r}")
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
            headers: dict[str, str] = {"If-None-Match": etag} if etag else {}
            response = client.call("GET", f"/runs/{seg(run_id)}", params={"wait": 3}, headers=headers)
            if response.status_code == 200:
                run, etag = _json(response), response.headers.get("ETag")
            elif response.status_code != 304:
                raise refused(response, f"could not follow run {run_id}")
            show_new()


@runs_cli.command("cancel")
def runs_cancel(run_id: Annotated[str, typer.Argument(metavar="RUN")], url: UrlOption = None) -> None:
    """Stop a queued or running run (a finished run is left as it is)."""
    with session(url) as client:
        response = client.call("POST", f"/runs/{seg(run_id)}/cancel")
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
    with session(url) as client:
        response = client.call("GET", f"/runs/{seg(run_id)}")
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
