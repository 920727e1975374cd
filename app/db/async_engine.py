"""The API's async engine: its hot paths (the token check, reading a run, listing runs,
predictions) read through it on the event loop, with no hop to the thread pool.

The same database as `app.db.engine`, through psycopg 3's async mode or aiosqlite, and
configured as the sync engine is: SQLite in WAL mode with the same busy timeout and
pragmas. Every transaction here only reads, so on SQLite it begins deferred and takes no
lock (writes stay on the sync engine's unit of work, which begins IMMEDIATE). The worker
never imports this module (an import-linter contract): it stays sync.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app.core.settings import Settings
from app.db.engine import SQLITE_BUSY_TIMEOUT_MS


def build_async_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        engine = create_async_engine(settings.async_sqlalchemy_url,
                                     connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(settings.async_sqlalchemy_url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is ours (below), as on the sync engine
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")  # deferred: a read takes no lock in WAL mode


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for one short read; its transaction ends (rolled back) when the block does."""
    async with engine.connect() as connection:
        yield connection
