"""Tells every API process which deployments a commit changes, through Redis pub/sub.

An API process keeps what predictions need of each deployment (its serving columns) in
memory (app.deployments.seen); a change committed anywhere else, a PATCH in another API
process or a promotion by a worker, must reach it. One place sees every change of a
Deployment row made through the ORM, whichever process and code path makes it: the
Session events below, installed for every engine `app.db.engine.build_engine` builds.
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
import logging
import threading
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

import redis
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from app.db.tables import Deployment

log = logging.getLogger("retrainer.deployments.changes")

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


class Publisher:
    """Publishes on CHANNEL with a client made on first use (the worker forks)."""

    def __init__(self, redis_url: str) -> None:
        self._url = redis_url
        self._client: redis.Redis | None = None
        self._lock = threading.Lock()

    def publish(self, phase: str, keys: set[Key]) -> None:
        try:
            with self._lock:
                if self._client is None:
                    self._client = redis.Redis.from_url(self._url, socket_connect_timeout=1, socket_timeout=2)
                client = self._client
            client.publish(CHANNEL, encode(phase, keys))
        except Exception as exc:  # noqa: BLE001 - never fails the commit: the refresh bound is the backstop
            # The exception's class only: its text may name the broker's address.
            log.warning("could not announce %s deployment(s) as %s (%s); other API processes see the change "
                        "within RETRAINER_SERVING_REFRESH_SECONDS", len(keys), phase, type(exc).__name__)


_PUBLISHERS: WeakKeyDictionary[Engine, Publisher] = WeakKeyDictionary()


def announce_from(engine: Engine, redis_url: str) -> None:
    """Deployment changes committed by sessions on `engine` are published on `redis_url`."""
    _PUBLISHERS[engine] = Publisher(redis_url)


def _publisher(session: Session) -> Publisher | None:
    bind = session.bind
    return _PUBLISHERS.get(bind) if isinstance(bind, Engine) else None


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
    publisher = _publisher(session)
    if keys and publisher is not None:
        publisher.publish(CHANGING, keys)
        session.info.setdefault(_ANNOUNCED, set()).update(keys)


@event.listens_for(Session, "after_commit")
def _announce_changed(session: Session) -> None:  # the root transaction only
    keys = session.info.pop(_TOUCHED, set()) | session.info.pop(_ANNOUNCED, set())
    publisher = _publisher(session)
    if keys and publisher is not None:
        publisher.publish(CHANGED, keys)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """After a rollback (or a close without commit) of the root transaction: what was
    announced as changing did not change; the processes may keep answers again."""
    if transaction.parent is not None:  # a savepoint: the transaction goes on
        return
    session.info.pop(_TOUCHED, None)
    announced = session.info.pop(_ANNOUNCED, set())  # empty after a commit (_announce_changed)
    publisher = _publisher(session)
    if announced and publisher is not None:
        publisher.publish(CHANGED, announced)
