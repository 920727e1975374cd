"""Rows numbered 1, 2, 3, ... per parent (endpoint versions, model versions).

The next number is the current maximum plus one; a unique constraint on
(parent, number) refuses a concurrent writer that read the same maximum, and
the loser counts again inside a savepoint, so its surrounding transaction
(for example a run's success) is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from app.core.errors import Conflict

Row = TypeVar("Row", bound=SQLModel)

ATTEMPTS = 5


def insert_next_number(session: Session, latest: Callable[[], int], build: Callable[[int], Row]) -> Row:
    """Inserts `build(latest() + 1)`, counting again when another writer took that number."""
    for _ in range(ATTEMPTS):
        row = build(latest() + 1)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        return row
    raise Conflict("another request took the next number each time; retry")
