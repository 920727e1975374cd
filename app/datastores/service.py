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
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.datastores import repository as repo
from app.datastores.paths import DataPathError, contained, datastore_root, resolve
from app.db.tables import Datastore
from app.runtime import Runtime

DEFAULT = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


def ensure_default(session: Session, workspace_id: str) -> Datastore:
    store = repo.by_name(session, workspace_id, DEFAULT)
    if store is not None:
        return store
    store = Datastore(workspace_id=workspace_id, name=DEFAULT, description="The workspace's default local datastore")
    try:
        with session.begin_nested():
            session.add(store)
    except DBIntegrityError:  # created concurrently by another request
        existing = repo.by_name(session, workspace_id, DEFAULT)
        if existing is None:
            raise
        return existing
    return store


def list_all(session: Session, workspace_id: str) -> list[Datastore]:
    ensure_default(session, workspace_id)
    return repo.list_all(session, workspace_id)


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
    try:
        with session.begin_nested():
            session.add(store)
    except DBIntegrityError as exc:  # created concurrently
        raise Conflict(f"a datastore named {name!r} already exists") from exc
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
    with atomic_target(target) as tmp, open(tmp, "wb") as handle:
        async for chunk in chunks:
            if chunk:
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
    return size, digest.hexdigest()


def upload_target(runtime: Runtime, workspace_id: str, store: str, path: str) -> Path:
    """Where an upload to `store/path` goes, checked (and the default datastore created)
    in a unit of work of its own."""
    with runtime.unit_of_work() as uow:
        get(uow.session, workspace_id, store)
    return file_target(runtime.settings, workspace_id, store, path, mode="write")


def list_files(settings: Settings, workspace_id: str, store: str, prefix: str | None,
               page: PageRequest) -> list[StoredFile]:
    """Up to `page.limit + 1` files after the cursor, in path order."""
    root = datastore_root(settings, workspace_id, store)
    if not root.exists():
        return []
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
            if page.after and relative <= page.after:
                continue
            if full.is_symlink():
                try:
                    contained(real_root, relative)
                except DataPathError:
                    continue  # a symlink pointing outside is not listed
            paths.append(relative)
    paths.sort()
    out = []
    for relative in paths[:page.limit + 1]:
        try:
            stat = (real_root / relative).stat()
        except OSError:
            continue  # removed meanwhile, or a dangling link
        out.append(StoredFile(path=relative, size=stat.st_size,
                              modified_at=datetime.fromtimestamp(stat.st_mtime, UTC)))
    return out
