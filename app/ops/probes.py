"""Readiness checks of the database and the broker."""

from __future__ import annotations

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.core.settings import Settings


def database_ok(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
        return False, type(exc).__name__


def broker_ok(settings: Settings) -> tuple[bool, str]:
    try:
        client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
