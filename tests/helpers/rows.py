"""Rows for in-process tests: a workspace and a run with steps, straight into the database."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from app.db.tables import Run, Workspace
from app.db.unit_of_work import UnitOfWork
from app.runs import store
from app.runs.states import RunStatus, StepStatus


def workspace(engine: Engine) -> str:
    with UnitOfWork(engine) as uow:
        ws = Workspace(name="ws-" + secrets.token_hex(4))
        uow.session.add(ws)
    return ws.id


def run_with_steps(engine: Engine, steps: Sequence[str] = ("import", "train"), *,
                   status: RunStatus = RunStatus.QUEUED, step_status: StepStatus = StepStatus.PENDING,
                   attempt: int = 0, workspace_id: str | None = None) -> str:
    """A run in `status` whose steps are all in `step_status` (in a new workspace by default)."""
    ws = workspace_id or workspace(engine)
    with UnitOfWork(engine) as uow:
        run = Run(workspace_id=ws, definition={}, pipeline_digest="0" * 64, status=status, attempt=attempt)
        store.add(uow.session, run, [store.NewStep(name=name, position=i, component="import_data",
                                                   component_version="1", settings={}, status=step_status)
                                     for i, name in enumerate(steps)])
    return run.id
