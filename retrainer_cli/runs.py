"""`retrainer runs list|show|logs|cancel|wait|compare`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from retrainer_client.api.endpoints import get_endpoint, list_endpoints
from retrainer_client.api.runs import cancel_run, get_run, get_step_log, list_runs
from retrainer_client.models.run_status import RunStatus

from retrainer_cli.client import Session, get, get_all, session, stops
from retrainer_cli.errors import EXIT_REFUSED, Stop, json_body, refused
from retrainer_cli.follow import TERMINAL, StepPrinter, final_report, follow
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import HEADLINE_METRICS, compact_metrics, duration, out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="List, show, follow and cancel runs.")


def _run_source(run: dict[str, Any], endpoints: dict[str, str]) -> str:
    if run.get("endpoint_id"):
        return f"{endpoints.get(run['endpoint_id'], run['endpoint_id'])} v{run.get('endpoint_version')}"
    return f"draft {run.get('pipeline_id')}"


def _endpoint_names(client: Session) -> dict[str, str]:
    try:
        return {e["id"]: e["name"] for e in get_all(client, list_endpoints, what="could not list endpoints",
                                                     limit=500)}
    except Stop:
        return {}  # a principal without endpoints:read still sees its runs


def _status(value: str) -> RunStatus:
    try:
        return RunStatus(value)
    except ValueError:
        raise Stop(EXIT_REFUSED, f"error: --status {value!r} is not one of "
                                 f"{', '.join(s.value for s in RunStatus)}") from None


@cli.command("list")
def runs_list(
    status: Annotated[str | None, typer.Option(help="queued, running, succeeded, failed or canceled.",
                                               show_default=False)] = None,
    endpoint: Annotated[str | None, typer.Option(help="Only runs of this endpoint (name or id).",
                                                 show_default=False)] = None,
    pipeline: Annotated[str | None, typer.Option(help="Only runs of this pipeline id.", show_default=False)] = None,
    experiment: Annotated[str | None, typer.Option(show_default=False)] = None,
    limit: Annotated[int, typer.Option(min=1, max=5000)] = 20,
    as_json: JsonOption = False,
    url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """The newest runs first, with their status, source, times and model."""
    with session(url, profile) as client:
        names = _endpoint_names(client)
        filters: dict[str, Any] = {}
        if status:
            filters["status"] = _status(status)
        if endpoint:
            filters["endpoint_id"] = get(client, get_endpoint, endpoint, what=f"endpoint {endpoint!r}")["id"]
        if pipeline:
            filters["pipeline_id"] = pipeline
        if experiment:
            filters["experiment"] = experiment
        runs = get_all(client, list_runs, what="could not list runs", limit=limit, **filters)
        if as_json:
            print_json(runs)
            return
        if not runs:
            out("no runs yet: submit one with retrainer submit ENDPOINT, or from the studio")
            return
        table(["run", "status", "source", "experiment", "created", "took", "model"], [[
            r["id"], r["status"], _run_source(r, names), r.get("experiment") or "-", when(r.get("created_at")),
            duration(r.get("started_at"), r.get("finished_at")) or "-",
            f"{r['model']['name']} v{r['model']['version']}" if r.get("model") else "-",
        ] for r in runs])


@cli.command("show")
def runs_show(run_id: Annotated[str, typer.Argument(metavar="RUN")], as_json: JsonOption = False,
              url: UrlOption = None, profile: ProfileOption = None) -> None:
    """A run: status, parameters, each step's state and times, metrics, model."""
    with session(url, profile) as client:
        run = get(client, get_run, run_id, what=f"run {run_id!r}")
        if as_json:
            print_json(run)
            return
        names = _endpoint_names(client)
        out(f"run {run['id']}  {run['status']}")
        out(f"  source      {_run_source(run, names)}")
        out(f"  experiment  {run.get('experiment') or '-'}")
        out(f"  created     {when(run.get('created_at'))}   took {duration(run.get('started_at'), run.get('finished_at')) or '-'}")
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
            duration(s.get("started_at"), s.get("finished_at")) or "-",
            (f"reused from {s['reused_from']}" if s.get("reused_from") else (s.get("error") or "")),
        ] for s in run.get("steps") or []])


def _log(client: Session, run_id: str, step: str) -> str | None:
    response = client.call(get_step_log, run_id, step)
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise refused(response, f"could not read the log of step {step!r}")
    return response.text


@cli.command("logs")
def runs_logs(
    run_id: Annotated[str, typer.Argument(metavar="RUN")],
    step: Annotated[str | None, typer.Option("--step", "-s", help="Only this step (default: every step).",
                                             show_default=False)] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing as the run goes on, "
                                                                "until it is finished.")] = False,
    url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """The steps' logs, in pipeline order; --follow prints new lines as they come."""
    with session(url, profile) as client:
        run = get(client, get_run, run_id, what=f"run {run_id!r}")
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
        etag: str | None = None
        while follow and run.get("status") not in TERMINAL:
            # The long-poll answers at each step change; a running step's log grows in
            # between, so ask again every few seconds (the log has no long-poll of its own).
            response = client.call(get_run, run_id, wait=3, **({"if_none_match": etag} if etag else {}))
            if response.status_code == 200:
                run, etag = json_body(response), response.headers.get("ETag")
            elif response.status_code != 304:
                raise refused(response, f"could not follow run {run_id}")
            show_new()


@cli.command("cancel")
def runs_cancel(run_id: Annotated[str, typer.Argument(metavar="RUN")], as_json: JsonOption = False,
                url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Stop a queued or running run (a finished run is left as it is)."""
    with session(url, profile) as client:
        response = client.call(cancel_run, run_id)
        if response.status_code not in (200, 202):
            raise refused(response, f"could not cancel run {run_id}")
        run = json_body(response) or {}
        if as_json:
            print_json(run)
            return
        out(f"run {run.get('id', run_id)} {run.get('status', 'cancel requested')}")


@cli.command("wait")
def runs_wait(
    run_id: Annotated[str, typer.Argument(metavar="RUN")],
    timeout: Annotated[float, typer.Option("--timeout", min=1, metavar="SECONDS",
                                           help="Give up waiting after this long (exit 3).")] = 3600,
    url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Wait for a run to finish (long-poll), printing each step; exit 0 only if it succeeded."""
    with session(url, profile) as client:
        response = client.call(get_run, run_id)
        if response.status_code != 200:
            raise refused(response, f"run {run_id!r}")
        run = json_body(response)
        out(f"run {run['id']} {run['status']}")
        steps = StepPrinter()
        steps.update(run)
        run = follow(client, run, response.headers.get("ETag"), timeout, steps, {})
        code = final_report(run)
    if code:
        raise typer.Exit(code)


def _flat_metrics(metrics: Any, prefix: str = "") -> dict[str, Any]:
    """{"roc_auc": 0.9, "evaluate.accuracy": 0.8}: every number, nested evaluate steps prefixed."""
    flat: dict[str, Any] = {}
    for key, value in (metrics or {}).items() if isinstance(metrics, dict) else ():
        if isinstance(value, dict) and key != "confusion_matrix":
            flat.update(_flat_metrics(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = value
    return flat


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def comparison(runs: list[dict[str, Any]], names: dict[str, str]) -> list[list[str]]:
    """Rows of (marker, section, field, value per run): '*' marks a field whose values differ."""
    sections: list[tuple[str, str, list[Any]]] = [
        ("run", "status", [r.get("status") for r in runs]),
        ("run", "source", [_run_source(r, names) for r in runs]),
        ("run", "experiment", [r.get("experiment") for r in runs]),
        ("run", "pipeline_digest", [(r.get("pipeline_digest") or "")[:12] or None for r in runs]),
        ("run", "took", [duration(r.get("started_at"), r.get("finished_at")) for r in runs]),
    ]
    for key in sorted({k for r in runs for k in (r.get("parameters") or {})}):
        sections.append(("parameter", key, [(r.get("parameters") or {}).get(key) for r in runs]))
    metrics = [_flat_metrics(r.get("metrics")) for r in runs]
    headline = [k for k in HEADLINE_METRICS if any(k in m for m in metrics)]
    for key in headline + sorted({k for m in metrics for k in m} - set(headline)):
        sections.append(("metric", key, [m.get(key) for m in metrics]))
    sections.append(("model", "model", [f"{r['model']['name']} v{r['model']['version']}" if r.get("model") else None
                                        for r in runs]))
    return [["*" if len({_cell(v) for v in values}) > 1 else "", section, field, *[_cell(v) for v in values]]
            for section, field, values in sections]


@cli.command("compare")
def runs_compare(
    run_ids: Annotated[list[str], typer.Argument(metavar="RUN RUN...", help="Two or more runs' ids.")],
    only_differences: Annotated[bool, typer.Option("--diff", help="Only the rows whose values differ.")] = False,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Runs side by side: parameters, metrics and models, each differing row marked with '*'."""
    if len(run_ids) < 2:
        with stops():
            raise Stop(EXIT_REFUSED, "error: give two runs or more to compare")
    with session(url, profile) as client:
        runs = [get(client, get_run, run_id, what=f"run {run_id!r}") for run_id in run_ids]
        if as_json:
            print_json(runs)
            return
        rows = comparison(runs, _endpoint_names(client))
        table(["", "KIND", "FIELD", *[r["id"] for r in runs]], [r for r in rows if r[0] or not only_differences],
              upper=False)
