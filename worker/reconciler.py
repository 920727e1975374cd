"""The reconciler: what the broker lost, the database still knows.

Runs are recorded in the database before their task is sent, so the database
is the truth and the broker only a delivery channel. Each worker runs this loop
in a thread of its main process (several workers may: every action is
conditional, so they never act twice):

- a sentinel key in Redis disappears when Redis is flushed or replaced; whoever
  sets it again re-sends the task of every queued run (duplicates are harmless:
  a run is claimed once);
- a running run whose heartbeat is stale lost its worker; it is released to
  `queued` with a conditional update, and the one that released it re-sends it.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import redis
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.core.queue import EXECUTE_RUN_TASK, enqueue
from app.core.settings import Settings
from app.db.engine import get_engine
from app.db.tables import Run
from app.runs import states
from worker.run_store import RunStore

log = logging.getLogger("retrainer.reconciler")

BATCH = 500


def _sentinel_key(settings: Settings) -> str:
    return f"retrainer:broker-epoch:{settings.queue}"


def reconcile_once(settings: Settings, client: redis.Redis) -> dict[str, int]:
    stale_after = timedelta(seconds=3 * settings.heartbeat_seconds)
    resent = released = 0
    with Session(get_engine()) as session:
        stale = list(session.exec(select(Run.id, Run.attempt).where(
            Run.queue == settings.queue, Run.status == states.RUNNING,
            Run.heartbeat_at < utcnow() - stale_after).limit(BATCH)))
        session.commit()
    for run_id, attempt in stale:
        if RunStore.release_if_stale(run_id, attempt, stale_after):
            log.warning("run %s: attempt %s stopped sending heartbeats; sent again", run_id, attempt)
            enqueue(EXECUTE_RUN_TASK, run_id, task_id=run_id)
            released += 1
    # NX: only the one that finds the key missing (a new or flushed Redis) re-sends.
    if client.set(_sentinel_key(settings), utcnow().isoformat(), nx=True):
        with Session(get_engine()) as session:
            queued = list(session.exec(select(Run.id).where(Run.queue == settings.queue,
                                                            Run.status == states.QUEUED)))
            session.commit()
        for run_id in queued:
            enqueue(EXECUTE_RUN_TASK, run_id, task_id=run_id)
        resent = len(queued)
        if resent:
            log.warning("the broker had no record of this deployment (new or flushed): "
                        "sent %d queued run(s) again", resent)
    return {"resent": resent, "released": released}


class Reconciler(threading.Thread):
    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True, name="retrainer-reconciler")
        self.settings = settings
        self._stop_event = threading.Event()

    def run(self) -> None:
        client = redis.Redis.from_url(self.settings.redis_url, socket_connect_timeout=3, socket_timeout=10)
        while not self._stop_event.is_set():
            try:
                reconcile_once(self.settings, client)
            except Exception:  # noqa: BLE001 - the next tick tries again
                log.warning("reconciler pass failed", exc_info=True)
            self._stop_event.wait(self.settings.reconcile_seconds)

    def stop(self) -> None:
        self._stop_event.set()
