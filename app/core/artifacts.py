"""Where run outputs live: <data dir>/artifacts/<workspace>/<run>/<step>/<file>."""

from __future__ import annotations

import logging
from pathlib import Path

from app.core.errors import ArtifactCorrupted, NotFound
from app.core.files import IntegrityError, verify_sha256
from app.core.settings import Settings

log = logging.getLogger("retrainer.artifacts")


def artifact_root(settings: Settings) -> Path:
    return settings.data_dir / "artifacts"


def step_dir(settings: Settings, workspace_id: str, run_id: str, step: str) -> Path:
    return artifact_root(settings) / workspace_id / run_id / step


def step_log_path(settings: Settings, workspace_id: str, run_id: str, step: str) -> Path:
    return step_dir(settings, workspace_id, run_id, step) / "log.txt"


def absolute(settings: Settings, relative: str) -> Path:
    return artifact_root(settings) / relative


def verified(settings: Settings, relative: str, sha256: str) -> Path:
    """The artifact's path after checking its sha256 against the one recorded at write
    time. Nothing is loaded or served before this check."""
    path = absolute(settings, relative)
    if not path.is_file():
        raise NotFound("the stored file is missing from the artifact store")
    try:
        verify_sha256(path, sha256)
    except IntegrityError as exc:
        log.error("artifact failed its sha256 check: %s", exc)
        raise ArtifactCorrupted("The stored file no longer matches the sha256 recorded when it was "
                                "written; it was not served.") from exc
    return path
