"""The worker's writes to the database for one run, each fenced by the run's attempt.

A worker claims a run (queued -> running, attempt + 1) and then writes only while
the run is still running under that attempt: if the run was canceled, or handed
to another worker, the write is refused with RunInactive and the executor stops.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.db.engine import get_engine
from app.db.tables import ModelVersion, Run, RunOutput, RunStep
from app.runs import states


class RunInactive(Exception):
    """The run is no longer ours to write: canceled, finished, or claimed again."""


class RunStore:
    def __init__(self, run_id: str, attempt: int) -> None:
        self.run_id = run_id
        self.attempt = attempt

    # Claiming -----------------------------------------------------------------------

    @classmethod
    def claim(cls, run_id: str) -> tuple[RunStore, Run] | None:
        with Session(get_engine(), expire_on_commit=False) as session:
            now = utcnow()
            moved = states.transition(session, run_id, states.RUNNING, bump_attempt=True,
                                      started_at=now, heartbeat_at=now)
            if moved:
                run = session.get(Run, run_id)
                if run.attempt > 1:
                    _reset_for_new_attempt(session, run_id)
            session.commit()
            if not moved:
                return None
            return cls(run_id, run.attempt), run

    @staticmethod
    def state_of(run_id: str) -> Run | None:
        with Session(get_engine(), expire_on_commit=False) as session:
            return session.get(Run, run_id)

    @staticmethod
    def release_if_stale(run_id: str, attempt: int, stale_after: timedelta) -> bool:
        """running -> queued when the attempt's heartbeat is older than `stale_after`:
        its worker is gone, so the run may be claimed again (with a higher attempt)."""
        with Session(get_engine()) as session:
            moved = states.transition(session, run_id, states.QUEUED, attempt=attempt,
                                      heartbeat_before=utcnow() - stale_after)
            session.commit()
            return moved

    def heartbeat(self) -> bool:
        with self._session() as session:
            moved = session.execute(
                update(Run).where(Run.id == self.run_id, Run.status == states.RUNNING,
                                  Run.attempt == self.attempt).values(heartbeat_at=utcnow())
            ).rowcount == 1
            session.commit()
            return moved

    # Fenced writes --------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(get_engine(), expire_on_commit=False)

    def _fence(self, session: Session) -> Run:
        run = session.exec(select(Run).where(Run.id == self.run_id).with_for_update()).first()
        if run is None or run.status != states.RUNNING or run.attempt != self.attempt:
            raise RunInactive(self.run_id)
        return run

    def check_active(self) -> None:
        with self._session() as session:
            self._fence(session)

    def _update_step(self, name: str, **fields: Any) -> None:
        with self._session() as session:
            run = self._fence(session)
            step = session.exec(select(RunStep).where(RunStep.run_id == self.run_id, RunStep.name == name)).one()
            for key, value in fields.items():
                setattr(step, key, value)
            run.heartbeat_at = utcnow()
            session.add(step)
            session.add(run)
            session.commit()

    def step_started(self, name: str, fingerprint: str | None = None) -> None:
        self._update_step(name, status=states.STEP_RUNNING, started_at=utcnow(), fingerprint=fingerprint)

    def step_reused(self, name: str, source_run: str, metrics: dict | None) -> None:
        self._update_step(name, status=states.STEP_SUCCEEDED, finished_at=utcnow(), metrics=metrics,
                          reused_from=source_run)

    def find_reusable(self, workspace_id: str, fingerprint: str) -> tuple[str, str, list[RunOutput]] | None:
        """The newest succeeded step with this fingerprint in the workspace, and its outputs."""
        with self._session() as session:
            row = session.exec(
                select(RunStep).join(Run, Run.id == RunStep.run_id)
                .where(Run.workspace_id == workspace_id, RunStep.fingerprint == fingerprint,
                       RunStep.status == states.STEP_SUCCEEDED, RunStep.run_id != self.run_id)
                .order_by(RunStep.finished_at.desc())).first()
            if row is None:
                return None
            outputs = list(session.exec(select(RunOutput).where(RunOutput.run_id == row.run_id,
                                                                RunOutput.step == row.name)))
            # Name the run that computed the outputs, not one that reused them.
            return row.reused_from or row.run_id, row.name, outputs

    def step_succeeded(self, name: str, metrics: dict | None) -> None:
        self._update_step(name, status=states.STEP_SUCCEEDED, finished_at=utcnow(), metrics=metrics)

    def step_failed(self, name: str, message: str) -> None:
        self._update_step(name, status=states.STEP_FAILED, finished_at=utcnow(), error=message[:4000])

    def add_output(self, **fields: Any) -> None:
        with self._session() as session:
            self._fence(session)
            session.add(RunOutput(run_id=self.run_id, **fields))
            session.commit()

    def succeed(self, models: list[dict[str, Any]], metrics: dict | None) -> bool:
        """Registers the run's model versions and marks it succeeded in one fenced
        transaction: a run canceled meanwhile registers nothing."""
        for _ in range(5):
            with self._session() as session:
                run = self._fence(session)
                first: tuple[str, int] | None = None
                for fields in models:
                    latest = session.exec(select(func.max(ModelVersion.version)).where(
                        ModelVersion.workspace_id == run.workspace_id,
                        ModelVersion.name == fields["name"])).one() or 0
                    session.add(ModelVersion(workspace_id=run.workspace_id, version=latest + 1,
                                             run_id=self.run_id, **fields))
                    first = first or (fields["name"], latest + 1)
                moved = states.transition(session, self.run_id, states.SUCCEEDED, attempt=self.attempt,
                                          finished_at=utcnow(), metrics=metrics,
                                          model_name=first[0] if first else None,
                                          model_version=first[1] if first else None)
                if not moved:
                    session.rollback()
                    raise RunInactive(self.run_id)
                try:
                    session.commit()
                    return True
                except IntegrityError:  # another run took that version number: count again
                    session.rollback()
        raise RuntimeError("could not register the model versions of this run")

    def finish(self, status: str, *, error: dict | None = None, skipped: list[str] = ()) -> bool:
        """Ends the run as failed or canceled (success goes through `succeed`)."""
        with self._session() as session:
            now = utcnow()
            moved = states.transition(session, self.run_id, status, attempt=self.attempt, finished_at=now,
                                      error=error)
            if moved and skipped:
                for step in session.exec(select(RunStep).where(RunStep.run_id == self.run_id,
                                                               RunStep.name.in_(list(skipped)))):
                    step.status = states.STEP_SKIPPED
                    session.add(step)
            session.commit()
            return moved


def _reset_for_new_attempt(session: Session, run_id: str) -> None:
    """A new attempt starts from the first step: what the lost one recorded is cleared."""
    session.execute(delete(RunOutput).where(RunOutput.run_id == run_id))
    for step in session.exec(select(RunStep).where(RunStep.run_id == run_id)):
        step.status, step.started_at, step.finished_at = states.STEP_PENDING, None, None
        step.metrics, step.error, step.reused_from, step.fingerprint = None, None, None, None
        session.add(step)
