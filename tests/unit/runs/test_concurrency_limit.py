"""An endpoint's max_concurrent_runs, held by the claim itself: on any number of workers
at once, no more of its runs run than the limit, they start in the order they were
submitted, and a run handed back stays queued (nothing is lost)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.db.tables import Endpoint, Run
from app.db.unit_of_work import UnitOfWork
from app.runs.states import RunStatus
from app.runs.store import Attempt, OverLimit
from tests.helpers.rows import run_with_steps, workspace


def _endpoint_with_runs(engine: Engine, limit: int, count: int) -> list[str]:
    ws = workspace(engine)
    with UnitOfWork(engine) as uow:
        endpoint = Endpoint(workspace_id=ws, name="limited", max_concurrent_runs=limit)
        uow.session.add(endpoint)
    ids = []
    for i in range(count):
        run_id = run_with_steps(engine, workspace_id=ws)
        with UnitOfWork(engine) as uow:  # submitted one after the other
            uow.session.execute(update(Run).where(col(Run.id) == run_id).values(
                endpoint_id=endpoint.id, created_at=utcnow() - timedelta(minutes=10 - i)))
        ids.append(run_id)
    return ids


def _status(engine: Engine, run_id: str) -> str:
    with Session(engine) as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run.status


def test_runs_over_the_limit_wait_queued_and_start_in_order(engine: Engine) -> None:
    first, second, third = _endpoint_with_runs(engine, limit=1, count=3)
    with pytest.raises(OverLimit, match="older runs"):
        Attempt.claim(engine, second, 3)  # the first was submitted before it
    assert _status(engine, second) == RunStatus.QUEUED
    claimed = Attempt.claim(engine, first, 3)
    assert claimed is not None
    with pytest.raises(OverLimit, match="runs 1 of at most 1"):
        Attempt.claim(engine, second, 3)
    claimed[0].finish(RunStatus.FAILED, error={"step": None, "message": "done"})
    with pytest.raises(OverLimit, match="older runs"):
        Attempt.claim(engine, third, 3)
    assert Attempt.claim(engine, second, 3) is not None
    assert _status(engine, third) == RunStatus.QUEUED


def test_claims_at_once_never_exceed_the_limit(engine: Engine) -> None:
    runs = _endpoint_with_runs(engine, limit=2, count=6)
    outcomes: dict[str, str] = {}
    start = threading.Barrier(len(runs))

    def claim(run_id: str) -> None:
        start.wait()
        try:
            outcomes[run_id] = "claimed" if Attempt.claim(engine, run_id, 3) is not None else "none"
        except OverLimit:
            outcomes[run_id] = "waits"

    threads = [threading.Thread(target=claim, args=(r,)) for r in reversed(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(engine) as session:
        running = session.exec(select(Run.id).where(col(Run.id).in_(runs), Run.status == RunStatus.RUNNING)).all()
    assert sorted(running) == sorted(r for r, o in outcomes.items() if o == "claimed")
    assert len(running) <= 2
    assert set(running) <= set(runs[:2])  # only the oldest may start


def test_an_endpoint_without_a_limit_is_not_held(engine: Engine) -> None:
    ws = workspace(engine)
    with UnitOfWork(engine) as uow:
        endpoint = Endpoint(workspace_id=ws, name="free")
        uow.session.add(endpoint)
    run_ids = [run_with_steps(engine, workspace_id=ws) for _ in range(3)]
    with UnitOfWork(engine) as uow:
        uow.session.execute(update(Run).where(col(Run.id).in_(run_ids)).values(endpoint_id=endpoint.id))
    assert all(Attempt.claim(engine, r, 3) is not None for r in reversed(run_ids))
