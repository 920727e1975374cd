"""Where run outputs live: <data dir>/artifacts/<workspace>/<run>/<step>/<file>."""

from __future__ import annotations

from pathlib import Path

from app.core.files import verify_sha256
from app.core.settings import Settings


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
    time (IntegrityError, or FileNotFoundError when it is gone). Nothing is loaded or
    served before this check."""
    path = absolute(settings, relative)
    if not path.is_file():
        raise FileNotFoundError(relative)
    verify_sha256(path, sha256)
    return path
