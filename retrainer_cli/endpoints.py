"""`retrainer endpoints list|show|versions|create|set-default|enable|disable`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from retrainer_client.api.endpoints import create_endpoint, get_endpoint, list_endpoints, list_versions, update_endpoint
from retrainer_client.models import EndpointCreate, EndpointPatch

from retrainer_cli.client import Session, get, get_all, send, session
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="Pipeline endpoints: their versions, default version and state.")

EndpointArg = Annotated[str, typer.Argument(metavar="ENDPOINT", help="Name or id.")]


@cli.command("list")
def endpoints_list(as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Every endpoint with its default and latest version."""
    with session(url, profile) as client:
        endpoints = get_all(client, list_endpoints, what="could not list endpoints", limit=5000)
        if as_json:
            print_json(endpoints)
            return
        if not endpoints:
            out("no endpoints yet: retrainer pipelines publish PIPELINE ENDPOINT")
            return
        table(["name", "state", "default", "latest", "description"], [[
            e["name"], "enabled" if e.get("enabled") else "disabled", e.get("default_version") or "-",
            e.get("latest_version") or "-", e.get("description") or "",
        ] for e in endpoints])


def _parameters(version: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={json.dumps(p.get('default')) if not isinstance(p.get('default'), str) else p['default']}"
        if p.get("default") is not None else f"{k} (required)"
        for k, p in (version.get("parameters") or {}).items()) or "-"


@cli.command("show")
def endpoints_show(endpoint: Annotated[str, typer.Argument(metavar="ENDPOINT", help="Name or id.")],
                   as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """An endpoint and its versions, each with its parameters and their defaults."""
    with session(url, profile) as client:
        data = get(client, get_endpoint, endpoint, what=f"endpoint {endpoint!r}")
        versions = get_all(client, list_versions, endpoint, what="could not list versions", limit=5000)
        if as_json:
            print_json({**data, "versions": versions})
            return
        out(f"endpoint {data['name']}  {'enabled' if data.get('enabled') else 'disabled'}  ({data['id']})")
        if data.get("description"):
            out(f"  {data['description']}")
        out(f"  retrain: retrainer submit {data['name']} [-p NAME=VALUE ...] [--version N] --wait")
        out("")
        _versions_table(versions)


def _versions_table(versions: list[dict[str, Any]]) -> None:
    if not versions:
        out("no versions yet: retrainer pipelines publish PIPELINE ENDPOINT")
        return
    table(["version", "default", "published", "pipeline", "parameters", "description"], [[
        v["version"], "yes" if v.get("is_default") else "", when(v.get("created_at")), v.get("pipeline_id") or "-",
        _parameters(v), v.get("description") or "",
    ] for v in sorted(versions, key=lambda v: v["version"], reverse=True)])


@cli.command("versions")
def endpoints_versions(endpoint: EndpointArg, as_json: JsonOption = False, url: UrlOption = None,
                       profile: ProfileOption = None) -> None:
    """An endpoint's published versions, newest first, with their parameters and published pipeline id."""
    with session(url, profile) as client:
        versions = get_all(client, list_versions, endpoint, what=f"endpoint {endpoint!r}", limit=5000)
        if as_json:
            print_json(versions)
            return
        _versions_table(versions)


@cli.command("create")
def endpoints_create(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    description: Annotated[str | None, typer.Option(show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Create an empty endpoint (`retrainer pipelines publish` creates one when missing)."""
    with session(url, profile) as client:
        body = {"name": name, **({"description": description} if description is not None else {})}
        created = send(client, create_endpoint, model=EndpointCreate, body=body, ok=(201,),
                       what=f"could not create endpoint {name!r}")
        if as_json:
            print_json(created)
            return
        out(f"created endpoint {created['name']} ({created['id']}): retrainer pipelines publish PIPELINE {name}")


def _patch(client: Session, endpoint: str, body: dict[str, Any], as_json: bool) -> None:
    changed = send(client, update_endpoint, endpoint, model=EndpointPatch, body=body,
                   what=f"could not change endpoint {endpoint!r}")
    if as_json:
        print_json(changed)
        return
    out(f"endpoint {changed['name']} {'enabled' if changed.get('enabled') else 'disabled'}, "
        f"default version {changed.get('default_version') or '-'}")


@cli.command("set-default")
def endpoints_set_default(endpoint: EndpointArg, version: Annotated[int, typer.Argument(metavar="VERSION", min=1)],
                          as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Make VERSION the one that `retrainer submit ENDPOINT` runs (without --version)."""
    with session(url, profile) as client:
        _patch(client, endpoint, {"default_version": version}, as_json)


@cli.command("enable")
def endpoints_enable(endpoint: EndpointArg, as_json: JsonOption = False, url: UrlOption = None,
                     profile: ProfileOption = None) -> None:
    """Accept runs again."""
    with session(url, profile) as client:
        _patch(client, endpoint, {"enabled": True}, as_json)


@cli.command("disable")
def endpoints_disable(endpoint: EndpointArg, as_json: JsonOption = False, url: UrlOption = None,
                      profile: ProfileOption = None) -> None:
    """Refuse new runs (409) until enabled again; runs already started go on."""
    with session(url, profile) as client:
        _patch(client, endpoint, {"enabled": False}, as_json)
