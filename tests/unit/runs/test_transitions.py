"""Every pair of run states and of step states, allowed and refused, through the run
store's conditional updates (the tables in app.runs.states are what is enforced)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.tables import Run, RunStep
from app.db.unit_of_work import UnitOfWork
from app.runs import store
from app.runs.states import RUN_TRANSITIONS, STEP_TRANSITIONS, RunStatus, StepStatus
from tests.helpers.rows import run_with_steps

RUN_PAIRS = list(itertools.product(RunStatus, RunStatus))
STEP_PAIRS = list(itertools.product(StepStatus, StepStatus))


def _run(engine: Engine, run_id: str) -> Run:
    with Session(engine) as session:
        return session.get_one(Run, run_id)


def _steps(engine: Engine, run_id: str) -> dict[str, RunStep]:
    with Session(engine) as session:
        return {s.name: s for s in session.exec(select(RunStep).where(RunStep.run_id == run_id))}


@pytest.mark.parametrize(("start", "to"), RUN_PAIRS, ids=[f"{a}->{b}" for a, b in RUN_PAIRS])
def test_run_transition(engine: Engine, start: RunStatus, to: RunStatus) -> None:
    run_id = run_with_steps(engine, status=start)
    with UnitOfWork(engine) as uow:
        moved = store.move(uow.session, run_id, to)
    allowed = to in RUN_TRANSITIONS[start]
    assert moved is allowed
    assert _run(engine, run_id).status == (to if allowed else start)


@pytest.mark.parametrize(("start", "to"), STEP_PAIRS, ids=[f"{a}->{b}" for a, b in STEP_PAIRS])
def test_step_transition(engine: Engine, start: StepStatus, to: StepStatus) -> None:
    run_id = run_with_steps(engine, status=RunStatus.RUNNING, step_status=start)
    allowed = to in STEP_TRANSITIONS[start]
    if allowed:
        with UnitOfWork(engine) as uow:
            store.move_step(uow.session, run_id, "train", to)
    else:
        with pytest.raises(store.StepTransitionRefused), UnitOfWork(engine) as uow:
            store.move_step(uow.session, run_id, "train", to)
    assert _steps(engine, run_id)["train"].status == (to if allowed else start)


def test_finished_states_have_no_way_out() -> None:
    for state in RunStatus:
        assert (not RUN_TRANSITIONS[state]) is state.is_finished
    for step_state in (StepStatus.SKIPPED, StepStatus.CANCELED):
        assert not STEP_TRANSITIONS[step_state]


@pytest.mark.parametrize("to", [RunStatus.FAILED, RunStatus.CANCELED])
def test_a_finished_run_shows_no_step_pending_or_running(engine: Engine, to: RunStatus) -> None:
    run_id = run_with_steps(engine, ("import", "split", "train"), status=RunStatus.RUNNING)
    with UnitOfWork(engine) as uow:
        store.move_step(uow.session, run_id, "import", StepStatus.RUNNING)
        store.move_step(uow.session, run_id, "import", StepStatus.SUCCEEDED)
        store.move_step(uow.session, run_id, "split", StepStatus.RUNNING)
        assert store.move(uow.session, run_id, to)
    steps = _steps(engine, run_id)
    assert steps["import"].status == StepStatus.SUCCEEDED
    assert not {s.status for s in steps.values()} & {StepStatus.PENDING, StepStatus.RUNNING}
    if to == RunStatus.FAILED:
        assert (steps["split"].status, steps["train"].status) == (StepStatus.FAILED, StepStatus.SKIPPED)
    else:
        assert (steps["split"].status, steps["train"].status) == (StepStatus.CANCELED, StepStatus.CANCELED)
    assert steps["split"].finished_at is not None and steps["train"].finished_at is None
