"""Data paths (`datastore://<name>/<path>`) resolved strictly inside their datastore.

The only way a pipeline reaches the server's disk. Checked at submit time by the
API and again by the worker: the resolved real path (symlinks followed) must lie
inside the datastore's root, and nothing but this scheme is accepted.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from app.core.settings import Settings

DATA_PATH_RE = re.compile(r"^datastore://([A-Za-z0-9][A-Za-z0-9_\-]{0,63})/(.+)$")
MAX_NAME_BYTES = 255   # a file name, on every common file system
MAX_PATH_BYTES = 1024


class DataPathError(Exception):
    """The data path cannot be used; the message says why and is safe to show."""


def parse_data_path(value: Any) -> tuple[str, str] | str:
    """(datastore, relative path), or a message saying what is wrong."""
    if not isinstance(value, str):
        return "a data path must be a string 'datastore://<datastore>/<path>'"
    match = DATA_PATH_RE.match(value)
    if not match:
        return (f"{value!r} is not a data path; write 'datastore://<datastore>/<path>' "
                "(other schemes and server paths are not accepted)")
    store, rel = match.group(1), match.group(2)
    parts = rel.split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in rel:
        return f"{value!r} must be a plain relative path inside the datastore (no '..', '.', '//' or '\\')"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in rel):
        return f"{value!r} contains control characters"
    if len(rel.encode()) > MAX_PATH_BYTES or any(len(p.encode()) > MAX_NAME_BYTES for p in parts):
        return (f"{value[:80]!r}... is too long: at most {MAX_NAME_BYTES} bytes a name "
                f"and {MAX_PATH_BYTES} bytes in all")
    return store, rel


def datastores_root(settings: Settings) -> Path:
    return settings.data_dir / "datastores"


def datastore_root(settings: Settings, workspace_id: str, name: str) -> Path:
    return datastores_root(settings) / workspace_id / name


def contained(root: Path, relative: str) -> Path:
    """root/relative with symlinks resolved, or DataPathError if it leaves root."""
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(real_root / relative))
    if target != real_root and real_root not in target.parents:
        raise DataPathError(f"{relative!r} resolves outside its datastore")
    return target


def resolve(settings: Settings, workspace_id: str, uri: str, known_datastores: set[str],
            mode: str = "read") -> Path:
    parsed = parse_data_path(uri)
    if isinstance(parsed, str):
        raise DataPathError(parsed)
    store, relative = parsed
    if store not in known_datastores:
        raise DataPathError(f"no datastore named {store!r} in this workspace; "
                            f"datastores: {', '.join(sorted(known_datastores))}")
    root = datastore_root(settings, workspace_id, store)
    try:
        root.mkdir(parents=True, exist_ok=True)
        target = contained(root, relative)
        if mode == "read":
            if not target.is_file():
                raise DataPathError(f"{uri} does not exist; upload it with "
                                    f"PUT /datastores/{store}/files/{relative}")
        else:
            if target.is_dir():
                raise DataPathError(f"{uri} is a directory")
            for parent in target.relative_to(Path(os.path.realpath(root))).parents:
                if (Path(os.path.realpath(root)) / parent).is_file():
                    raise DataPathError(f"{uri} cannot be written: {parent.as_posix()!r} is a file")
    except OSError as exc:  # e.g. a name too long for the file system
        raise DataPathError(f"{uri} cannot be used: {exc.strerror or type(exc).__name__}") from exc
    return target
