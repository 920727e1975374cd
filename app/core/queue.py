"""Sends work to the workers by task name: the API never imports `worker/`.

Task names are the contract between the API and the workers. Nothing is sent
before the database row it names is committed: callers go through
`UnitOfWork.enqueue` (the transactional outbox in app.db.outbox).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import redis
from celery import Celery

from app.core.settings import Settings

WORKER_CHECK_TASK = "retrainer.worker_check"
EXECUTE_RUN_TASK = "retrainer.execute_run"


def celery_transport_options(settings: Settings) -> dict[str, Any]:
    return {
        "visibility_timeout": settings.broker_visibility_timeout,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }


def broker_id(settings: Settings) -> str:
    """Which broker a message is for, without its URL (which may hold a password): every
    process of a deployment names the broker with the same RETRAINER_BROKER_URL."""
    return hashlib.sha256(settings.celery_broker_url.encode()).hexdigest()[:32]


class BrokerUnavailable(Exception):
    """The broker did not answer a moment ago; it is not asked again before `RETRY_AFTER`."""


class MessageRefused(Exception):
    """The broker answered, and refused this message (e.g. WRONGTYPE: its queue's key holds
    something else): other messages may still be sent."""


# Errors of a broker that answers but takes no write at all now (a replica, out of memory,
# a failed save, loading): the broker is unavailable, not this message refused.
_BROKER_WIDE = ("READONLY", "OOM", "MISCONF", "BUSY", "LOADING", "MASTERDOWN", "NOREPLICAS",
                "CLUSTERDOWN", "TRYAGAIN")


def _refusal(exc: BaseException) -> str | None:
    """The broker's answer if `exc` is a refusal of this one message (a Redis error reply,
    which kombu wraps), else None (no connection, a timeout: the broker is unavailable)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, redis.exceptions.ResponseError):
            # kombu's text: "Command # 1 (LLEN <queue>) of pipeline caused error: <the reply>"
            reply = str(exc).rsplit("caused error: ", 1)[-1].strip() or type(seen).__name__
            if reply.split(" ", 1)[0].upper() in _BROKER_WIDE:
                return None
            return reply[:300]
        seen = seen.__cause__ or seen.__context__
    return None


class TaskQueue:
    """A Celery producer for one deployment's broker and queue, created on first use.

    After a failed send it fails fast for `RETRY_AFTER` seconds: messages wait in the
    outbox instead of each request waiting for the broker's connection timeout."""

    RETRY_AFTER = 5.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._producer: Celery | None = None
        self._down_until = 0.0

    def _celery(self) -> Celery:
        if self._producer is None:
            producer = Celery("retrainer-api", broker=self.settings.celery_broker_url)
            producer.conf.update(
                broker_transport_options=celery_transport_options(self.settings),
                broker_connection_timeout=2,
                broker_connection_retry_on_startup=False,
                task_publish_retry_policy={"max_retries": 1, "interval_start": 0.2,
                                           "interval_step": 0.5, "interval_max": 0.5},
            )
            self._producer = producer
        return self._producer

    def send(self, task_name: str, *args: Any, task_id: str | None = None, queue: str | None = None,
             options: dict[str, Any] | None = None) -> str:
        """Sends a task; MessageRefused if the broker refused this message (the next one may
        go), anything else if the broker is unavailable (then it is not asked for a while)."""
        if time.monotonic() < self._down_until:
            raise BrokerUnavailable("the broker did not answer a moment ago")
        try:
            result = self._celery().send_task(task_name, args=list(args), task_id=task_id,
                                              queue=queue or self.settings.queue, **(options or {}))
        except Exception as exc:
            refusal = _refusal(exc)
            if refusal is not None:
                raise MessageRefused(refusal) from exc
            self._down_until = time.monotonic() + self.RETRY_AFTER
            raise
        return str(result.id)

    def revoke(self, task_id: str) -> None:
        """Terminates the task wherever it runs (the worker child gets SIGTERM) and
        discards it if it is still queued."""
        self._celery().control.revoke(task_id, terminate=True, signal="SIGTERM")

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close()
            self._producer = None
