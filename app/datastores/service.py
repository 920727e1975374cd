"""Datastore logic: the default datastore, creation, uploads, listing and downloads."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError as DBIntegrityError
from sqlmodel import Session

from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.files import atomic_target
from app.core.settings import Settings
from app.datastores import repository as repo
from app.datastores.paths import DataPathError, contained, datastore_root, resolve
from app.db.tables import Datastore

DEFAULT = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


def ensure_default(session: Session, workspace_id: str) -> Datastore:
    store = repo.by_name(session, workspace_id, DEFAULT)
    if store is None:
        store = Datastore(workspace_id=workspace_id, name=DEFAULT,
                          description="The workspace's default local datastore")
        session.add(store)
        try:
            session.flush()
        except DBIntegrityError:  # created concurrently by another request
            session.rollback()
            store = repo.by_name(session, workspace_id, DEFAULT)
    return store


def known_names(session: Session, workspace_id: str) -> set[str]:
    return repo.names(session, workspace_id) | {DEFAULT}


def get(session: Session, workspace_id: str, name: str) -> Datastore:
    if name == DEFAULT:
        return ensure_default(session, workspace_id)
    store = repo.by_name(session, workspace_id, name)
    if store is None:
        raise NotFound(f"no datastore named {name!r} in this workspace")
    return store


def create(session: Session, workspace_id: str, name: str, description: str | None) -> Datastore:
    if not _NAME.match(name):
        raise InvalidInput("invalid datastore name", errors=[{"loc": ["body", "name"],
                           "msg": "use letters, digits, '_' and '-' (at most 64), starting with a letter or digit"}])
    if name == DEFAULT or repo.by_name(session, workspace_id, name) is not None:
        raise Conflict(f"a datastore named {name!r} already exists")
    store = Datastore(workspace_id=workspace_id, name=name, description=description)
    session.add(store)
    session.flush()
    return store


def file_target(settings: Settings, workspace_id: str, store: str, path: str, mode: str) -> Path:
    try:
        return resolve(settings, workspace_id, f"datastore://{store}/{path}", {store}, mode=mode)
    except DataPathError as exc:
        if mode == "read" and "does not exist" in str(exc):
            raise NotFound(f"no file {path!r} in datastore {store!r}") from exc
        raise InvalidInput(str(exc), errors=[{"loc": ["path", "path"], "msg": str(exc)}]) from exc


@dataclass
class StoredFile:
    path: str
    size: int
    sha256: str | None = None
    modified_at: datetime | None = None


async def write_stream(target: Path, chunks: AsyncIterator[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with atomic_target(target) as tmp:
        with open(tmp, "wb") as handle:
            async for chunk in chunks:
                if chunk:
                    digest.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
    return size, digest.hexdigest()


def list_files(settings: Settings, workspace_id: str, store: str, prefix: str | None,
               after: str | None, limit: int) -> tuple[list[StoredFile], bool]:
    root = datastore_root(settings, workspace_id, store)
    if not root.exists():
        return [], False
    real_root = Path(os.path.realpath(root))
    paths: list[str] = []
    for dirpath, dirnames, filenames in os.walk(real_root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if filename.startswith("."):
                continue  # partial uploads (".name.part")
            full = Path(dirpath) / filename
            relative = full.relative_to(real_root).as_posix()
            if prefix and not relative.startswith(prefix):
                continue
            if after and relative <= after:
                continue
            paths.append(relative)
    paths.sort()
    more = len(paths) > limit
    out = []
    for relative in paths[:limit]:
        try:
            target = contained(real_root, relative)
        except DataPathError:
            continue  # a symlink pointing outside is not listed
        stat = target.stat()
        out.append(StoredFile(path=relative, size=stat.st_size,
                              modified_at=datetime.fromtimestamp(stat.st_mtime, UTC)))
    return out, more
