"""A rollback (PATCH) racing a promotion (the gate's decision) on the same deployment:
each takes the row's lock before it reads the version it changes, so both are recorded
in the history in some order, each from the version the other left, and the deployment
serves what the later one set. Real threads on the database under test (PostgreSQL's row
locks; SQLite's BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.auth.service import Principal
from app.core.settings import Settings
from app.db.tables import Deployment, DeploymentEvent, ModelVersion
from app.db.unit_of_work import UnitOfWork
from app.deployments import service
from app.deployments.gate import Decision, record
from app.deployments.schemas import DeploymentPatch
from app.runs.store import Attempt
from tests.helpers.rows import run_with_steps, workspace

MODEL = "raced"
ROUNDS = 25


def _versions(engine: Engine, ws: str, count: int) -> list[tuple[str, ModelVersion]]:
    """`count` registered versions of MODEL: (the run that registered it, the version)."""
    out = []
    for _ in range(count):
        run_id = run_with_steps(engine, workspace_id=ws)
        claimed = Attempt.claim(engine, run_id, 3)
        assert claimed is not None
        claimed[0].succeed([{"name": MODEL, "step": "train", "pipeline_digest": "0" * 64,
                             "artifact_path": "m.joblib", "size": 1, "sha256": "b" * 64}], metrics=None)
        with Session(engine) as session:
            mv = session.exec(select(ModelVersion).where(ModelVersion.run_id == run_id)).one()
            session.expunge(mv)
        out.append((run_id, mv))
    return out


def _history(engine: Engine, deployment_id: str) -> list[DeploymentEvent]:
    with Session(engine) as session:
        return list(session.exec(select(DeploymentEvent).where(DeploymentEvent.deployment_id == deployment_id)
                                 .order_by(col(DeploymentEvent.at), col(DeploymentEvent.id))))


def test_a_rollback_racing_a_promotion_is_never_lost(engine: Engine, unit_settings: Settings) -> None:
    ws = workspace(engine)
    (_, _), (_, _), (run3, v3) = _versions(engine, ws, 3)
    with UnitOfWork(engine) as uow:
        deployment = Deployment(workspace_id=ws, name="raced", model=MODEL, version=2, follow=True,
                                gate={"metric": None, "min_delta": 0.0, "holdout": None})
        uow.session.add(deployment)
    principal = Principal(kind="user", id="u-racer", name="racer", workspace_id=ws, workspace_name="ws",
                          scopes=frozenset({"deployments:write", "deployments:read"}))

    def patch(version: int, start: threading.Barrier | None = None) -> None:
        with UnitOfWork(engine) as uow:
            if start is not None:
                start.wait()
            service.patch(uow.session, unit_settings, principal, "raced", DeploymentPatch(version=version))

    def promote(start: threading.Barrier) -> None:
        with UnitOfWork(engine) as uow:
            start.wait()
            record(uow.session, run3, v3, Decision(deployment.id, champion_version=2, promote=True,
                                                   message="better on the holdout"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(ROUNDS):
            patch(2)  # the champion the gate compared with serves again
            start = threading.Barrier(2)
            for done in [pool.submit(patch, 1, start), pool.submit(promote, start)]:
                done.result()

    events = _history(engine, deployment.id)
    # Each change is recorded from the version the one before it left: none overwrote
    # another unseen (a promotion that lost the race to the rollback is held, saying so).
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_version == before.to_version, [(e.reason, e.from_version, e.to_version) for e in events]
    rollbacks = [e for e in events if e.reason == "rollback"]
    assert len(rollbacks) == ROUNDS and all(e.to_version == 1 for e in rollbacks)
    assert sum(e.reason in ("promoted", "held") for e in events) == ROUNDS
    with Session(engine) as session:
        assert session.get_one(Deployment, deployment.id).version == events[-1].to_version
