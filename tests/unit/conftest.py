"""Fixtures of the in-process unit tests: a database of their own, no servers.

In the suite's run on PostgreSQL (RETRAINER_TEST_DATABASE_URL set) the database is a fresh
PostgreSQL one, so that row locks and constraints are PostgreSQL's; otherwise a
SQLite file configured as the service configures it (WAL, BEGIN IMMEDIATE).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.core.settings import Settings
from app.db import tables  # noqa: F401  (registers every table on the metadata)
from app.db.engine import build_engine
from app.runtime import Runtime
from tests.helpers.backends import SECRET_KEY, create_pg_database, drop_pg_database


@pytest.fixture(scope="session")
def unit_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir: Path = tmp_path_factory.mktemp("unit-data")
    pg_base = os.environ.get("RETRAINER_TEST_DATABASE_URL")
    pg_name, database_url = create_pg_database(pg_base) if pg_base else (None, None)
    # An unused broker address: unit tests never send a task.
    yield Settings(data_dir=data_dir, database_url=database_url, broker_url="redis://127.0.0.1:1/0",
                   secret_key=SECRET_KEY)
    if pg_name and pg_base:
        drop_pg_database(pg_base, pg_name)


@pytest.fixture(scope="session")
def engine(unit_settings: Settings) -> Iterator[Engine]:
    built = build_engine(unit_settings)
    SQLModel.metadata.create_all(built)
    yield built
    built.dispose()


@pytest.fixture(scope="session")
def runtime(unit_settings: Settings, engine: Engine) -> Runtime:
    built = Runtime.build(unit_settings)
    built.engine.dispose()
    built.engine = engine
    return built
