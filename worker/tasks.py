"""Thin Celery tasks: they take ids, call domain code, and record state."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

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


@celery_app.task(name=EXECUTE_RUN_TASK, bind=True, max_retries=None)
def execute_run(self, run_id: str) -> str:
    """Claims the run (queued -> running) and executes it.

    The message is acknowledged only when the task ends (acks_late), so a worker
    that dies mid-run has its message delivered again. That delivery finds the run
    `running` under the dead attempt: once the attempt's heartbeat is stale, the
    run is taken over with a higher attempt (the fencing token), and the dead
    attempt's writes, should it still be alive, are refused. A run that finished,
    or was canceled, is left alone.
    """
    settings = get_settings()
    stale_after = timedelta(seconds=3 * settings.heartbeat_seconds)
    claimed = RunStore.claim(run_id)
    if claimed is None:
        current = RunStore.state_of(run_id)
        if current is None or current.status != states.RUNNING:
            log.info("run %s is not queued; nothing to do", run_id)
            return "skipped"
        if not RunStore.release_if_stale(run_id, current.attempt, stale_after):
            # Its worker may still be alive (a duplicate delivery): look again later.
            raise self.retry(countdown=stale_after.total_seconds())
        log.warning("run %s: attempt %s stopped sending heartbeats; taking it over", run_id, current.attempt)
        claimed = RunStore.claim(run_id)
        if claimed is None:
            return "skipped"
    store, run = claimed
    beat = _Heartbeat(store, settings.heartbeat_seconds)
    beat.start()
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
    finally:
        beat.stop()
    log.info("run %s finished: %s", run_id, outcome)
    return outcome


class _Heartbeat(threading.Thread):
    """Writes the run's heartbeat while this attempt holds it."""

    def __init__(self, store: RunStore, every: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{store.run_id}")
        self.store, self.every = store, every
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            try:
                if not self.store.heartbeat():
                    return  # canceled, finished or taken over
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next tick
                log.warning("run %s: heartbeat failed", self.store.run_id, exc_info=True)

    def stop(self) -> None:
        self._stop_event.set()
