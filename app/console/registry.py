"""`retrainer endpoints list|show` and `retrainer models list|download`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

import typer

from app.console.client import JsonOption, UrlOption, get, get_all, seg, session
from app.console.output import print_json, size, table, when
from app.submit import (
    EXIT_REFUSED,
    EXIT_UNAVAILABLE,
    Stop,
    compact_metrics,
    out,
    refused,
)

endpoints_cli = typer.Typer(no_args_is_help=True, help="List and show pipeline endpoints.")


@endpoints_cli.command("list")
def endpoints_list(as_json: JsonOption = False, url: UrlOption = None) -> None:
    """Every endpoint with its default and latest version."""
    with session(url) as client:
        endpoints = get_all(client, "/endpoints", "could not list endpoints", 5000)
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
    with session(url) as client:
        data = get(client, f"/endpoints/{seg(endpoint)}", f"endpoint {endpoint!r}")
        versions = get_all(client, f"/endpoints/{seg(endpoint)}/versions", "could not list versions", 5000)
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
            v["version"], "yes" if v.get("is_default") else "", when(v.get("created_at")), params(v),
            v.get("description") or "",
        ] for v in sorted(versions, key=lambda v: v["version"], reverse=True)])


models_cli = typer.Typer(no_args_is_help=True, help="List and download registered models.")


@models_cli.command("list")
def models_list(
    name: Annotated[str | None, typer.Argument(help="A model's name: list its versions.", show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None,
) -> None:
    """Registered models, or one model's versions with their metrics and runs."""
    with session(url) as client:
        if name is None:
            models = get_all(client, "/models", "could not list models", 5000)
            if as_json:
                print_json(models)
                return
            if not models:
                out("no models yet: a run that trains registers one when it succeeds")
                return
            table(["name", "latest", "versions", "updated"], [[
                m["name"], m.get("latest_version"), m.get("versions"), when(m.get("updated_at"))] for m in models])
            return
        versions = get_all(client, f"/models/{seg(name)}/versions", f"model {name!r}", 5000)
        if as_json:
            print_json(versions)
            return
        table(["version", "created", "algorithm", "run", "size", "metrics"], [[
            v["version"], when(v.get("created_at")), v.get("algorithm") or "-",
            (v.get("lineage") or {}).get("run_id") or "-", size(v.get("size")), compact_metrics(v.get("metrics")),
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
    with session(url) as client:
        if version is None:
            versions = get_all(client, f"/models/{seg(name)}/versions", f"model {name!r}", 5000)
            if not versions:
                raise Stop(EXIT_REFUSED, f"error: model {name!r} has no versions")
            version = max(v["version"] for v in versions)
        info = get(client, f"/models/{seg(name)}/versions/{version}", f"model {name!r} version {version}")
        target = output or Path(f"{name}-v{version}.joblib")
        digest = hashlib.sha256()
        partial = target.with_name(target.name + ".part")
        with client.http.stream("GET", f"/models/{seg(name)}/versions/{version}/download",
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
        out(f"wrote {target} ({size(info.get('size'))}, sha256 {digest.hexdigest()}): {name} v{version}, "
            f"trained by run {(info.get('lineage') or {}).get('run_id', '-')}")
