"""The gate's decisions are written in the run's success transaction: the new version,
the followers' decisions and the run's success commit together, or none of them does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.db.tables import Deployment, DeploymentEvent, ModelVersion, Run
from app.db.unit_of_work import UnitOfWork
from app.deployments.gate import Decision, record
from app.runs import store
from app.runs.states import RunStatus
from app.runs.store import Attempt, RunInactive
from tests.helpers.rows import run_with_steps, workspace

MODEL = "gated"


def _model() -> dict[str, object]:
    return {"name": MODEL, "step": "train", "pipeline_digest": "0" * 64, "artifact_path": "m.joblib",
            "size": 1, "sha256": "b" * 64}


def _follower(engine: Engine) -> tuple[str, str]:
    """A workspace whose model has version 1, served by a deployment that follows it."""
    ws = workspace(engine)
    first = Attempt.claim(engine, run_with_steps(engine, workspace_id=ws), 3)
    assert first is not None
    first[0].succeed([_model()], metrics=None)
    with UnitOfWork(engine) as uow:
        deployment = Deployment(workspace_id=ws, name="follows", model=MODEL, version=1, follow=True)
        uow.session.add(deployment)
    return ws, deployment.id


def _claimed(engine: Engine, ws: str) -> tuple[str, Attempt]:
    run_id = run_with_steps(engine, workspace_id=ws)
    claimed = Attempt.claim(engine, run_id, 3)
    assert claimed is not None
    return run_id, claimed[0]


def _decide(deployment_id: str, run_id: str, promote: bool = True, then_fail: bool = False):
    def decide(session: Session, registered: list[ModelVersion]) -> None:
        for version in registered:
            record(session, run_id, version, Decision(deployment_id, champion_version=1, promote=promote,
                                                      message="better on the holdout" if promote else "worse"))
        if then_fail:
            raise RuntimeError("the transaction breaks after the decision was written")
    return decide


def _state(engine: Engine, ws: str, deployment_id: str, run_id: str) -> tuple[RunStatus, list[int], int, list[str]]:
    with Session(engine) as session:
        run = session.get_one(Run, run_id)
        versions = sorted(v.version for v in session.exec(select(ModelVersion).where(
            ModelVersion.workspace_id == ws, ModelVersion.name == MODEL)))
        serving = session.get_one(Deployment, deployment_id).version
        events = [e.reason for e in session.exec(select(DeploymentEvent).where(
            DeploymentEvent.deployment_id == deployment_id, DeploymentEvent.run_id == run_id))]
        return run.status, versions, serving, events


def test_a_promotion_commits_with_the_version_and_the_runs_success(engine: Engine) -> None:
    ws, deployment_id = _follower(engine)
    run_id, attempt = _claimed(engine, ws)
    attempt.succeed([_model()], metrics=None, decide=_decide(deployment_id, run_id))
    assert _state(engine, ws, deployment_id, run_id) == (RunStatus.SUCCEEDED, [1, 2], 2, ["promoted"])


def test_a_hold_is_recorded_for_the_version_it_held(engine: Engine) -> None:
    ws, deployment_id = _follower(engine)
    run_id, attempt = _claimed(engine, ws)
    attempt.succeed([_model()], metrics=None, decide=_decide(deployment_id, run_id, promote=False))
    assert _state(engine, ws, deployment_id, run_id) == (RunStatus.SUCCEEDED, [1, 2], 1, ["held"])
    with Session(engine) as session:
        event = session.exec(select(DeploymentEvent).where(DeploymentEvent.run_id == run_id)).one()
        assert "version 2 held" in (event.message or "")


def test_a_transaction_that_breaks_after_the_decision_keeps_nothing(engine: Engine) -> None:
    ws, deployment_id = _follower(engine)
    run_id, attempt = _claimed(engine, ws)
    with pytest.raises(RuntimeError):
        attempt.succeed([_model()], metrics=None, decide=_decide(deployment_id, run_id, then_fail=True))
    # No version 2 without its decision, no decision without version 2; the run still runs.
    assert _state(engine, ws, deployment_id, run_id) == (RunStatus.RUNNING, [1], 1, [])


def test_a_canceled_run_registers_and_decides_nothing(engine: Engine) -> None:
    ws, deployment_id = _follower(engine)
    run_id, attempt = _claimed(engine, ws)
    with UnitOfWork(engine) as uow:
        assert store.cancel(uow.session, run_id, by="someone")
    with pytest.raises(RunInactive):
        attempt.succeed([_model()], metrics=None, decide=_decide(deployment_id, run_id))
    assert _state(engine, ws, deployment_id, run_id) == (RunStatus.CANCELED, [1], 1, [])


def test_a_taken_over_attempt_registers_and_decides_nothing(engine: Engine) -> None:
    ws, deployment_id = _follower(engine)
    run_id, stale = _claimed(engine, ws)
    with UnitOfWork(engine) as uow:  # as if its worker died a minute ago
        uow.session.execute(update(Run).where(col(Run.id) == run_id)
                            .values(heartbeat_at=utcnow() - timedelta(minutes=1)))
    assert Attempt.release_if_silent(engine, run_id, 1, timedelta(seconds=30))
    assert Attempt.claim(engine, run_id, 3) is not None
    with pytest.raises(RunInactive):
        stale.succeed([_model()], metrics=None, decide=_decide(deployment_id, run_id))
    assert _state(engine, ws, deployment_id, run_id) == (RunStatus.RUNNING, [1], 1, [])
