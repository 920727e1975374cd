"""The API's hot reads of runs, on the async engine: plain SELECTs of the columns a
`RunOut` shows (never the run's definition), no ORM objects, on the event loop.

A row answers attribute access as a `Run` or a `RunStep` does, so `app.runs.views`
renders both. What a run did to deployments is read by `views.effects_read`, with the
statement the sync sessions use (`app.deployments.repository`).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.paging import PageRequest
from app.db.tables import Run, RunStep
from app.runs import store
from app.runs.store import RunFilters

_RUNS = Run.__table__.c  # type: ignore[attr-defined]
_STEPS = RunStep.__table__.c  # type: ignore[attr-defined]
RUN_COLUMNS = [_RUNS[name] for name in (
    "id", "workspace_id", "status", "attempt", "pipeline_id", "endpoint_id", "endpoint_version", "experiment",
    "pipeline_digest", "parameters", "regenerate", "created_at", "started_at", "finished_at", "error", "metrics",
    "model_name", "model_version", "description", "tags", "run_source", "parent_run_id", "trigger", "revision")]
STEP_COLUMNS = [_STEPS[name] for name in (
    "run_id", "name", "component", "component_version", "status", "started_at", "finished_at", "metrics", "error",
    "reused_from")]


_STEP_NAMES = [c.name for c in STEP_COLUMNS]
# Built once, with bound parameters: a statement object keeps its cache key, so a read
# neither builds its expression nor computes that key again (a tenth of a GET's CPU).
_RUN_WITH_STEPS = (
    select(*RUN_COLUMNS, *(c.label("step_" + c.name) for c in STEP_COLUMNS))
    .select_from(Run.__table__.outerjoin(RunStep.__table__, _STEPS.run_id == _RUNS.id))  # type: ignore[attr-defined]
    .where(_RUNS.id == bindparam("run_id"), _RUNS.workspace_id == bindparam("workspace_id"))
    .order_by(_STEPS.position))
_FIRST_STEP = len(RUN_COLUMNS)
_REVISION = select(_RUNS.revision).where(_RUNS.id == bindparam("run_id"),
                                         _RUNS.workspace_id == bindparam("workspace_id"))


async def run_with_steps(connection: AsyncConnection, workspace_id: str,
                         run_id: str) -> tuple[Row[Any], list[SimpleNamespace]] | None:
    """The run and its steps in one statement (one round trip, one snapshot: the steps are
    those of the run's revision)."""
    rows = (await connection.execute(_RUN_WITH_STEPS, {"run_id": run_id, "workspace_id": workspace_id})).all()
    if not rows:
        return None
    steps = [SimpleNamespace(**dict(zip(_STEP_NAMES, row[_FIRST_STEP:], strict=True)))
             for row in rows if row[_FIRST_STEP + 1] is not None]  # the step's name: None without steps
    return rows[0], steps


async def revision(connection: AsyncConnection, workspace_id: str, run_id: str) -> int | None:
    found: int | None = (await connection.execute(_REVISION, {"run_id": run_id, "workspace_id": workspace_id})).scalar()
    return found


async def steps_of(connection: AsyncConnection, run_ids: Sequence[str]) -> dict[str, list[Row[Any]]]:
    out: dict[str, list[Row[Any]]] = {run_id: [] for run_id in run_ids}
    if run_ids:
        query = select(*STEP_COLUMNS).where(_STEPS.run_id.in_(run_ids)).order_by(_STEPS.run_id, _STEPS.position)
        for step in await connection.execute(query):
            out[step.run_id].append(step)
    return out


async def page(connection: AsyncConnection, workspace_id: str, filters: RunFilters,
               request: PageRequest) -> list[Row[Any]]:
    query = (select(*RUN_COLUMNS).where(*store.page_conditions(workspace_id, filters, request))
             .order_by(_RUNS.id.desc()).limit(request.limit + 1))
    return list(await connection.execute(query))
