"""`retrainer deployments list|show|create|predict|history|rollback|drift|enable|disable|delete`:
registered models served behind `POST /deployments/{name}/predict`."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from retrainer_client.api.deployments import (
    create_deployment,
    delete_deployment,
    deployment_drift,
    deployment_history,
    get_deployment,
    list_deployments,
    predict,
    update_deployment,
)
from retrainer_client.models import DeploymentCreate, DeploymentPatch, PredictRequest
from retrainer_client.types import File

from retrainer_cli.client import Session, get, get_all, send, session
from retrainer_cli.errors import EXIT_REFUSED, Stop
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import compact_metrics, out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="Serve model versions, predict, and move between versions.")

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The deployment's name.")]


def _serving(d: dict[str, Any]) -> str:
    return f"{d['model']} v{d['version']}" + (" (follows)" if d.get("follow") else " (pinned)")


def _gate(d: dict[str, Any]) -> str:
    gate = d.get("gate")
    if not gate:
        return "-"
    return f"{gate.get('metric')} +{gate.get('min_delta', 0)}" + (f" on {gate['holdout']}" if gate.get("holdout") else "")


@cli.command("list")
def deployments_list(as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Every deployment with the model version it serves."""
    with session(url, profile) as client:
        deployments = get_all(client, list_deployments, what="could not list deployments", limit=5000)
        if as_json:
            print_json(deployments)
            return
        if not deployments:
            out("no deployments yet: retrainer deployments create NAME --model MODEL --follow")
            return
        table(["name", "state", "serves", "gate", "updated"], [[
            d["name"], "enabled" if d.get("enabled") else "disabled", _serving(d), _gate(d), when(d.get("updated_at")),
        ] for d in deployments])


def _describe(d: dict[str, Any]) -> None:
    out(f"deployment {d['name']}  {'enabled' if d.get('enabled') else 'disabled'}  serves {_serving(d)}")
    out(f"  gate        {_gate(d)}")
    out(f"  task        {d.get('task') or '-'}" + (f" (classes: {', '.join(map(str, d['classes']))})"
                                                  if d.get("classes") else ""))
    out(f"  input       {', '.join(c['name'] for c in d.get('input_schema') or [])}")
    out(f"  predict     retrainer deployments predict {d['name']} ROWS.csv   (POST {d.get('predict_url')})")


@cli.command("show")
def deployments_show(name: NameArg, as_json: JsonOption = False, url: UrlOption = None,
                     profile: ProfileOption = None) -> None:
    """A deployment: what it serves, its gate, and the input columns it takes."""
    with session(url, profile) as client:
        d = get(client, get_deployment, name, what=f"deployment {name!r}")
        if as_json:
            print_json(d)
            return
        _describe(d)


@cli.command("create")
def deployments_create(
    name: NameArg,
    model: Annotated[str, typer.Option("--model", help="The registered model's name.", show_default=False)],
    version: Annotated[int | None, typer.Option("--version", min=1, help="Serve this version, pinned.",
                                                show_default=False)] = None,
    follow: Annotated[bool, typer.Option("--follow", help="Serve the latest version now, then each new one that "
                                                          "passes the gate.")] = False,
    metric: Annotated[str, typer.Option("--gate-metric", help="With --follow: the metric the challenger must "
                                                              "reach.")] = "roc_auc",
    min_delta: Annotated[float, typer.Option("--min-delta", help="With --follow: by how much it must beat the "
                                                                 "champion.")] = 0.0,
    holdout: Annotated[str | None, typer.Option("--holdout", metavar="URI", help="With --follow: datastore:// rows "
                                                "both are scored on (default: the challenger's test split).",
                                                show_default=False)] = None,
    log_predictions: Annotated[bool, typer.Option("--log-predictions", help="Keep each prediction's inputs, for "
                                                  "retrainer deployments drift.")] = False,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Deploy a model: pinned to --version N, or --follow (gated by --gate-metric, --min-delta)."""
    with session(url, profile) as client:
        if (version is None) == (not follow):
            raise Stop(EXIT_REFUSED, "error: give --version N (pinned) or --follow (the latest, gated), one of them")
        body: dict[str, Any] = {"name": name, "model": model}
        if follow:
            gate = {"metric": metric, "min_delta": min_delta, **({"holdout": holdout} if holdout else {})}
            body.update(follow=True, gate=gate)
        else:
            body["version"] = version
        if log_predictions:
            body["monitor"] = {"log_predictions": True}
        created = send(client, create_deployment, model=DeploymentCreate, body=body, ok=(201,),
                       what=f"could not create deployment {name!r}")
        if as_json:
            print_json(created)
            return
        _describe(created)


def _rows(path: Path) -> PredictRequest | File:
    """A CSV file (with a header) goes as text/csv; a JSON file as {"rows": [...]} (or a list of rows)."""
    raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    if path.suffix.lower() == ".json" or raw.lstrip()[:1] in (b"{", b"["):
        try:
            rows = json.loads(raw)
        except ValueError as exc:
            raise Stop(EXIT_REFUSED, f"error: {path} is not JSON: {exc}") from None
        return PredictRequest.from_dict(rows if isinstance(rows, dict) else {"rows": rows})
    return File(payload=io.BytesIO(raw), mime_type="text/csv")


@cli.command("predict")
def deployments_predict(
    name: NameArg,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Rows: a CSV with a header, or JSON "
                                                              "({\"rows\": [...]} or a list); '-': standard input.",
                                         allow_dash=True)],
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Predict the rows of FILE: one line per row with its prediction (and probabilities)."""
    with session(url, profile) as client:
        if str(file) != "-" and not file.is_file():
            raise Stop(EXIT_REFUSED, f"error: {file} is not a file")
        answer = send(client, predict, name, body=_rows(file), what=f"deployment {name!r} refused the rows")
        if as_json:
            print_json(answer)
            return
        classes = answer.get("classes") or []
        probabilities = answer.get("probabilities") or []
        headers = ["row", "prediction", *[f"p({c})" for c in classes]]
        table(headers, [[i, p, *[f"{x:.4f}" for x in (probabilities[i] if i < len(probabilities) else [])]]
                        for i, p in enumerate(answer.get("predictions") or [])], upper=False)
        m = answer.get("model") or {}
        out(f"({len(answer.get('predictions') or [])} rows, model {m.get('name')} v{m.get('version')})")


@cli.command("history")
def deployments_history(name: NameArg, limit: Annotated[int, typer.Option(min=1, max=5000)] = 20,
                        as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Every move of a deployment, newest first: created, manual, promoted, held, rollback."""
    with session(url, profile) as client:
        entries = get_all(client, deployment_history, name, what=f"deployment {name!r}", limit=limit)
        if as_json:
            print_json(entries)
            return
        table(["at", "reason", "from", "to", "run", "challenger", "message"], [[
            when(e.get("at")), e["reason"], e.get("from_version") or "-", e.get("to_version"), e.get("run_id") or "-",
            compact_metrics((e.get("metrics") or {}).get("challenger")) or "-", e.get("message") or "",
        ] for e in entries])


def _patch(client: Session, name: str, body: dict[str, Any], as_json: bool) -> None:
    changed = send(client, update_deployment, name, model=DeploymentPatch, body=body,
                   what=f"could not change deployment {name!r}")
    if as_json:
        print_json(changed)
        return
    _describe(changed)


@cli.command("rollback")
def deployments_rollback(
    name: NameArg,
    to: Annotated[int | None, typer.Option("--to", min=1, metavar="VERSION", help="Default: the version it "
                                           "served before the current one.", show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Serve an earlier version again (recorded as a rollback). A deployment that follows its model
    stops following, so the next retrain does not move it back: `--follow` it again later with
    PATCH /deployments/NAME."""
    with session(url, profile) as client:
        current = get(client, get_deployment, name, what=f"deployment {name!r}")
        if to is None:
            moves = [e for e in get_all(client, deployment_history, name, what=f"deployment {name!r}", limit=500)
                     if e.get("to_version") == current["version"] and e.get("from_version")]
            if not moves:
                raise Stop(EXIT_REFUSED, f"error: deployment {name} has served no other version: give --to VERSION")
            to = int(moves[0]["from_version"])
        if to >= current["version"]:
            raise Stop(EXIT_REFUSED, f"error: a rollback serves an earlier version than {current['version']}: "
                                     f"give --to VERSION below it")
        _patch(client, name, {"version": to, **({"follow": False} if current.get("follow") else {})}, as_json)


@cli.command("enable")
def deployments_enable(name: NameArg, as_json: JsonOption = False, url: UrlOption = None,
                       profile: ProfileOption = None) -> None:
    """Answer predictions again."""
    with session(url, profile) as client:
        _patch(client, name, {"enabled": True}, as_json)


@cli.command("disable")
def deployments_disable(name: NameArg, as_json: JsonOption = False, url: UrlOption = None,
                        profile: ProfileOption = None) -> None:
    """Refuse predictions (409) until enabled again."""
    with session(url, profile) as client:
        _patch(client, name, {"enabled": False}, as_json)


@cli.command("delete")
def deployments_delete(name: NameArg, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Delete a deployment (its model versions stay registered)."""
    with session(url, profile) as client:
        send(client, delete_deployment, name, ok=(204,), what=f"could not delete deployment {name!r}")
        out(f"deleted deployment {name}")


@cli.command("drift")
def deployments_drift(
    name: NameArg,
    window: Annotated[str, typer.Option(help="ISO 8601 duration of logged predictions to compare with the "
                                             "training data.")] = "PT24H",
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Whether the inputs of recent predictions drifted from the training data, column by column.
    Exit 0 either way (read `drifted` in --json); needs a monitor that logs predictions."""
    with session(url, profile) as client:
        report = get(client, deployment_drift, name, window=window, what=f"drift of deployment {name!r}")
        if as_json:
            print_json(report)
            return
        out(f"deployment {name} v{report.get('version')}: {'DRIFTED' if report.get('drifted') else 'no drift'} "
            f"over {window} ({report.get('rows')} rows vs {report.get('reference_rows')} reference rows)")
        if report.get("message"):
            out(f"  {report['message']}")
        table(["column", "kind", "metric", "value", "threshold", "drifted"], [[
            c["name"], c.get("kind"), c.get("metric"),
            f"{c['value']:.4f}" if isinstance(c.get("value"), (int, float)) else "-", c.get("threshold"),
            "yes" if c.get("drifted") else "",
        ] for c in report.get("columns") or []])
