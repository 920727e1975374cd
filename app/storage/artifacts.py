"""Run outputs, step logs and models in the artifact store:
`<workspace>/<run>/a<attempt>/<step>/<file>`.

Each attempt of a run writes under its own folder, so a stale attempt (its worker
was thought lost but was not) can never overwrite the files of the attempt that
replaced it; the database records only the files of the attempt holding the run.
Nothing is served or loaded before its sha256 matches the one recorded when it
was written (`verified`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.core.errors import ArtifactCorrupted, NotFound
from app.core.files import IntegrityError, verify_sha256
from app.core.settings import Settings
from app.storage.base import ObjectInfo, ObjectStore
from app.storage.registry import artifact_store

log = logging.getLogger("retrainer.artifacts")


def step_key(workspace_id: str, run_id: str, attempt: int, step: str) -> str:
    return f"{workspace_id}/{run_id}/a{attempt}/{step}"


def output_key(workspace_id: str, run_id: str, attempt: int, step: str, filename: str) -> str:
    return f"{step_key(workspace_id, run_id, attempt, step)}/{filename}"


def log_key(settings: Settings, workspace_id: str, run_id: str, attempt: int, step: str) -> str:
    key = output_key(workspace_id, run_id, attempt, step, "log.txt")
    legacy = f"{workspace_id}/{run_id}/{step}/log.txt"  # before attempts had folders
    store = artifact_store(settings)
    if attempt <= 1 and store.stat(key) is None and store.stat(legacy) is not None:
        return legacy
    return key


def read_log(settings: Settings, workspace_id: str, run_id: str, attempt: int, step: str) -> str:
    """A step's log as text ('' before it has one)."""
    store = artifact_store(settings)
    key = log_key(settings, workspace_id, run_id, attempt, step)
    if store.stat(key) is None:
        return ""
    with store.open_stream(key) as handle:
        return handle.read().decode("utf-8", errors="replace")


@dataclass
class Verified:
    """An artifact whose bytes matched their recorded sha256: on a disk, its file
    (served with sendfile); in a bucket, the version that was hashed (later reads are
    conditional on its ETag, so they give those very bytes)."""

    store: ObjectStore
    key: str
    info: ObjectInfo
    path: Path | None

    def chunks(self) -> Iterator[bytes]:
        return self.store.iter_bytes(self.key, self.info)

    def open(self) -> BinaryIO:
        return self.store.open_random(self.key, self.info)


def verified(settings: Settings, key: str, sha256: str) -> Verified:
    """The artifact after checking its sha256 against the one recorded at write time.
    Nothing is loaded or served before this check."""
    store = artifact_store(settings)
    info = store.stat(key)
    if info is None:
        raise NotFound("the stored file is missing from the artifact store")
    path = store.local_path(key)
    if path is not None:
        try:
            verify_sha256(path, sha256)
        except IntegrityError as exc:
            _corrupted(str(exc))
    else:
        actual = store.sha256_of(key, info)
        if actual != sha256:
            _corrupted(f"{key}: sha256 {actual} does not match the recorded {sha256}")
    return Verified(store, key, info, path)


def _corrupted(message: str) -> None:
    log.error("artifact failed its sha256 check: %s", message)
    raise ArtifactCorrupted("The stored file no longer matches the sha256 recorded when it was "
                            "written; it was not served.")
