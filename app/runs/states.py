"""Run states and the only allowed transitions between them.

The API, the worker and (later) the reconciler all change a run's state through
`transition`, a conditional UPDATE: it succeeds only from an allowed state and,
when `attempt` is given, only for the worker attempt that holds the run (a
fencing token), so a stale or duplicate worker cannot overwrite a newer state.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from app.db.tables import Run

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELED = "canceled"

TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELED})

ALLOWED: dict[str, frozenset[str]] = {
    QUEUED: frozenset({RUNNING, CANCELED, FAILED}),
    # RUNNING -> QUEUED: a worker was lost and the run is handed to another one.
    RUNNING: frozenset({SUCCEEDED, FAILED, CANCELED, QUEUED}),
    SUCCEEDED: frozenset(),
    FAILED: frozenset(),
    CANCELED: frozenset(),
}

# Step states (no transitions enforced beyond "not after a terminal run").
STEP_PENDING, STEP_RUNNING, STEP_SUCCEEDED, STEP_FAILED, STEP_SKIPPED, STEP_CANCELED = (
    "pending", "running", "succeeded", "failed", "skipped", "canceled")


def sources_of(target: str) -> list[str]:
    return [state for state, targets in ALLOWED.items() if target in targets]


def transition(session: Session, run_id: str, to: str, *, attempt: int | None = None,
               bump_attempt: bool = False, heartbeat_before=None, **fields: Any) -> bool:
    """Moves the run to `to` if allowed from its current state; True when it moved.
    `heartbeat_before` also requires the last heartbeat to be older than that time."""
    query = update(Run).where(Run.id == run_id, Run.status.in_(sources_of(to)))
    if attempt is not None:
        query = query.where(Run.attempt == attempt)
    if heartbeat_before is not None:
        query = query.where(Run.heartbeat_at < heartbeat_before)
    values: dict[str, Any] = {"status": to, **fields}
    if bump_attempt:
        values["attempt"] = Run.attempt + 1
    result = session.execute(query.values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1
