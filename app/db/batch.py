"""Rows that commit together: one round trip to PostgreSQL, one short SQLite transaction.

A submission writes its Idempotency-Key claim, its run, its steps and its message (the
outbox) together or not at all. On PostgreSQL they are one statement: each INSERT a
data-modifying CTE of one `SELECT`, which PostgreSQL runs to completion whether or not
the `SELECT` reads it, as one implicit transaction (the async engine is in autocommit
mode). One round trip, and a unique violation anywhere (a concurrent request's claim)
writes nothing. SQLite has no data-modifying CTEs, and no round trip to save (it is in
process); there the INSERTs run in one `BEGIN IMMEDIATE` transaction of the sync engine
(`commit`), in a thread, so that the database's one write lock is held for the inserts
only, never across the event loop's turns (on aiosqlite each statement would cross the
loop while holding it).

The rows are built from table objects (`rows_of`) by the same code the sync
unit of work runs (app.runs.store.creation): one kernel, two drivers.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, Select, Table, bindparam, insert, literal_column, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Session, SQLModel


@dataclass(frozen=True)
class Rows:
    """Rows to insert into one table, each with the same columns."""

    table: Table
    values: list[dict[str, Any]]

    def shape(self) -> tuple[str, tuple[str, ...], int]:
        return self.table.name, tuple(self.values[0]), len(self.values)


def row_of(obj: SQLModel) -> dict[str, Any]:
    """The column values of a table object built in Python (its defaults filled in)."""
    table = obj.__table__  # type: ignore[attr-defined]
    return {column.key: getattr(obj, column.key) for column in table.columns}


def rows_of(*objs: SQLModel) -> Rows:
    """Table objects of one class as rows to insert, with no ORM flush."""
    assert objs and len({type(obj) for obj in objs}) == 1
    return Rows(objs[0].__table__, [row_of(obj) for obj in objs])  # type: ignore[attr-defined]


Shape = tuple[tuple[str, tuple[str, ...], int], ...]


# Statements are built once per shape (tables, columns, row counts) with bound parameters:
# a statement object keeps its cache key, so a write neither builds the expression nor
# computes the key again (a submission's shape varies only with its number of steps).
@functools.lru_cache(maxsize=256)
def _inserts(shape: Shape) -> tuple[Insert, ...]:
    tables = SQLModel.metadata.tables
    return tuple(
        insert(tables[name]).values([{c: bindparam(f"b{i}_{r}_{c}", type_=tables[name].c[c].type) for c in columns}
                                     for r in range(count)])
        for i, (name, columns, count) in enumerate(shape))


@functools.lru_cache(maxsize=256)
def _one_statement(shape: Shape) -> Select[Any]:
    """The INSERTs as one PostgreSQL statement (`WITH w0 AS (INSERT ...), ... SELECT 1`)."""
    return select(literal_column("1")).add_cte(*(stmt.cte(f"w{i}") for i, stmt in enumerate(_inserts(shape))))


def _params(batch: Sequence[Rows]) -> dict[str, Any]:
    return {f"b{i}_{r}_{c}": value for i, rows in enumerate(batch) for r, row in enumerate(rows.values)
            for c, value in row.items()}


def insert_in(session: Session, batch: Sequence[Rows]) -> None:
    """The rows inserted in the session's transaction (the sync unit of work's way)."""
    params = _params(batch)
    for stmt in _inserts(tuple(rows.shape() for rows in batch)):
        session.execute(stmt, params)


def commit(engine: Engine, batch: Sequence[Rows]) -> None:
    """The rows inserted and committed in a transaction of their own on the sync engine."""
    with Session(engine) as session, session.begin():
        insert_in(session, batch)


async def write(engine: AsyncEngine, batch: Sequence[Rows]) -> None:
    """The rows in one statement on the async engine (PostgreSQL), which commits them
    together; an IntegrityError (e.g. a unique key taken) writes none."""
    async with engine.connect() as connection:
        await connection.execute(_one_statement(tuple(rows.shape() for rows in batch)), _params(batch))
