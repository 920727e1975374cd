"""The reconciler: what the broker lost, the database still knows.

Runs are recorded in the database before their task is sent, so the database
is the truth and the broker only a delivery channel. Each worker runs this loop
in a thread of its main process (several workers may: every action is
conditional, so they never act twice):

- a queued run that no worker claimed within RETRAINER_CLAIM_TIMEOUT_SECONDS of
  its last message is sent again (then after twice as long, and so on): its
  message may be lost (a deleted or trimmed queue). Duplicates are harmless: a
  run is claimed once;
- a sentinel key in Redis disappears when Redis is flushed or replaced; whoever
  sets it again re-sends every queued run at once;
- a running run whose heartbeat is stale lost its worker; it is released to
  `queued` with a conditional update, and the one that released it re-sends it.

Every message goes through the outbox (app.db.outbox), like the API's.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import redis

from app.core.clock import utcnow
from app.core.settings import Settings
from app.db.engine import read_session
from app.runs import service as runs
from app.runs import store
from app.runs.store import Attempt
from app.runtime import Runtime
from worker.forkguard import no_fork

log = logging.getLogger("retrainer.reconciler")

BATCH = 500
MAX_BACKOFF_DOUBLINGS = 6  # resends of a queued run wait 1, 2, 4 ... 64 claim timeouts


def _sentinel_key(settings: Settings) -> str:
    return f"retrainer:broker-epoch:{settings.broker_queue}"


def _send_again(runtime: Runtime, run_id: str) -> bool:
    with runtime.unit_of_work() as uow:
        return runs.send_again(uow, run_id)


def reconcile_once(runtime: Runtime, client: redis.Redis) -> dict[str, int]:
    settings, engine = runtime.settings, runtime.engine
    released = resent = 0
    now = utcnow()
    with read_session(engine) as session:
        silent = store.silent_running(session, settings.broker_queue, now - settings.heartbeat_timeout, BATCH)
    for run_id, attempt in silent:
        if Attempt.release_if_silent(engine, run_id, attempt, settings.heartbeat_timeout):
            log.warning("run %s: attempt %s stopped sending heartbeats; sent again", run_id, attempt)
            _send_again(runtime, run_id)
            released += 1
    # NX: only the one that finds the key missing (a new or flushed Redis) re-sends at once.
    flushed = bool(client.set(_sentinel_key(settings), now.isoformat(), nx=True))
    timeout = settings.claim_timeout_seconds
    with read_session(engine) as session:
        candidates = store.unclaimed(session, settings.broker_queue, now if flushed else now - timeout_delta(timeout), BATCH)
    for run in candidates:
        # Not claimed for a while: its message may be lost (a deleted or trimmed queue, an
        # API killed between its commit and its send). Each resend waits twice as long.
        wait = timeout * 2 ** min(max(run.sends - 1, 0), MAX_BACKOFF_DOUBLINGS)
        if (flushed or run.sent_at is None or (now - run.sent_at).total_seconds() >= wait) \
                and _send_again(runtime, run.id):
            resent += 1
    if resent:
        log.warning("sent %d queued run(s) again%s", resent,
                    " (the broker had no record of this deployment: new or flushed)" if flushed else
                    " that no worker claimed in time")
    return {"resent": resent, "released": released}


def timeout_delta(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


class Reconciler(threading.Thread):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__(daemon=True, name="retrainer-reconciler")
        self.runtime = runtime
        self._stop_event = threading.Event()

    def run(self) -> None:
        client = redis.Redis.from_url(self.runtime.settings.redis_url, socket_connect_timeout=3, socket_timeout=10)
        while not self._stop_event.is_set():
            try:
                with no_fork:
                    reconcile_once(self.runtime, client)
            except Exception:
                log.warning("reconciler pass failed", exc_info=True)
            self._stop_event.wait(self.runtime.settings.reconcile_seconds)

    def stop(self) -> None:
        self._stop_event.set()
