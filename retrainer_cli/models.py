"""`retrainer models list|show|download`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from retrainer_client.api.models import get_model_version, list_model_versions, list_models

from retrainer_cli.client import get, get_all, session
from retrainer_cli.errors import EXIT_REFUSED, EXIT_UNAVAILABLE, Stop, refused
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import compact_metrics, out, print_json, size, table, when

cli = typer.Typer(no_args_is_help=True, help="List and download registered models.")


@cli.command("list")
def models_list(
    name: Annotated[str | None, typer.Argument(help="A model's name: list its versions.", show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Registered models, or one model's versions with their metrics and runs."""
    with session(url, profile) as client:
        if name is None:
            models = get_all(client, list_models, what="could not list models", limit=5000)
            if as_json:
                print_json(models)
                return
            if not models:
                out("no models yet: a run that trains registers one when it succeeds")
                return
            table(["name", "latest", "versions", "updated"], [[
                m["name"], m.get("latest_version"), m.get("versions"), when(m.get("updated_at"))] for m in models])
            return
        versions = get_all(client, list_model_versions, name, what=f"model {name!r}", limit=5000)
        if as_json:
            print_json(versions)
            return
        table(["version", "created", "algorithm", "run", "size", "metrics"], [[
            v["version"], when(v.get("created_at")), v.get("algorithm") or "-",
            (v.get("lineage") or {}).get("run_id") or "-", size(v.get("size")), compact_metrics(v.get("metrics")),
        ] for v in sorted(versions, key=lambda v: v["version"], reverse=True)])


@cli.command("show")
def models_show(name: Annotated[str, typer.Argument(metavar="NAME")],
                version: Annotated[int, typer.Argument(metavar="VERSION", min=1)],
                as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """A model version and its lineage: the run, endpoint version, parameters and data that made it."""
    with session(url, profile) as client:
        info = get(client, get_model_version, name, version, what=f"model {name!r} version {version}")
        if as_json:
            print_json(info)
            return
        lineage = info.get("lineage") or {}
        out(f"model {name} v{version}  {info.get('algorithm') or '-'}  {size(info.get('size'))}  sha256 {info.get('sha256')}")
        out(f"  run         {lineage.get('run_id') or '-'}" + (f" (endpoint {lineage['endpoint_id']} v"
                                                               f"{lineage.get('endpoint_version')})"
                                                               if lineage.get("endpoint_id") else ""))
        for key, value in (lineage.get("parameters") or {}).items():
            out(f"  parameter   {key} = {value}")
        out(f"  metrics     {compact_metrics(info.get('metrics')) or '-'}")
        out(f"  download    retrainer models download {name} --version {version}")


@cli.command("download")
def models_download(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    version: Annotated[int | None, typer.Option("--version", min=1, help="Default: the latest version.",
                                                show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Default: NAME-vN.joblib here.",
                                                show_default=False)] = None,
    url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Download a model version; its sha256 is checked against the registry's."""
    with session(url, profile) as client:
        if version is None:
            versions = get_all(client, list_model_versions, name, what=f"model {name!r}", limit=5000)
            if not versions:
                raise Stop(EXIT_REFUSED, f"error: model {name!r} has no versions")
            version = max(v["version"] for v in versions)
        info = get(client, get_model_version, name, version, what=f"model {name!r} version {version}")
        target = output or Path(f"{name}-v{version}.joblib")
        digest = hashlib.sha256()
        partial = target.with_name(target.name + ".part")
        # Streamed to disk: the generated download_model_version would hold the whole model in memory.
        with client.stream(f"/models/{quote(name, safe='')}/versions/{version}/download") as response:
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
