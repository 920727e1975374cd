"""Run persistence: the one owner of every read and write of runs, their steps,
outputs and attempts, for the API, the worker and the reconciler alike.

Every change of state is a conditional UPDATE built from the tables in
`app.runs.states`, so a transition that is not allowed never happens. A
worker writes through an `Attempt`: each write is fenced by the run's attempt
number (bumped at every claim), so a stale or duplicate worker cannot
overwrite the state of the attempt that replaced it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.ids import new_id
from app.core.paging import PageRequest
from app.db import batch, run_changes
from app.db.retry import retrying
from app.db.tables import Endpoint, ModelVersion, Run, RunOutput, RunStep
from app.db.unit_of_work import UnitOfWork
from app.models_registry import repository as models_registry
from app.runs import views
from app.runs.states import STEPS_LEFT_OPEN_BECOME, RunStatus, StepStatus, run_sources, step_sources
from app.webhooks.events import emit

STEP_ERROR_CHARS = 4000
P = ParamSpec("P")
R = TypeVar("R")


class RunInactive(Exception):
    """The run is no longer this attempt's to write: canceled, finished, or claimed again."""


class OverLimit(Exception):
    """The run's endpoint already runs its max_concurrent_runs, or older runs of it wait
    first: the run stays queued, and the worker hands it back to look again later."""


class StepTransitionRefused(Exception):
    """A step change the transition table does not allow: a bug, never a user error."""


# Reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reusable:
    """A succeeded step of an earlier run whose outputs a step with its fingerprint may take."""

    source_run: str  # the run that computed them (not one that reused them)
    step: str
    outputs: list[RunOutput]
    metrics: dict[str, Any] | None

    @staticmethod
    def record(step: str, out: RunOutput) -> dict[str, Any]:
        """The output, as recorded again for `step` of the run that reuses it."""
        return {"step": step, "port": out.port, "type": out.type, "path": out.path, "media_type": out.media_type,
                "size": out.size, "sha256": out.sha256, "details": out.details}


@dataclass(frozen=True)
class RunFilters:
    status: RunStatus | None = None
    pipeline_id: str | None = None
    endpoint_id: str | None = None
    experiment: str | None = None
    trigger_id: str | None = None


def statuses(session: Session, workspace_id: str, run_ids: Sequence[str]) -> dict[str, str]:
    if not run_ids:
        return {}
    rows = session.exec(select(Run.id, Run.status).where(col(Run.id).in_(run_ids), Run.workspace_id == workspace_id))
    return {run_id: status for run_id, status in rows}


def revision(session: Session, workspace_id: str, run_id: str) -> int | None:
    """How many times the run changed (None: no such run): cheap enough to ask often."""
    return session.exec(select(Run.revision).where(Run.id == run_id, Run.workspace_id == workspace_id)).first()


def get(session: Session, workspace_id: str, run_id: str) -> Run | None:
    return session.exec(select(Run).where(Run.id == run_id, Run.workspace_id == workspace_id)).first()


def steps(session: Session, run_id: str) -> list[RunStep]:
    return steps_of(session, [run_id])[run_id]


def steps_of(session: Session, run_ids: Sequence[str]) -> dict[str, list[RunStep]]:
    return views.steps_of(session, run_ids)


def outputs(session: Session, run_id: str) -> list[RunOutput]:
    return list(session.exec(select(RunOutput).where(RunOutput.run_id == run_id)
                             .order_by(col(RunOutput.created_at), col(RunOutput.step), col(RunOutput.port))))


def output(session: Session, run_id: str, step: str, port: str) -> RunOutput | None:
    return session.exec(select(RunOutput).where(RunOutput.run_id == run_id, RunOutput.step == step,
                                                RunOutput.port == port)).first()


def page_conditions(workspace_id: str, filters: RunFilters, request: PageRequest) -> list[Any]:
    """The WHERE of a page of runs (newest first, older than the cursor): for the ORM read
    here and the column read of app.runs.reads."""
    conditions: list[Any] = [Run.workspace_id == workspace_id]
    for column, value in ((Run.status, filters.status), (Run.pipeline_id, filters.pipeline_id),
                          (Run.endpoint_id, filters.endpoint_id), (Run.experiment, filters.experiment),
                          (Run.trigger_id, filters.trigger_id)):
        if value:
            conditions.append(column == value)
    if request.after:
        conditions.append(col(Run.id) < request.after)
    return conditions


def page(session: Session, workspace_id: str, filters: RunFilters, request: PageRequest) -> list[Run]:
    """Newest first: up to `limit + 1` runs older than the cursor."""
    query = select(Run).where(*page_conditions(workspace_id, filters, request))
    return list(session.exec(query.order_by(col(Run.id).desc()).limit(request.limit + 1)))


def endpoint_of(session: Session, run: Run) -> Endpoint | None:
    """The endpoint a run was started from (its enabled flag and time limit govern reruns)."""
    if run.endpoint_id is None:
        return None
    return session.exec(select(Endpoint).where(Endpoint.id == run.endpoint_id,
                                               Endpoint.workspace_id == run.workspace_id)).first()


def queued_on(session: Session, queue: str) -> list[str]:
    return list(session.exec(select(Run.id).where(Run.queue == queue, Run.status == RunStatus.QUEUED)))


def unclaimed(session: Session, queue: str, sent_before: datetime, limit: int) -> list[Run]:
    """Queued runs on `queue` whose last message was sent before `sent_before`."""
    return list(session.exec(select(Run).where(Run.queue == queue, Run.status == RunStatus.QUEUED,
                                               or_(col(Run.sent_at) < sent_before, col(Run.sent_at).is_(None)))
                             .order_by(col(Run.sent_at)).limit(limit)))


def silent_running(session: Session, queue: str, heartbeat_before: datetime, limit: int) -> list[tuple[str, int]]:
    """(run id, attempt) of running runs whose last heartbeat is older than `heartbeat_before`."""
    rows = session.exec(select(Run.id, Run.attempt).where(
        Run.queue == queue, Run.status == RunStatus.RUNNING,
        col(Run.heartbeat_at) < heartbeat_before).limit(limit))
    return [(run_id, attempt) for run_id, attempt in rows]


# Writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewStep:
    """A step of a run being created: what its row starts with (it is pending), with the
    attributes `views.run_out` reads."""

    name: str
    position: int
    component: str
    component_version: str
    settings: dict[str, Any]
    status: str = StepStatus.PENDING.value
    started_at: datetime | None = None
    finished_at: datetime | None = None
    metrics: dict[str, Any] | None = None
    error: str | None = None
    reused_from: str | None = None


def creation(run: Run, run_steps: Sequence[NewStep]) -> list[batch.Rows]:
    """The rows that record a new run (queued) with its steps (pending): the steps in one
    statement of many rows. No ORM object is flushed (a submission's largest cost was
    building and flushing them). The sync unit of work (`add`) and the API's async write
    (app.db.batch) insert the same rows with the same statements."""
    rows = [batch.rows_of(run)]
    if run_steps:
        rows.append(batch.Rows(RunStep.__table__, [  # type: ignore[attr-defined]
            {"id": new_id("rs"), "run_id": run.id, "name": s.name, "position": s.position,
             "component": s.component, "component_version": s.component_version, "status": s.status,
             "settings": s.settings} for s in run_steps]))
    return rows


def add(session: Session, run: Run, run_steps: Sequence[NewStep]) -> None:
    """Records a new run and its steps in the session's transaction (`creation`)."""
    batch.insert_in(session, creation(run, run_steps))


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


def move(session: Session, run_id: str, to: RunStatus, *, attempt: int | None = None,
         bump_attempt: bool = False, heartbeat_before: datetime | None = None, only_from: RunStatus | None = None,
         **fields: Any) -> bool:
    """Moves the run to `to` if the transition table allows it from its current state;
    True when it moved. `attempt` fences the write to that attempt; `heartbeat_before`
    also requires the last heartbeat to be older than that time. A run that finishes
    closes its open steps (`STEPS_LEFT_OPEN_BECOME`). `only_from`: only from that state."""
    query = update(Run).where(col(Run.id) == run_id, col(Run.status).in_(run_sources(to)))
    if only_from is not None:
        query = query.where(col(Run.status) == only_from)
    if attempt is not None:
        query = query.where(col(Run.attempt) == attempt)
    if heartbeat_before is not None:
        query = query.where(col(Run.heartbeat_at) < heartbeat_before)
    values: dict[str, Any] = {"status": to, "revision": col(Run.revision) + 1, **fields}
    if bump_attempt:
        values["attempt"] = col(Run.attempt) + 1
    moved = _rowcount(session.execute(query.values(**values).execution_options(synchronize_session=False))) == 1
    if moved:
        run_changes.record(session, run_id)
    if moved and to.is_finished:
        now = fields.get("finished_at") or utcnow()
        for open_state, closed in STEPS_LEFT_OPEN_BECOME[to].items():
            session.execute(update(RunStep).where(col(RunStep.run_id) == run_id, col(RunStep.status) == open_state)
                            .values(status=closed, finished_at=now if open_state == StepStatus.RUNNING else None)
                            .execution_options(synchronize_session=False))
    if moved and to in EVENT_OF:
        _emit(session, run_id, EVENT_OF[to])
    return moved


# The webhook event each state a run moves to is announced with, written in the
# transaction of the move (app.webhooks.events): every caller gets it.
EVENT_OF: dict[RunStatus, str] = {RunStatus.RUNNING: "run.started", RunStatus.SUCCEEDED: "run.succeeded",
                                  RunStatus.FAILED: "run.failed", RunStatus.CANCELED: "run.canceled"}


def _emit(session: Session, run_id: str, event: str) -> None:
    workspace_id = session.exec(select(Run.workspace_id).where(Run.id == run_id)).one()

    def view() -> dict[str, Any]:
        run = session.get(Run, run_id, populate_existing=True)
        assert run is not None
        return views.full(session, run).model_dump(mode="json")

    emit(session, workspace_id, event, view)


def move_step(session: Session, run_id: str, name: str, to: StepStatus, *, bump_revision: bool = True,
              **fields: Any) -> None:
    """Moves one step to `to`; StepTransitionRefused if the table does not allow it. The
    run's revision is bumped unless `bump_revision` is False (the caller bumps it once for
    all the changes of its transaction)."""
    query = (update(RunStep).where(col(RunStep.run_id) == run_id, col(RunStep.name) == name,
                                   col(RunStep.status).in_(step_sources(to)))
             .values(status=to, **fields).execution_options(synchronize_session=False))
    if _rowcount(session.execute(query)) != 1:
        current = session.exec(select(RunStep.status).where(RunStep.run_id == run_id, RunStep.name == name)).first()
        raise StepTransitionRefused(f"step {name!r} of run {run_id}: {current} -> {to} is not allowed")
    if bump_revision:
        session.execute(update(Run).where(col(Run.id) == run_id).values(revision=col(Run.revision) + 1)
                        .execution_options(synchronize_session=False))
        run_changes.record(session, run_id)


def mark_sent_again(session: Session, run_id: str) -> Run | None:
    """A queued run's message is sent again: its send time and count, if it is still queued."""
    query = (update(Run).where(col(Run.id) == run_id, col(Run.status) == RunStatus.QUEUED)
             .values(sent_at=utcnow(), sends=col(Run.sends) + 1).execution_options(synchronize_session=False))
    if _rowcount(session.execute(query)) != 1:
        return None
    return session.get(Run, run_id, populate_existing=True)


def record_loss(session: Session, run_id: str, cause: str) -> None:
    """Why the worker of a running run was lost (kept for the error if the attempts run out)."""
    session.execute(update(Run).where(col(Run.id) == run_id, col(Run.status) == RunStatus.RUNNING)
                    .values(lost=cause[:500]).execution_options(synchronize_session=False))


def running_step(session: Session, run_id: str) -> str | None:
    return session.exec(select(RunStep.name).where(RunStep.run_id == run_id, RunStep.status == StepStatus.RUNNING)
                        .order_by(col(RunStep.position))).first()


def fail_running(session: Session, run_id: str, message: str) -> bool:
    """running -> failed, whoever holds it, naming the step that was running."""
    step = running_step(session, run_id)
    return move(session, run_id, RunStatus.FAILED, finished_at=utcnow(), error={"step": step, "message": message})


def fail_queued(session: Session, run_id: str, message: str) -> bool:
    """queued -> failed (its message could not be delivered); never a run a worker holds."""
    return move(session, run_id, RunStatus.FAILED, only_from=RunStatus.QUEUED, finished_at=utcnow(),
                error={"step": None, "message": message})


def cancel(session: Session, run_id: str, by: str) -> bool:
    """queued or running -> canceled; True when it moved."""
    return move(session, run_id, RunStatus.CANCELED, finished_at=utcnow(),
                error={"step": None, "message": f"canceled by {by}"})


# A worker's attempt -----------------------------------------------------------------------


def _retried(method: Callable[P, R]) -> Callable[P, R]:
    """The write tried again while the database fails for a passing reason (app.db.retry):
    a run must not fail because SQLite was busy or PostgreSQL dropped a connection."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return retrying(lambda: method(*args, **kwargs), what=method.__name__)

    return wrapper


class Attempt:
    """The writes of the worker attempt that holds a run, each in its own short unit of
    work and fenced by the attempt number: RunInactive once the run is no longer ours."""

    def __init__(self, engine: Engine, run_id: str, number: int) -> None:
        self.engine = engine
        self.run_id = run_id
        self.number = number

    @classmethod
    def claim(cls, engine: Engine, run_id: str, max_attempts: int) -> tuple[Attempt, Run] | None:
        """queued -> running with the attempt number bumped; None if the run was not queued.
        A new attempt starts from the first step: what a lost one recorded is cleared. A run
        whose workers were lost `max_attempts` times is failed instead, naming the step they
        were running and why they were lost. OverLimit when the run's endpoint has its
        max_concurrent_runs running, or older runs of it are waiting first (its send time is
        renewed, so the reconciler knows its message is alive)."""
        def claim_once() -> tuple[Attempt, Run] | None | OverLimit:
            with UnitOfWork(engine) as uow:
                run = uow.session.exec(select(Run).where(Run.id == run_id).with_for_update()).first()
                if run is None or run.status != RunStatus.QUEUED:
                    return None
                waiting = _over_limit(uow.session, run)
                if waiting is not None:
                    run.sent_at = utcnow()
                    uow.session.add(run)
                    return waiting
                if run.attempt >= max_attempts:
                    cause = run.lost or "its heartbeat stopped"
                    step = running_step(uow.session, run_id)
                    move(uow.session, run_id, RunStatus.FAILED, finished_at=utcnow(), error={
                        "step": step, "message": f"the worker running this run was lost {run.attempt} times "
                        f"(last: {cause}); stopped after {max_attempts} attempts (RETRAINER_MAX_ATTEMPTS)"})
                    return None
                now = utcnow()
                if not move(uow.session, run_id, RunStatus.RUNNING, bump_attempt=True, started_at=now,
                            heartbeat_at=now):
                    return None
                uow.session.refresh(run)
                if run.attempt > 1:
                    _start_over(uow.session, run_id)
            return cls(engine, run_id, run.attempt), run

        claimed = retrying(claim_once, what=f"claim of run {run_id}")
        if isinstance(claimed, OverLimit):
            raise claimed
        return claimed

    @staticmethod
    def current(engine: Engine, run_id: str) -> Run | None:
        with Session(engine, expire_on_commit=False) as session:
            return session.get(Run, run_id)

    @staticmethod
    def release_if_silent(engine: Engine, run_id: str, attempt: int, timeout: timedelta) -> bool:
        """running -> queued when the attempt's heartbeat is older than `timeout`: its worker
        is gone, so the run may be claimed again (with a higher attempt)."""
        def release() -> bool:
            with UnitOfWork(engine) as uow:
                return move(uow.session, run_id, RunStatus.QUEUED, attempt=attempt,
                            heartbeat_before=utcnow() - timeout)

        return retrying(release, what=f"release of run {run_id}")

    def _fence(self, session: Session) -> Run:
        run = session.exec(select(Run).where(Run.id == self.run_id).with_for_update()).first()
        if run is None or run.status != RunStatus.RUNNING or run.attempt != self.number:
            raise RunInactive(self.run_id)
        return run

    @_retried
    def heartbeat(self) -> bool:
        with UnitOfWork(self.engine) as uow:
            query = (update(Run).where(col(Run.id) == self.run_id, col(Run.status) == RunStatus.RUNNING,
                                       col(Run.attempt) == self.number).values(heartbeat_at=utcnow()))
            return _rowcount(uow.session.execute(query)) == 1

    @_retried
    def check_active(self) -> None:
        with Session(self.engine) as session:
            self._fence(session)

    def _step(self, name: str, moves: Sequence[tuple[StepStatus, dict[str, Any]]],
              outputs: Sequence[dict[str, Any]] = ()) -> None:
        """The step's moves (in order) and the outputs it recorded, in one fenced transaction."""
        self._steps([(name, moves)], outputs)

    @_retried
    def _steps(self, changes: Sequence[tuple[str, Sequence[tuple[StepStatus, dict[str, Any]]]]],
               outputs: Sequence[dict[str, Any]] = ()) -> None:
        """Each step's moves (in order) and the outputs they recorded, in one fenced
        transaction, with one write of the run (its revision and heartbeat) for them all."""
        with UnitOfWork(self.engine) as uow:
            self._fence(uow.session)
            for name, moves in changes:
                for to, fields in moves:
                    move_step(uow.session, self.run_id, name, to, bump_revision=False, **fields)
            uow.session.add_all([RunOutput(run_id=self.run_id, **fields) for fields in outputs])
            uow.session.execute(update(Run).where(col(Run.id) == self.run_id)
                                .values(revision=col(Run.revision) + 1, heartbeat_at=utcnow())
                                .execution_options(synchronize_session=False))
            run_changes.record(uow.session, self.run_id)

    def step_started(self, name: str, fingerprint: str) -> None:
        self._step(name, [(StepStatus.RUNNING, {"started_at": utcnow(), "fingerprint": fingerprint})])

    def steps_reused(self, reused: Sequence[tuple[str, str, Reusable, datetime]]) -> None:
        """Steps that took an earlier run's outputs, each (name, fingerprint, found, when it
        was decided): each started and succeeded at once, with those outputs recorded for this
        run, all in one transaction (the steps a run reuses one after another)."""
        self._steps([(name, [(StepStatus.RUNNING, {"started_at": at, "fingerprint": fingerprint}),
                             (StepStatus.SUCCEEDED, {"finished_at": at, "metrics": found.metrics,
                                                     "reused_from": found.source_run})])
                     for name, fingerprint, found, at in reused],
                    [found.record(name, out) for name, _, found, _ in reused for out in found.outputs])

    def step_succeeded(self, name: str, metrics: dict[str, Any] | None,
                       outputs: Sequence[dict[str, Any]] = ()) -> None:
        """The step succeeded, with the outputs it wrote, in one transaction."""
        self._step(name, [(StepStatus.SUCCEEDED, {"finished_at": utcnow(), "metrics": metrics})], outputs)

    def step_failed(self, name: str, message: str) -> None:
        self._step(name, [(StepStatus.FAILED, {"finished_at": utcnow(), "error": message[:STEP_ERROR_CHARS]})])

    def find_reusable(self, workspace_id: str, fingerprint: str) -> Reusable | None:
        """The newest succeeded step of another run of the workspace with this fingerprint:
        the run that computed its outputs, the step's name, its outputs and metrics."""
        return self.find_reusables(workspace_id, [fingerprint]).get(fingerprint)

    @_retried
    def find_reusables(self, workspace_id: str, fingerprints: Sequence[str]) -> dict[str, Reusable]:
        """`find_reusable` of each fingerprint, in two queries whatever their number (the
        steps, then their outputs); a fingerprint with none is left out."""
        wanted = sorted(set(fingerprints))
        if not wanted:
            return {}
        newest = (func.row_number().over(partition_by=col(RunStep.fingerprint),
                                         order_by=col(RunStep.finished_at).desc()).label("newest"))
        ranked = (select(RunStep.id, newest).join(Run, col(Run.id) == col(RunStep.run_id))
                  .where(Run.workspace_id == workspace_id, col(RunStep.fingerprint).in_(wanted),
                         RunStep.status == StepStatus.SUCCEEDED, RunStep.run_id != self.run_id)
                  .subquery())
        with Session(self.engine, expire_on_commit=False) as session:
            rows = list(session.exec(select(RunStep).join(ranked, col(ranked.c.id) == col(RunStep.id))
                                     .where(ranked.c.newest == 1)))
            if not rows:
                return {}
            outputs = list(session.exec(select(RunOutput).where(
                or_(*(and_(col(RunOutput.run_id) == row.run_id, col(RunOutput.step) == row.name) for row in rows)))))
        found: dict[str, Reusable] = {}
        for row in rows:
            assert row.fingerprint is not None
            mine = [out for out in outputs if out.run_id == row.run_id and out.step == row.name]
            # Name the run that computed the outputs, not one that reused them.
            found[row.fingerprint] = Reusable(row.reused_from or row.run_id, row.name, mine, row.metrics)
        return found

    @_retried
    def succeed(self, models: list[dict[str, Any]], metrics: dict[str, Any] | None,
                decide: Callable[[Session, list[ModelVersion]], None] | None = None,
                reused: Collection[str] = ()) -> None:
        """Registers the run's model versions and marks it succeeded in one fenced
        transaction: a run canceled meanwhile registers nothing. `decide` writes, in the
        same transaction, what the new versions do to the deployments that follow them.
        The models named in `reused` (their train step was reused) are the versions already
        registered for them, if any (models_registry.register)."""
        with UnitOfWork(self.engine) as uow:
            run = self._fence(uow.session)
            registered = [models_registry.register(uow.session, run, fields, reused=fields["name"] in reused)
                          for fields in models]
            if decide is not None:
                decide(uow.session, registered)
            first = registered[0] if registered else None
            if not move(uow.session, self.run_id, RunStatus.SUCCEEDED, attempt=self.number,
                        finished_at=utcnow(), metrics=metrics,
                        model_name=first.name if first else None, model_version=first.version if first else None):
                raise RunInactive(self.run_id)

    @_retried
    def finish(self, status: RunStatus, *, error: dict[str, Any]) -> None:
        """Ends the run as failed or canceled (success goes through `succeed`)."""
        with UnitOfWork(self.engine) as uow:
            if not move(uow.session, self.run_id, status, attempt=self.number, finished_at=utcnow(), error=error):
                raise RunInactive(self.run_id)


def _over_limit(session: Session, run: Run) -> OverLimit | None:
    """Why `run` may not start now, when its endpoint limits its concurrent runs. The
    endpoint's row is locked first, so that claims of its runs on every worker are taken
    one at a time (on SQLite the write lock does that) and the limit holds."""
    if run.endpoint_id is None:
        return None
    endpoint = session.exec(select(Endpoint).where(Endpoint.id == run.endpoint_id).with_for_update()).first()
    if endpoint is None or endpoint.max_concurrent_runs is None:
        return None
    limit = endpoint.max_concurrent_runs
    running = session.exec(select(func.count()).select_from(Run).where(
        Run.endpoint_id == endpoint.id, Run.status == RunStatus.RUNNING)).one()
    if running >= limit:
        return OverLimit(f"endpoint {endpoint.name!r} runs {running} of at most {limit} runs")
    # In order: only the oldest waiting runs may take the free places.
    first = session.exec(select(Run.id).where(Run.endpoint_id == endpoint.id, Run.status == RunStatus.QUEUED)
                         .order_by(col(Run.created_at), col(Run.id)).limit(limit - running)).all()
    if run.id not in first:
        return OverLimit(f"older runs of endpoint {endpoint.name!r} wait first")
    return None


def _start_over(session: Session, run_id: str) -> None:
    session.execute(delete(RunOutput).where(col(RunOutput.run_id) == run_id))
    session.execute(update(RunStep).where(col(RunStep.run_id) == run_id,
                                          col(RunStep.status).in_(step_sources(StepStatus.PENDING)))
                    .values(status=StepStatus.PENDING, started_at=None, finished_at=None, metrics=None,
                            error=None, reused_from=None, fingerprint=None)
                    .execution_options(synchronize_session=False))
