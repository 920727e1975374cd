"""`retrainer endpoints list|show`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from retrainer_client.api.endpoints import get_endpoint, list_endpoints, list_versions

from retrainer_cli.client import get, get_all, session
from retrainer_cli.options import JsonOption, UrlOption
from retrainer_cli.output import out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="List and show pipeline endpoints.")


@cli.command("list")
def endpoints_list(as_json: JsonOption = False, url: UrlOption = None) -> None:
    """Every endpoint with its default and latest version."""
    with session(url) as client:
        endpoints = get_all(client, list_endpoints, what="could not list endpoints", limit=5000)
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


def _parameters(version: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={json.dumps(p.get('default')) if not isinstance(p.get('default'), str) else p['default']}"
        if p.get("default") is not None else f"{k} (required)"
        for k, p in (version.get("parameters") or {}).items()) or "-"


@cli.command("show")
def endpoints_show(endpoint: Annotated[str, typer.Argument(metavar="ENDPOINT", help="Name or id.")],
                   as_json: JsonOption = False, url: UrlOption = None) -> None:
    """An endpoint and its versions, each with its parameters and their defaults."""
    with session(url) as client:
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
        if not versions:
            out("no versions yet")
            return
        table(["version", "default", "published", "parameters", "description"], [[
            v["version"], "yes" if v.get("is_default") else "", when(v.get("created_at")), _parameters(v),
            v.get("description") or "",
        ] for v in sorted(versions, key=lambda v: v["version"], reverse=True)])
