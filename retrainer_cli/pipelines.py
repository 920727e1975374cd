"""`retrainer pipelines list|show|create|edit|run|publish|delete`: drafts, from JSON files.

A pipeline file is the body of `POST /pipelines` (examples/income-prediction/pipeline.json).
`publish` snapshots a draft as an endpoint's next version (creating the endpoint when missing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from retrainer_client.api.endpoints import create_endpoint, get_endpoint, publish_version
from retrainer_client.api.pipelines import (
    create_pipeline,
    delete_pipeline,
    get_pipeline,
    list_pipelines,
    replace_pipeline,
)
from retrainer_client.api.runs import run_pipeline
from retrainer_client.models import EndpointCreate, PipelineSpec, RunRequest, VersionCreate

from retrainer_cli.client import Session, get, get_all, send, session
from retrainer_cli.errors import EXIT_REFUSED, Stop
from retrainer_cli.follow import StepPrinter, final_report, follow
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import out, print_json, table, when
from retrainer_cli.submit import _parameters_callback, parse_parameters

cli = typer.Typer(no_args_is_help=True, help="Create, edit, run and publish pipeline drafts.")

PipelineArg = Annotated[str, typer.Argument(metavar="PIPELINE", help="A pipeline's id.")]
FileArg = Annotated[Path, typer.Argument(metavar="FILE", help="The pipeline as JSON (the body of POST /pipelines).",
                                         exists=True, dir_okay=False, readable=True)]
NameOption = Annotated[str | None, typer.Option("--name", help="Use this name instead of the file's (it names "
                                                               "the models the pipeline trains).", show_default=False)]


def read_spec(path: Path, name: str | None) -> dict[str, Any]:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise Stop(EXIT_REFUSED, f"error: {path} is not JSON: {exc}") from None
    if not isinstance(spec, dict):
        raise Stop(EXIT_REFUSED, f"error: {path} must hold a JSON object (name, parameters, steps)")
    return {**spec, **({"name": name} if name else {})}


def _summary(pipeline: dict[str, Any]) -> str:
    return f"pipeline {pipeline['name']} ({pipeline['id']}): {len(pipeline.get('steps') or {})} steps"


@cli.command("list")
def pipelines_list(as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Every draft of the workspace, newest change first."""
    with session(url, profile) as client:
        pipelines = get_all(client, list_pipelines, what="could not list pipelines", limit=5000)
        if as_json:
            print_json(pipelines)
            return
        if not pipelines:
            out("no pipelines yet: retrainer pipelines create FILE")
            return
        table(["id", "name", "steps", "parameters", "updated", "description"], [[
            p["id"], p["name"], len(p.get("steps") or {}), ", ".join(p.get("parameters") or {}) or "-",
            when(p.get("updated_at")), p.get("description") or "",
        ] for p in pipelines])


@cli.command("show")
def pipelines_show(pipeline: PipelineArg, as_json: JsonOption = False, url: UrlOption = None,
                   profile: ProfileOption = None) -> None:
    """A draft: its parameters with their defaults, and each step with its inputs and settings."""
    with session(url, profile) as client:
        data = get(client, get_pipeline, pipeline, what=f"pipeline {pipeline!r}")
        if as_json:
            print_json(data)
            return
        out(f"{_summary(data)}, digest {data.get('digest', '-')}")
        if data.get("description"):
            out(f"  {data['description']}")
        for name, param in (data.get("parameters") or {}).items():
            default = param.get("default")
            out(f"  parameter {name} ({param.get('type')})" + (f" = {default}" if default is not None else " required"))
        out("")
        table(["step", "component", "inputs", "settings"], [[
            name, step["component"], ", ".join(f"{k}<-{v}" for k, v in (step.get("inputs") or {}).items()) or "-",
            json.dumps(step.get("settings") or {}, sort_keys=True),
        ] for name, step in (data.get("steps") or {}).items()])


@cli.command("create")
def pipelines_create(file: FileArg, name: NameOption = None, as_json: JsonOption = False, url: UrlOption = None,
                     profile: ProfileOption = None) -> None:
    """Create a draft from FILE; prints its id (every problem of the file is listed at once)."""
    with session(url, profile) as client:
        created = send(client, create_pipeline, model=PipelineSpec, body=read_spec(file, name), ok=(201,),
                       what=f"{file} was refused")
        if as_json:
            print_json(created)
            return
        out(f"created {_summary(created)}")


@cli.command("edit")
def pipelines_edit(pipeline: PipelineArg, file: FileArg, name: NameOption = None, as_json: JsonOption = False,
                   url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Replace a draft with FILE (published versions never change)."""
    with session(url, profile) as client:
        saved = send(client, replace_pipeline, pipeline, model=PipelineSpec, body=read_spec(file, name),
                     what=f"{file} was refused for pipeline {pipeline}")
        if as_json:
            print_json(saved)
            return
        out(f"saved {_summary(saved)}")


@cli.command("delete")
def pipelines_delete(pipeline: PipelineArg, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Delete a draft (its published versions and runs stay)."""
    with session(url, profile) as client:
        send(client, delete_pipeline, pipeline, ok=(204,), what=f"could not delete pipeline {pipeline}")
        out(f"deleted pipeline {pipeline}")


def run_and_follow(client: Session, response_run: dict[str, Any], wait: bool, timeout: float, where: str) -> int:
    """Prints the new run; with `wait`, follows it and returns the exit code of its end."""
    out(f"run {response_run['id']} {response_run.get('status')} ({where})")
    if not wait:
        return 0
    steps = StepPrinter()
    steps.update(response_run)
    return final_report(follow(client, response_run, None, timeout, steps, {}))


@cli.command("run")
def pipelines_run(
    pipeline: PipelineArg,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", metavar="NAME=VALUE",
                                                    callback=_parameters_callback,
                                                    help="A parameter (repeatable), as in retrainer submit.")] = None,
    experiment: Annotated[str | None, typer.Option(show_default=False)] = None,
    regenerate: Annotated[bool, typer.Option("--regenerate", help="Reuse no outputs of earlier runs.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Follow the run; exit 0 only if it succeeded.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=1, metavar="SECONDS",
                                           help="With --wait: give up after this long (exit 3).")] = 3600,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Run a draft (a try-out before publishing); --wait follows it step by step."""
    with session(url, profile) as client:
        body: dict[str, Any] = {"parameters": parse_parameters(param)}
        body.update({k: v for k, v in {"experiment": experiment, "regenerate": regenerate or None}.items() if v})
        run = send(client, run_pipeline, pipeline, model=RunRequest, body=body, ok=(200, 201, 202),
                   what=f"pipeline {pipeline!r} refused the run")
        if as_json and not wait:
            print_json(run)
            return
        code = run_and_follow(client, run, wait, timeout, f"pipeline {pipeline}")
    if code:
        raise typer.Exit(code)


@cli.command("publish")
def pipelines_publish(
    pipeline: PipelineArg,
    endpoint: Annotated[str, typer.Argument(metavar="ENDPOINT", help="The endpoint's name (created when missing) "
                                                                     "or id.")],
    description: Annotated[str | None, typer.Option(help="What this version changes.", show_default=False)] = None,
    make_default: Annotated[bool, typer.Option("--default/--no-default",
                                               help="Make it the endpoint's default version (the first one always "
                                                    "is).")] = True,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Publish a draft as the next version of ENDPOINT: an immutable snapshot that retrains with
    `retrainer submit ENDPOINT`."""
    with session(url, profile) as client:
        response = client.call(get_endpoint, endpoint)
        if response.status_code == 404:
            send(client, create_endpoint, model=EndpointCreate, body={"name": endpoint}, ok=(201,),
                 what=f"could not create endpoint {endpoint!r}")
        body: dict[str, Any] = {"pipeline_id": pipeline, "make_default": make_default}
        if description is not None:
            body["description"] = description
        version = send(client, publish_version, endpoint, model=VersionCreate, body=body, ok=(201,),
                       what=f"could not publish pipeline {pipeline} to {endpoint!r}")
        if as_json:
            print_json(version)
            return
        out(f"published {version['endpoint_name']} version {version['version']}"
            + (" (default)" if version.get("is_default") else "")
            + f": retrainer submit {version['endpoint_name']} --wait")
