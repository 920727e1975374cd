"""The API's async engine: its hot paths (the token check, reading a run, listing runs,
submitting one, predictions) go through it on the event loop, with no hop to the
thread pool.

The same database as `app.db.engine`, through psycopg 3's async mode or aiosqlite, and
configured as the sync engine is: SQLite in WAL mode with the same busy timeout and
pragmas. Autocommit mode: a read is one statement, its own snapshot (on SQLite it takes
no lock in WAL mode). Its one write is a submission's rows (app.db.batch): one statement
on PostgreSQL, an explicit BEGIN IMMEDIATE transaction on SQLite. Every other write stays
on the sync engine's unit of work. The worker never imports this module (an
import-linter contract): it stays sync.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app.core.settings import Settings
from app.db.engine import SQLITE_BUSY_TIMEOUT_MS, apply_sqlite_pragmas


def build_async_engine(settings: Settings) -> AsyncEngine:
    """Autocommit: each read is one statement, its own snapshot, with no BEGIN, ROLLBACK or
    reset when a connection goes back to the pool (round trips that cost more than the
    read). No pre-ping either: a connection the server dropped fails one read, and the pool
    then replaces all of its connections (SQLAlchemy invalidates the pool on a disconnect)."""
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None}
    if settings.is_sqlite:
        engine = create_async_engine(settings.async_sqlalchemy_url,
                                     connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(settings.async_sqlalchemy_url, pool_size=10, max_overflow=20, **options)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        apply_sqlite_pragmas(dbapi_connection)


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for one short read (autocommit: every statement its own snapshot)."""
    async with engine.connect() as connection:
        yield connection
