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
import os
import threading

import redis

from app.core.clock import utcnow
from app.core.queue import EXECUTE_RUN_TASK
from app.core.settings import Settings
from app.runs import store
from app.runs.store import Attempt
from app.runtime import Runtime

log = logging.getLogger("retrainer.reconciler")

BATCH = 500

# The worker forks its pool children from this process: a fork waits while a pass of the
# reconciler has a database connection open, so that no child inherits one.
_NO_FORK = threading.Lock()
os.register_at_fork(before=_NO_FORK.acquire, after_in_parent=_NO_FORK.release,
                    after_in_child=_NO_FORK.release)


def _sentinel_key(settings: Settings) -> str:
    return f"retrainer:broker-epoch:{settings.queue}"


def reconcile_once(runtime: Runtime, client: redis.Redis) -> dict[str, int]:
    settings, engine = runtime.settings, runtime.engine
    resent = released = 0
    with runtime.read_session() as session:
        silent = store.silent_running(session, settings.queue, utcnow() - settings.heartbeat_timeout, BATCH)
    for run_id, attempt in silent:
        if Attempt.release_if_silent(engine, run_id, attempt, settings.heartbeat_timeout):
            log.warning("run %s: attempt %s stopped sending heartbeats; sent again", run_id, attempt)
            runtime.queue.send(EXECUTE_RUN_TASK, run_id, task_id=run_id)
            released += 1
    # NX: only the one that finds the key missing (a new or flushed Redis) re-sends.
    if client.set(_sentinel_key(settings), utcnow().isoformat(), nx=True):
        with runtime.read_session() as session:
            queued = store.queued_on(session, settings.queue)
        for run_id in queued:
            runtime.queue.send(EXECUTE_RUN_TASK, run_id, task_id=run_id)
        resent = len(queued)
        if resent:
            log.warning("the broker had no record of this deployment (new or flushed): "
                        "sent %d queued run(s) again", resent)
    return {"resent": resent, "released": released}


class Reconciler(threading.Thread):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__(daemon=True, name="retrainer-reconciler")
        self.runtime = runtime
        self._stop_event = threading.Event()

    def run(self) -> None:
        client = redis.Redis.from_url(self.runtime.settings.redis_url, socket_connect_timeout=3, socket_timeout=10)
        while not self._stop_event.is_set():
            try:
                with _NO_FORK:
                    reconcile_once(self.runtime, client)
            except Exception:
                log.warning("reconciler pass failed", exc_info=True)
            self._stop_event.wait(self.runtime.settings.reconcile_seconds)

    def stop(self) -> None:
        self._stop_event.set()
