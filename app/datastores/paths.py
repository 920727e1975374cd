"""Data paths (`datastore://<name>/<path>`) resolved strictly inside their datastore.

The only way a pipeline reaches stored data. Checked at submit time by the API and
again by the worker: the path must be a plain relative key (app.storage.keys: no
'..', no absolute path), a folder datastore also follows symlinks and stays inside
its root, and nothing but this scheme is accepted. The same rules hold for a
datastore on a disk and one in a bucket.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.storage import keys
from app.storage.base import ObjectStore, StorageError, refuse_on_event_loop

DATA_PATH_RE = re.compile(r"^datastore://([A-Za-z0-9][A-Za-z0-9_\-]{0,63})/(.+)$")


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
    found = keys.problem(rel)
    if found is not None:
        shown = value if len(value) <= 80 else value[:80] + "..."
        return f"{shown!r} cannot be used: {found}"
    return store, rel


@dataclass(frozen=True)
class DataRef:
    """A checked data path: the datastore's store and the key inside it."""

    uri: str
    datastore: str
    key: str
    store: ObjectStore


def resolve(stores: Mapping[str, ObjectStore], uri: str, mode: str = "read") -> DataRef:
    """The data path checked for reading (the file exists) or writing (nothing in the way);
    DataPathError saying what is wrong."""
    parsed = parse_data_path(uri)
    if isinstance(parsed, str):
        raise DataPathError(parsed)
    name, relative = parsed
    store = stores.get(name)
    if store is None:
        raise DataPathError(f"no datastore named {name!r} in this workspace; "
                            f"datastores: {', '.join(sorted(stores))}")
    refuse_on_event_loop(store)
    try:
        if mode == "read":
            if store.stat(relative) is None:
                raise DataPathError(f"{uri} does not exist; upload it with PUT /datastores/{name}/files/{relative}")
        else:
            problem = store.is_writable_key(relative)
            if problem is not None:
                raise DataPathError(f"{uri} cannot be written: {problem}")
    except (keys.InvalidKey, StorageError) as exc:
        raise DataPathError(f"{uri} cannot be used: {exc}") from None
    except OSError as exc:  # e.g. a name too long for the file system
        raise DataPathError(f"{uri} cannot be used: {exc.strerror or type(exc).__name__}") from exc
    return DataRef(uri, name, relative, store)
