"""A run as the API shows it, built from its rows: for the routes (through the service)
and for the webhook events the run store records with each change of state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Session, col, select

from app.db.tables import Run, RunStep
from app.deployments import repository as deployments
from app.deployments.schemas import RunDeploymentEffect
from app.runs.schemas import ModelRef, RunError, RunOut, RunTrigger, StepOut


class StepView(Protocol):
    """What a step shows: a new step not yet written (app.runs.store.NewStep) has it too."""

    # Read-only: a new step is a frozen dataclass.
    @property
    def name(self) -> str: ...
    @property
    def component(self) -> str: ...
    @property
    def component_version(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def finished_at(self) -> datetime | None: ...
    @property
    def metrics(self) -> dict[str, Any] | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def reused_from(self) -> str | None: ...


def run_out(run: Run | Row[Any], steps: Sequence[RunStep | Row[Any] | SimpleNamespace | StepView],
            effects: list[RunDeploymentEffect] | None = None, visible: bool = True) -> RunOut:
    """From ORM objects, from the column rows of app.runs.reads (same attribute names), or
    from a run about to be written."""
    return RunOut(
        id=run.id, status=run.status, attempt=run.attempt, pipeline_id=run.pipeline_id, endpoint_id=run.endpoint_id,
        endpoint_version=run.endpoint_version, experiment=run.experiment,
        pipeline_digest=run.pipeline_digest, parameters=run.parameters, regenerate=run.regenerate,
        created_at=run.created_at, started_at=run.started_at, finished_at=run.finished_at,
        error=RunError(**run.error) if run.error else None,
        steps=[StepOut(name=s.name, component=s.component, component_version=s.component_version,
                       status=s.status, started_at=s.started_at, finished_at=s.finished_at,
                       metrics=s.metrics, error=s.error, reused_from=s.reused_from) for s in steps],
        metrics=run.metrics,
        model=ModelRef(name=run.model_name, version=run.model_version)
        if run.model_name and run.model_version else None,
        description=run.description, tags=run.tags, run_source=run.run_source, parent_run_id=run.parent_run_id,
        deployments=(effects or []) if visible else None,
        trigger=RunTrigger(**run.trigger) if run.trigger else None,
    )


def steps_of(session: Session, run_ids: Sequence[str]) -> dict[str, list[RunStep]]:
    out: dict[str, list[RunStep]] = {run_id: [] for run_id in run_ids}
    if run_ids:
        query = select(RunStep).where(col(RunStep.run_id).in_(run_ids)).order_by(col(RunStep.position))
        for step in session.exec(query):
            out[step.run_id].append(step)
    return out


Effects = dict[str, list[RunDeploymentEffect]]  # run id -> what it did to each deployment


def effects_of(session: Session, runs: Sequence[Run]) -> Effects:
    """What each run did to the deployments that follow the models it registered (only a
    run that registered one can have done anything: the others cost no query)."""
    return _effects(deployments.events_of_runs(session, _registered(runs)))


async def effects_read(connection: AsyncConnection, runs: Sequence[Row[Any]]) -> Effects:
    """`effects_of` on the async engine (app.runs.reads' rows)."""
    return _effects(await deployments.events_of_runs_read(connection, _registered(runs)))


def _registered(runs: Sequence[Run | Row[Any]]) -> list[str]:
    return [r.id for r in runs if r.model_name is not None]


def _effects(rows: Iterable[Row[Any]]) -> Effects:
    out: Effects = {}
    for row in rows:
        out.setdefault(row.run_id, []).append(RunDeploymentEffect(
            deployment=row.name, reason=row.reason, from_version=row.from_version, to_version=row.to_version,
            message=row.message, metrics=row.metrics))
    return out


def full(session: Session, run: Run) -> RunOut:
    """The run with its steps and what it did to deployments (a webhook's view)."""
    return run_out(run, steps_of(session, [run.id])[run.id], effects_of(session, [run]).get(run.id))
