"""Rows that commit together: one round trip to PostgreSQL, one short SQLite transaction.

A submission writes its Idempotency-Key claim, its run, its steps and its message (the
outbox) together or not at all. On PostgreSQL they are one statement: each INSERT a
data-modifying CTE of one `SELECT`, which PostgreSQL runs to completion whether or not
the `SELECT` reads it, as one implicit transaction (the async engine is in autocommit
mode). One round trip, and a unique violation anywhere (a concurrent request's claim)
writes nothing. SQLite has no data-modifying CTEs, and no round trip to save (it is in
process); there the INSERTs run in one `BEGIN IMMEDIATE` transaction of the sync engine,
in one thread-pool hop, so that the database's one write lock is held for the inserts
only, never across the event loop's turns.

The statements are built from table objects (`insert_of`) by the same code the sync
unit of work runs (app.runs.store.creation): one kernel, two drivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from anyio import to_thread
from sqlalchemy import Insert, Select, insert, literal_column, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Session, SQLModel


def row_of(obj: SQLModel) -> dict[str, Any]:
    """The column values of a table object built in Python (its defaults filled in)."""
    table = obj.__table__  # type: ignore[attr-defined]
    return {column.key: getattr(obj, column.key) for column in table.columns}


def insert_of(*objs: SQLModel) -> Insert:
    """One INSERT of table objects of one class, with no ORM flush."""
    assert objs and len({type(obj) for obj in objs}) == 1
    return insert(type(objs[0]).__table__).values([row_of(obj) for obj in objs])  # type: ignore[attr-defined]


def one_statement(inserts: Sequence[Insert]) -> Select[Any]:
    """The INSERTs as one PostgreSQL statement (`WITH w0 AS (INSERT ...), ... SELECT 1`)."""
    return select(literal_column("1")).add_cte(*(stmt.cte(f"w{i}") for i, stmt in enumerate(inserts)))


async def write(engine: AsyncEngine, sync_engine: Engine, inserts: Sequence[Insert]) -> None:
    """Commits the INSERTs together; an IntegrityError (e.g. a unique key taken) writes none."""
    if engine.dialect.name == "sqlite":
        await to_thread.run_sync(_in_sqlite_transaction, sync_engine, inserts)
        return
    async with engine.connect() as connection:
        await connection.execute(one_statement(inserts))


def _in_sqlite_transaction(engine: Engine, inserts: Sequence[Insert]) -> None:
    # In one thread-pool hop on the sync engine (BEGIN IMMEDIATE, app.db.engine): SQLite's
    # write lock is global, and on aiosqlite each statement would go to its thread and back
    # through the event loop, holding the lock while the loop serves other requests (the
    # embedded stack's submissions under load waited seconds for it).
    with Session(engine) as session, session.begin():
        for stmt in inserts:
            session.execute(stmt)
