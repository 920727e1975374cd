"""Data paths (`datastore://<name>/<path>`) resolved strictly inside their datastore.

The only way a pipeline reaches the server's disk. Checked at submit time by the
API and again by the worker: the resolved real path (symlinks followed) must lie
inside the datastore's root, and nothing but this scheme is accepted.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.settings import Settings
from app.pipelines.spec import parse_data_path


class DataPathError(Exception):
    """The data path cannot be used; the message says why and is safe to show."""


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
