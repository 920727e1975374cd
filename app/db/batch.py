"""Rows that commit together, written on the async engine in one round trip.

A submission writes its Idempotency-Key claim, its run, its steps and its message (the
outbox) together or not at all. On PostgreSQL they are one statement: each INSERT a
data-modifying CTE of one `SELECT`, which PostgreSQL runs to completion whether or not
the `SELECT` reads it, as one implicit transaction (the async engine is in autocommit
mode). One round trip, and a unique violation anywhere (a concurrent request's claim)
writes nothing. SQLite has no data-modifying CTEs; there the INSERTs run in one
`BEGIN IMMEDIATE` transaction on one connection, which is in process anyway.

The statements are built from table objects (`insert_of`) by the same code the sync
unit of work runs (app.runs.store.creation): one kernel, two drivers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, Select, insert, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel

log = logging.getLogger("retrainer.db")


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


async def write(engine: AsyncEngine, inserts: Sequence[Insert]) -> None:
    """Commits the INSERTs together; an IntegrityError (e.g. a unique key taken) writes none."""
    async with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            await connection.execute(one_statement(inserts))
            return
        await _in_sqlite_transaction(connection, inserts)


async def _in_sqlite_transaction(connection: AsyncConnection, inserts: Sequence[Insert]) -> None:
    # The connection is in autocommit mode (no BEGIN of the driver's own): the write lock is
    # taken here, up front, as the sync unit of work takes it (app.db.engine).
    await connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        for stmt in inserts:
            await connection.execute(stmt)
        await connection.exec_driver_sql("COMMIT")
    except BaseException:
        # Also on cancellation: a pooled connection left inside a transaction would hold
        # SQLite's write lock for every other process. If even the rollback fails, the
        # connection is closed rather than pooled.
        try:
            await connection.exec_driver_sql("ROLLBACK")
        except BaseException:  # noqa: BLE001 - whatever stopped it, the connection must not be pooled
            log.warning("a failed write could not roll back; its connection is discarded")
            await connection.invalidate()
        raise
