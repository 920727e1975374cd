"""Thin Celery tasks: they take ids, call domain code, and record state."""

from __future__ import annotations

import os
import socket

from app.core.clock import utcnow
from app.core.queue import WORKER_CHECK_TASK
from app.db.engine import session_scope
from app.db.tables import WorkerCheck
from worker.celery_app import celery_app


@celery_app.task(name=WORKER_CHECK_TASK)
def worker_check(check_id: str) -> None:
    with session_scope() as session:
        check = session.get(WorkerCheck, check_id)
        if check is None or check.status == "succeeded":
            return  # redelivered or unknown: nothing to do twice
        check.status = "succeeded"
        check.worker = f"{socket.gethostname()}:{os.getpid()}"
        check.completed_at = utcnow()
        session.add(check)
