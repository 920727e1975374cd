"""Tells every API process which runs a commit changed, through Redis pub/sub, so that
long-polls on them (app.runs.watchers) wake at once instead of reading every 50 ms.

The run store records each run whose revision a transaction moves (`record`: a step that
started or finished, the run's own moves); once that transaction commits, the runs are
announced on `CHANNEL` through the publisher of the session's engine
(app.db.announcements). Announced after the commit: a woken long-poll reads the change.
A rolled back transaction announces nothing. A lost message costs a long-poll at most
`app.runs.watchers.BACKSTOP_SECONDS`.
"""

from __future__ import annotations

import json

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.db import announcements

CHANNEL = "retrainer:runs"

_CHANGED = "retrainer_changed_runs"  # session.info: runs whose revision this transaction moved


def record(session: Session, run_id: str) -> None:
    """The session's transaction moved the run's revision (what GET /runs/{id} shows)."""
    session.info.setdefault(_CHANGED, set()).add(run_id)


def encode(run_ids: set[str]) -> str:
    return json.dumps(sorted(run_ids))


def decode(data: bytes | str) -> list[str] | None:
    """The run ids of a message, or None for one this version does not read."""
    try:
        run_ids = json.loads(data)
    except ValueError:
        return None
    return [str(r) for r in run_ids] if isinstance(run_ids, list) else None


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:  # the root transaction only
    run_ids = session.info.pop(_CHANGED, None)
    publisher = announcements.publisher_of(session)
    if run_ids and publisher is not None:
        publisher.publish(CHANNEL, encode(run_ids), f"{len(run_ids)} run change(s)")


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the root transaction ended (after a rollback: nothing to announce)
        session.info.pop(_CHANGED, None)
