"""A worker attempt writes only while it holds the run: a stale attempt's writes are
refused once the run was taken over, canceled or finished."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.db.tables import ModelVersion, Run, RunOutput, RunStep
from app.db.unit_of_work import UnitOfWork
from app.runs import store
from app.runs.states import RunStatus, StepStatus
from app.runs.store import Attempt, RunInactive
from tests.helpers.rows import run_with_steps, workspace

OUTPUT = {"step": "import", "port": "data", "type": "dataset", "path": "x/y.parquet",
          "media_type": "application/vnd.apache.parquet", "size": 1, "sha256": "a" * 64}


def _silence(engine: Engine, run_id: str) -> None:
    """As if the attempt's worker died a minute ago."""
    with UnitOfWork(engine) as uow:
        uow.session.execute(update(Run).where(col(Run.id) == run_id)
                            .values(heartbeat_at=utcnow() - timedelta(minutes=1)))


def _model(name: str = "fenced") -> dict[str, object]:
    return {"name": name, "step": "train", "pipeline_digest": "0" * 64, "artifact_path": "m.joblib",
            "size": 1, "sha256": "b" * 64}


def test_a_taken_over_attempt_can_write_nothing(engine: Engine) -> None:
    run_id = run_with_steps(engine)
    claimed = Attempt.claim(engine, run_id, 3)
    assert claimed is not None
    first, run = claimed
    assert first.number == 1 and run.status == RunStatus.RUNNING
    first.step_started("import", "f" * 64)
    first.step_succeeded("import", None, [OUTPUT])

    # Still alive: its heartbeat is fresh, so it is not released.
    assert not Attempt.release_if_silent(engine, run_id, 1, timedelta(seconds=30))
    _silence(engine, run_id)
    assert Attempt.release_if_silent(engine, run_id, 1, timedelta(seconds=30))
    second_claim = Attempt.claim(engine, run_id, 3)
    assert second_claim is not None
    second = second_claim[0]
    assert second.number == 2

    with Session(engine) as session:  # the new attempt starts over
        assert session.exec(select(RunOutput).where(RunOutput.run_id == run_id)).all() == []
        assert {s.status for s in session.exec(select(RunStep).where(RunStep.run_id == run_id))} == {
            StepStatus.PENDING}

    for write in (lambda: first.step_started("import", "f" * 64), lambda: first.step_succeeded("import", None, [OUTPUT]), lambda: first.check_active(),
                  lambda: first.finish(RunStatus.FAILED, error={"step": None, "message": "stale"}),
                  lambda: first.succeed([_model()], metrics=None)):
        with pytest.raises(RunInactive):
            write()
    assert first.heartbeat() is False

    second.step_started("import", "f" * 64)
    second.step_succeeded("import", {"rows": 3})
    second.step_started("train", "e" * 64)
    second.step_succeeded("train", None)
    second.succeed([_model()], metrics={"roc_auc": 0.9})
    with Session(engine) as session:
        done = session.get_one(Run, run_id)
        assert (done.status, done.attempt, done.model_name, done.model_version) == (
            RunStatus.SUCCEEDED, 2, "fenced", 1)
        # The stale attempt's success registered nothing: one version only.
        assert len(session.exec(select(ModelVersion).where(ModelVersion.run_id == run_id)).all()) == 1


def test_a_canceled_run_stops_its_attempt(engine: Engine) -> None:
    run_id = run_with_steps(engine)
    claimed = Attempt.claim(engine, run_id, 3)
    assert claimed is not None
    attempt = claimed[0]
    attempt.step_started("import", "f" * 64)
    with UnitOfWork(engine) as uow:
        assert store.cancel(uow.session, run_id, by="someone")
    with pytest.raises(RunInactive):
        attempt.check_active()
    with pytest.raises(RunInactive):
        attempt.step_succeeded("import", None)
    with Session(engine) as session:
        steps = {s.name: s.status for s in session.exec(select(RunStep).where(RunStep.run_id == run_id))}
    assert steps == {"import": StepStatus.CANCELED, "train": StepStatus.CANCELED}


def test_a_run_is_claimed_once(engine: Engine) -> None:
    run_id = run_with_steps(engine)
    assert Attempt.claim(engine, run_id, 3) is not None
    assert Attempt.claim(engine, run_id, 3) is None  # a duplicate delivery finds it running


def test_model_versions_count_up_per_name_in_the_run_transaction(engine: Engine) -> None:
    numbers = []
    ws = workspace(engine)
    for _ in range(3):
        run_id = run_with_steps(engine, workspace_id=ws)
        claimed = Attempt.claim(engine, run_id, 3)
        assert claimed is not None
        claimed[0].succeed([_model("counted")], metrics=None)
        with Session(engine) as session:
            numbers.append(session.get_one(Run, run_id).model_version)
    assert numbers == [1, 2, 3]
