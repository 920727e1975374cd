"""`retrainer data ls|upload|download`: the files of the workspace's datastores.

A file is named as pipelines name it, `datastore://NAME/path` (or `NAME/path` for short).
"""

from __future__ import annotations

import hashlib
import io
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from retrainer_client.api.datastores import list_datastores, list_files, upload_file
from retrainer_client.types import File

from retrainer_cli.client import Session, get, get_all, send, session
from retrainer_cli.errors import EXIT_REFUSED, EXIT_UNAVAILABLE, Stop, refused
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import out, print_json, size, table, when

cli = typer.Typer(no_args_is_help=True, help="List, upload and download the files of the datastores.")

SCHEME = "datastore://"
UriArg = Annotated[str, typer.Argument(metavar="URI", help="datastore://NAME/path (or NAME/path).")]


def split_uri(uri: str, *, file: bool) -> tuple[str, str]:
    """(datastore, path) of `datastore://NAME/path` or `NAME/path`; a file needs a path."""
    name, _, path = uri.removeprefix(SCHEME).partition("/")
    if not name or (file and not path.strip("/")):
        example = "datastore://default/census/adult.data" if file else "datastore://default/census/"
        raise Stop(EXIT_REFUSED, f"error: {uri!r} does not name a {'file' if file else 'datastore'}: "
                                 f"write it as {example}")
    return name, path


@cli.command("ls")
def data_ls(
    uri: Annotated[str | None, typer.Argument(metavar="[URI]", help="datastore://NAME/prefix; without it, the "
                                                                    "datastores.", show_default=False)] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 1000,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """The datastores, or the files of one datastore under a prefix (with size and time)."""
    with session(url, profile) as client:
        if uri is None:
            stores = (get(client, list_datastores, what="could not list datastores") or {}).get("items") or []
            if as_json:
                print_json(stores)
                return
            table(["name", "kind", "uri"], [[d["name"], d.get("kind") or "local", f"{SCHEME}{d['name']}/"]
                                            for d in stores])
            return
        name, prefix = split_uri(uri, file=False)
        files = get_all(client, list_files, name, what=f"datastore {name!r}", limit=limit,
                        **({"prefix": prefix} if prefix else {}))
        if as_json:
            print_json(files)
            return
        if not files:
            out(f"no files under {SCHEME}{name}/{prefix}: retrainer data upload FILE {SCHEME}{name}/{prefix or 'PATH'}")
            return
        table(["uri", "size", "modified"], [[f["uri"], size(f.get("size")), when(f.get("modified_at"))]
                                            for f in files])


@cli.command("upload")
def data_upload(
    source: Annotated[Path, typer.Argument(metavar="FILE", help="A local file ('-': standard input).",
                                           allow_dash=True)],
    uri: UriArg,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Upload FILE as URI (an existing file there is replaced); prints its size and sha256."""
    with session(url, profile) as client:
        name, path = split_uri(uri, file=True)
        if str(source) != "-" and not source.is_file():
            raise Stop(EXIT_REFUSED, f"error: {source} is not a file")
        # A file is streamed from disk (a large data set is never read whole into memory); standard
        # input is read first: a pipe has no length to declare.
        with open(source, "rb") if str(source) != "-" else nullcontext(io.BytesIO(sys.stdin.buffer.read())) as handle:
            uploaded = send(client, upload_file, name, path, body=File(payload=handle), ok=(200, 201),
                            what=f"could not upload {source} to {SCHEME}{name}/{path}")
        if as_json:
            print_json(uploaded)
            return
        out(f"uploaded {uploaded.get('uri')} ({size(uploaded.get('size'))}, sha256 {uploaded.get('sha256')})")


def _download(client: Session, name: str, path: str, target: Path | None) -> tuple[int, str]:
    digest, written = hashlib.sha256(), 0
    partial = target.with_name(target.name + ".part") if target else None
    with client.stream(f"/datastores/{quote(name, safe='')}/files/{quote(path, safe='/')}") as response:
        if response.status_code != 200:
            response.read()
            raise refused(response, f"could not download {SCHEME}{name}/{path}")
        with open(partial, "wb") if partial else nullcontext(sys.stdout.buffer) as handle:
            for chunk in response.iter_bytes():
                digest.update(chunk)
                written += len(chunk)
                handle.write(chunk)
    if partial and target:
        partial.replace(target)
    return written, digest.hexdigest()


@cli.command("download")
def data_download(
    uri: UriArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Default: the file's name here; "
                                                "'-': standard output.", show_default=False)] = None,
    url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Download a datastore file (streamed to disk, written only once complete)."""
    with session(url, profile) as client:
        name, path = split_uri(uri, file=True)
        to_stdout = output is not None and str(output) == "-"
        target = None if to_stdout else (output or Path(path.rstrip("/").rsplit("/", 1)[-1]))
        try:
            written, sha256 = _download(client, name, path, target)
        except OSError as exc:
            raise Stop(EXIT_UNAVAILABLE, f"error: could not write {target}: {exc.strerror}") from None
        if target is not None:
            out(f"wrote {target} ({size(written)}, sha256 {sha256}) from {SCHEME}{name}/{path}")
