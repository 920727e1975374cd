"""Tells every API process which deployments a commit changes, through Redis pub/sub.

An API process keeps what predictions need of each deployment (its serving columns) in
memory (app.deployments.seen); a change committed anywhere else, a PATCH in another API
process or a promotion by a worker, must reach it. One place sees every change of a
Deployment row made through the ORM, whichever process and code path makes it: the
Session events below, which announce through the publisher of the session's engine
(app.db.announcements: every engine `app.db.engine.build_engine` builds has one).
Each (workspace_id, name) a transaction touched is announced twice on `CHANNEL`:
`changing` before the commit (a process that receives it neither serves nor keeps the
deployment's columns until `changed`), and `changed` after the commit or the rollback.
Whoever learns of the commit (its HTTP answer, a run that succeeded) learns of it after
`changing` was delivered, so the next prediction reads the row again.

A publish that fails is logged and forgotten: it never fails the request or the worker's
commit. Processes then see the change within RETRAINER_SERVING_REFRESH_SECONDS (the age
after which a kept answer is read again). Core UPDATE statements bypass these events;
the only one on deployments (`move_check_on`) moves `next_check_at`, which predictions do
not read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.db import announcements
from app.db.tables import Deployment

CHANNEL = "retrainer:deployments"
CHANGING = "changing"
CHANGED = "changed"

Key = tuple[str, str]  # (workspace_id, name)

_TOUCHED = "retrainer_deployments_touched"  # session.info: keys flushed in this transaction
_ANNOUNCED = "retrainer_deployments_announced"  # session.info: keys announced as changing


def encode(phase: str, keys: Iterable[Key]) -> str:
    return json.dumps({"phase": phase, "keys": sorted([list(k) for k in keys])})


def decode(data: bytes | str) -> tuple[str, list[Key]] | None:
    """The phase and keys of a message, or None for one this version does not read."""
    try:
        message = json.loads(data)
        phase, keys = message["phase"], [(str(k[0]), str(k[1])) for k in message["keys"]]
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return (phase, keys) if phase in (CHANGING, CHANGED) else None


def _publish(session: Session, phase: str, keys: set[Key]) -> None:
    publisher = announcements.publisher_of(session)
    if publisher is not None:
        publisher.publish(CHANNEL, encode(phase, keys), f"{len(keys)} deployment(s) as {phase}")


def _keys(*groups: Iterable[Any]) -> set[Key]:
    return {(obj.workspace_id, obj.name) for group in groups for obj in group if isinstance(obj, Deployment)}


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    keys = _keys(session.new, session.dirty, session.deleted)
    if keys:
        session.info.setdefault(_TOUCHED, set()).update(keys)


@event.listens_for(Session, "before_commit")
def _announce_changing(session: Session) -> None:
    # Also what the commit's own flush will write (this event comes before it).
    keys = session.info.get(_TOUCHED, set()) | _keys(session.new, session.dirty, session.deleted)
    keys -= session.info.get(_ANNOUNCED, set())
    if keys:
        _publish(session, CHANGING, keys)
        session.info.setdefault(_ANNOUNCED, set()).update(keys)


@event.listens_for(Session, "after_commit")
def _announce_changed(session: Session) -> None:  # the root transaction only
    keys = session.info.pop(_TOUCHED, set()) | session.info.pop(_ANNOUNCED, set())
    if keys:
        _publish(session, CHANGED, keys)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """After a rollback (or a close without commit) of the root transaction: what was
    announced as changing did not change; the processes may keep answers again."""
    if transaction.parent is not None:  # a savepoint: the transaction goes on
        return
    session.info.pop(_TOUCHED, None)
    announced = session.info.pop(_ANNOUNCED, set())  # empty after a commit (_announce_changed)
    if announced:
        _publish(session, CHANGED, announced)
