"""Database errors that pass are retried; the others are not."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from app.db.retry import is_transient, retrying


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


def test_a_locked_database_is_retried_until_it_answers() -> None:
    calls = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return "done"

    assert retrying(work, budget_seconds=10) == "done"
    assert len(calls) == 3


def test_other_errors_are_not_retried() -> None:
    calls = []

    def work() -> None:
        calls.append(1)
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        retrying(work, budget_seconds=10)
    assert len(calls) == 1
    assert not is_transient(ValueError("no"))


def test_the_budget_ends_the_retries() -> None:
    calls = []

    def work() -> None:
        calls.append(1)
        raise _locked()

    with pytest.raises(OperationalError):
        retrying(work, budget_seconds=0.3)
    assert 1 < len(calls) < 20
