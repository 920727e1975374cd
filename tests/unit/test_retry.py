"""Transient database errors are retried; the others are not.

The errors are those the drivers raise (sqlite3, psycopg) as SQLAlchemy wraps them; a
serialization failure and a dropped connection are also caused for real, on a PostgreSQL
database of their own whichever database the suite runs on."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import errors as pg
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from app.core.settings import Settings
from app.db.engine import build_engine
from app.db.retry import is_transient, retrying
from tests.helpers.backends import create_pg_database, drop_pg_database


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


def _fails_then_answers(error: Callable[[], DBAPIError], failures: int = 2) -> tuple[Callable[[], str], list[int]]:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise error()
        return "done"

    return work, calls


@pytest.mark.parametrize("error", [
    # PostgreSQL: serialization failure (40001), as psycopg raises it and SQLAlchemy wraps it
    lambda: OperationalError("COMMIT", {}, pg.SerializationFailure(
        "could not serialize access due to read/write dependencies among transactions")),
    # the same, wrapped as the generic DBAPIError
    lambda: DBAPIError("UPDATE runs", {}, pg.SerializationFailure("could not serialize access")),
    # deadlock (40P01), lock not available (55P03), the server shutting the session (57P01)
    lambda: OperationalError("UPDATE runs", {}, pg.DeadlockDetected("deadlock detected")),
    lambda: OperationalError("SELECT ... FOR UPDATE NOWAIT", {}, pg.LockNotAvailable("could not obtain lock")),
    lambda: OperationalError("UPDATE runs", {}, pg.AdminShutdown("terminating connection")),
    # a dropped connection: SQLAlchemy marks the connection invalidated, whatever the text
    lambda: DBAPIError("UPDATE runs", {}, psycopg.OperationalError("consuming input failed: EOF"),
                       connection_invalidated=True),
    # psycopg's own text for a connection the server closed (no SQLSTATE)
    lambda: OperationalError("UPDATE runs", {}, psycopg.OperationalError(
        "server closed the connection unexpectedly")),
], ids=["serialization-operational", "serialization-dbapi", "deadlock", "lock-not-available",
        "admin-shutdown", "connection-invalidated", "connection-closed"])
def test_postgresql_errors_that_pass_are_retried(error: Callable[[], DBAPIError]) -> None:
    assert is_transient(error())
    work, calls = _fails_then_answers(error)
    assert retrying(work, budget_seconds=10) == "done"
    assert len(calls) == 3


@pytest.mark.parametrize("error", [
    lambda: IntegrityError("INSERT", {}, pg.UniqueViolation("duplicate key value violates unique constraint")),
    lambda: ProgrammingError("SELECT", {}, pg.UndefinedTable('relation "runs" does not exist')),
    lambda: DBAPIError("INSERT", {}, pg.CheckViolation("new row violates check constraint")),
    # an OperationalError that is not about the connection and has no passing SQLSTATE
    lambda: OperationalError("SELECT", {}, pg.DiskFull("could not extend file")),
], ids=["unique-violation", "undefined-table", "check-violation", "disk-full"])
def test_postgresql_errors_that_do_not_pass_are_raised_at_once(error: Callable[[], DBAPIError]) -> None:
    assert not is_transient(error())
    work, calls = _fails_then_answers(error)
    with pytest.raises(DBAPIError):
        retrying(work, budget_seconds=10)
    assert len(calls) == 1


@pytest.fixture(scope="module")
def pg_engine(unit_settings: Settings) -> Iterator[Engine]:
    """These failures are PostgreSQL's: whichever database the suite runs on, they are caused on a database of
    their own on the machine's PostgreSQL server (as the multi-host test needs it too)."""
    server = os.environ.get("RETRAINER_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    try:
        name, url = create_pg_database(server)
    except Exception as exc:  # noqa: BLE001 - say what is missing rather than skip
        pytest.fail(f"these tests need a PostgreSQL server at {server}: {exc}")
    built = build_engine(unit_settings.model_copy(update={"database_url": url}))
    try:
        yield built
    finally:
        built.dispose()
        drop_pg_database(server, name)


def test_a_real_serialization_failure_is_retried(pg_engine: Engine) -> None:
    """Write skew between two SERIALIZABLE transactions: PostgreSQL aborts the second with
    40001; the same work, done again, commits."""
    engine = pg_engine
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE IF NOT EXISTS retry_probe (k text, n int)"))
        setup.execute(text("DELETE FROM retry_probe"))
    serializable = engine.execution_options(isolation_level="SERIALIZABLE")
    calls: list[int] = []
    failures: list[DBAPIError] = []

    def work() -> int:
        calls.append(1)
        try:
            with serializable.begin() as mine:
                seen = mine.execute(text("SELECT count(*) FROM retry_probe")).scalar_one()
                if len(calls) == 1:  # another transaction reads the same rows and writes first
                    with serializable.begin() as other:
                        other.execute(text("SELECT count(*) FROM retry_probe")).scalar_one()
                        other.execute(text("INSERT INTO retry_probe VALUES ('other', 1)"))
                mine.execute(text("INSERT INTO retry_probe VALUES ('mine', :n)"), {"n": seen + 1})
            return int(seen)
        except DBAPIError as exc:
            failures.append(exc)
            raise

    try:
        assert retrying(work, budget_seconds=10) == 1  # the retry saw the other's row
        assert len(calls) == 2
        assert [getattr(f.orig, "sqlstate", None) for f in failures] == ["40001"]
    finally:
        with engine.begin() as cleanup:
            cleanup.execute(text("DROP TABLE retry_probe"))


def test_a_real_dropped_connection_is_retried(pg_engine: Engine) -> None:
    """The server ends the session in the middle of the work (pg_terminate_backend, as a
    restart or a failover does): the work is done again on a new connection."""
    engine = pg_engine
    calls: list[int] = []
    failures: list[DBAPIError] = []

    def work() -> int:
        calls.append(1)
        try:
            with engine.begin() as connection:
                pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
                if len(calls) == 1:
                    with engine.begin() as admin:
                        assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
                return int(connection.execute(text("SELECT 1")).scalar_one())
        except DBAPIError as exc:
            failures.append(exc)
            raise

    assert retrying(work, budget_seconds=10) == 1
    assert len(calls) == 2
    assert len(failures) == 1 and is_transient(failures[0])
