"""Engine creation for SQLite (embedded) and PostgreSQL.

SQLite runs in WAL mode with a busy timeout, and every transaction that may write
begins IMMEDIATE: the API and the worker write from separate processes, and a
deferred transaction that upgrades to a write lock mid-way fails with "database
is locked" instead of waiting. Read-only sessions (`read_session`) begin deferred:
in WAL mode they take no lock at all, so reads never wait on writes nor hold
writers up. Emitting BEGIN ourselves (pysqlite's own is disabled) also makes
SAVEPOINT work.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from app.core.settings import Settings, ensure_private_dir
from app.db import announcements, deployment_changes, run_changes  # noqa: F401 - their Session events announce commits

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "retrainer_read_only"


def build_engine(settings: Settings, *, pooled: bool = True) -> Engine:
    """`pooled=False` closes every connection when its session ends: for a process that
    forks children, which must not inherit an open connection (see worker.celery_app).
    What sessions on the engine commit is announced to the API processes: deployment and
    run changes (app.db.announcements)."""
    engine = _build_engine(settings, pooled=pooled)
    announcements.announce_from(engine, settings.redis_url)
    return engine


def _build_engine(settings: Settings, *, pooled: bool) -> Engine:
    url = settings.sqlalchemy_url
    pool: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if settings.is_sqlite:
        ensure_private_dir(settings.data_dir)
        # SQLite gives its -wal and -shm files the mode of the database file.
        database = settings.data_dir / "retrainer.db"
        if settings.database_url is None and not database.exists():
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool)
        _configure_sqlite(engine)
        return engine
    if pooled:
        pool = {"pool_size": 10, "max_overflow": 20}
    return create_engine(url, pool_pre_ping=True, **pool)


def apply_sqlite_pragmas(dbapi_connection: Any) -> None:
    """The settings every SQLite connection of the service has, sync or async: WAL, the
    busy timeout, foreign keys, and NORMAL sync (safe with WAL)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        apply_sqlite_pragmas(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def read_session(engine: Engine) -> Session:
    """A session for reads only (it must not write); closing it ends its transaction."""
    return Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
