"""Operations: readiness of the database and the broker, and worker checks (an
operator proves that a worker picks up work and writes the database)."""

from __future__ import annotations

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.errors import NotFound
from app.core.queue import WORKER_CHECK_TASK
from app.core.settings import Settings
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
