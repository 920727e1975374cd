"""Where run outputs live: <data dir>/artifacts/<workspace>/<run>/a<attempt>/<step>/<file>.

Each attempt of a run writes under its own folder, so a stale attempt (its worker
was thought lost but was not) can never overwrite the files of the attempt that
replaced it; the database records only the files of the attempt holding the run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.core.errors import ArtifactCorrupted, NotFound
from app.core.files import IntegrityError, verify_sha256
from app.core.settings import Settings

log = logging.getLogger("retrainer.artifacts")


def artifact_root(settings: Settings) -> Path:
    return settings.data_dir / "artifacts"


def step_relative(workspace_id: str, run_id: str, attempt: int, step: str) -> str:
    return f"{workspace_id}/{run_id}/a{attempt}/{step}"


def step_dir(settings: Settings, workspace_id: str, run_id: str, attempt: int, step: str) -> Path:
    return artifact_root(settings) / step_relative(workspace_id, run_id, attempt, step)


def step_log_path(settings: Settings, workspace_id: str, run_id: str, attempt: int, step: str) -> Path:
    path = step_dir(settings, workspace_id, run_id, attempt, step) / "log.txt"
    legacy = artifact_root(settings) / workspace_id / run_id / step / "log.txt"  # before attempts had folders
    return legacy if not path.exists() and legacy.exists() else path


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
