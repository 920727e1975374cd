"""Operations: readiness of the database and the broker, and worker checks (an
operator proves that a worker picks up work and writes the database)."""

from __future__ import annotations

import redis
from prometheus_client import Gauge
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.errors import NotFound
from app.core.queue import WORKER_CHECK_TASK, broker_id
from app.core.settings import Settings
from app.db import outbox
from app.db.tables import WorkerCheck
from app.db.unit_of_work import UnitOfWork
from app.ops.schemas import WorkerCheckOut
from app.storage import registry


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
    except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
        return False, type(exc).__name__


OUTBOX_WAITING = Gauge("retrainer_outbox_waiting_messages", "Messages for the workers not sent yet")
OUTBOX_REFUSED = Gauge("retrainer_outbox_refused_messages",
                       "Messages the broker refused, tried again until RETRAINER_OUTBOX_MAX_FAILURES")
OUTBOX_OLDEST = Gauge("retrainer_outbox_oldest_waiting_seconds", "Age of the oldest message not sent yet")
OUTBOX_GIVEN_UP = Gauge("retrainer_outbox_given_up_messages",
                        "Messages given up after RETRAINER_OUTBOX_MAX_FAILURES refusals (kept a day)")


def outbox_ok(engine: Engine, settings: Settings) -> tuple[bool, str]:
    """The outbox drains: no message waits over RETRAINER_OUTBOX_STUCK_SECONDS, none is
    being refused by the broker. Says how many wait, not whose (this probe is public)."""
    try:
        backlog = outbox.backlog(engine, broker_id(settings))
    except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
        return False, type(exc).__name__
    return backlog.draining(settings.outbox_stuck_seconds), backlog.describe(settings.outbox_stuck_seconds)


def update_outbox_gauges(engine: Engine, settings: Settings) -> None:
    """The outbox gauges, read from the database (every process sees the same outbox)."""
    try:
        backlog = outbox.backlog(engine, broker_id(settings))
    except Exception:  # noqa: BLE001 - metrics are served without them when the database is away
        return
    OUTBOX_WAITING.set(backlog.waiting)
    OUTBOX_REFUSED.set(backlog.refused)
    OUTBOX_OLDEST.set(backlog.oldest_seconds)
    OUTBOX_GIVEN_UP.set(backlog.given_up)


def storage_ok(settings: Settings) -> tuple[bool, str]:
    """The service's storage answers: its folder can be created, or its bucket exists and
    takes the credentials (a missing bucket is named: buckets are created by the operator)."""
    try:
        detail = registry.service_check(settings)
    except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
        return False, type(exc).__name__
    return detail == "ok", detail


def start_worker_check(uow: UnitOfWork, workspace_id: str) -> WorkerCheck:
    check = WorkerCheck(workspace_id=workspace_id)
    uow.session.add(check)
    uow.enqueue(WORKER_CHECK_TASK, check.id)
    return check


def check_out(check: WorkerCheck) -> WorkerCheckOut:
    return WorkerCheckOut.model_validate(check, from_attributes=True)


def get_worker_check(session: Session, workspace_id: str, check_id: str) -> WorkerCheck:
    check = session.exec(select(WorkerCheck).where(
        WorkerCheck.id == check_id, WorkerCheck.workspace_id == workspace_id)).first()
    if check is None:
        raise NotFound(f"no worker check {check_id!r} in this workspace")
    return check
