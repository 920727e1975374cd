"""Thin Celery tasks: they take ids, call domain code, and record state."""

from __future__ import annotations

import logging
import os
import socket

from app.core.clock import utcnow
from app.core.queue import EXECUTE_RUN_TASK, WORKER_CHECK_TASK
from app.core.settings import get_settings
from app.datastores.service import known_names
from app.db.engine import session_scope
from app.db.tables import WorkerCheck
from worker import executor
from worker.celery_app import celery_app
from app.runs import states
from worker.run_store import RunInactive, RunStore

log = logging.getLogger("retrainer.worker")


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


@celery_app.task(name=EXECUTE_RUN_TASK)
def execute_run(run_id: str) -> str:
    """Claims the run (queued -> running) and executes it. A redelivered message for a
    run that is already running elsewhere, finished or canceled does nothing."""
    claimed = RunStore.claim(run_id)
    if claimed is None:
        log.info("run %s is not queued; nothing to do", run_id)
        return "skipped"
    store, run = claimed
    settings = get_settings()
    try:
        with session_scope() as session:
            stores = known_names(session, run.workspace_id)
        outcome = executor.execute_run(settings, store, run, stores)
    except RunInactive:
        outcome = "inactive"
    except Exception as exc:
        # A failure outside any step (storage, database): the run must not stay "running".
        log.exception("run %s failed outside its steps", run_id)
        try:
            store.finish(states.FAILED, error={"step": None, "message": f"internal error: {type(exc).__name__}; "
                                               "the worker log has the details"})
        except RunInactive:
            pass
        outcome = states.FAILED
    log.info("run %s finished: %s", run_id, outcome)
    return outcome
