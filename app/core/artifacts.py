"""Where run outputs live: <data dir>/artifacts/<workspace>/<run>/<step>/<file>."""

from __future__ import annotations

from pathlib import Path

from app.core.settings import Settings


def artifact_root(settings: Settings) -> Path:
    return settings.data_dir / "artifacts"


def step_dir(settings: Settings, workspace_id: str, run_id: str, step: str) -> Path:
    return artifact_root(settings) / workspace_id / run_id / step


def step_log_path(settings: Settings, workspace_id: str, run_id: str, step: str) -> Path:
    return step_dir(settings, workspace_id, run_id, step) / "log.txt"


def absolute(settings: Settings, relative: str) -> Path:
    return artifact_root(settings) / relative
