"""Retrying a unit of work when the database fails for a passing reason.

A write lock held too long on SQLite ("database is locked"), a serialization
failure or a deadlock on PostgreSQL, a dropped connection: the same work done
again a moment later succeeds. A worker retries its fenced writes this way
instead of failing a run that did nothing wrong; every retried write is a
conditional update, so doing it twice changes nothing.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger("retrainer.db")

T = TypeVar("T")

# Codes PostgreSQL answers when the same work would succeed if tried again.
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "08000", "08003", "08006"})
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


def is_transient(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    text = str(exc.orig).lower() if exc.orig is not None else ""
    if any(marker in text for marker in _SQLITE_BUSY):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "connection" in text


def retrying(work: Callable[[], T], *, budget_seconds: float = 120.0, what: str = "database write") -> T:
    """`work()`, tried again with growing pauses while it fails transiently, for up to
    `budget_seconds`; then (or for any other error) the error is raised."""
    deadline = time.monotonic() + budget_seconds
    pause = 0.05
    while True:
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc) or time.monotonic() + pause > deadline:
                raise
            log.warning("%s failed for a passing reason, trying again in %.2f s: %s",
                        what, pause, type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__)
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 5.0)
