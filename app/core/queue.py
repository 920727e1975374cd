"""Enqueue work for the workers by task name: the API never imports `worker/`.

Callers commit the database row first, then enqueue; if the broker is down the
row stays (queued) and the caller reports 503 instead of losing the request.
"""

from __future__ import annotations

from functools import lru_cache

from celery import Celery

from app.core.settings import Settings, get_settings

# Task names are the contract between the API and the workers.
WORKER_CHECK_TASK = "retrainer.worker_check"
EXECUTE_RUN_TASK = "retrainer.execute_run"


def celery_transport_options(settings: Settings) -> dict:
    return {
        "visibility_timeout": settings.broker_visibility_timeout,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }


@lru_cache
def producer() -> Celery:
    settings = get_settings()
    client = Celery("retrainer-api", broker=settings.celery_broker_url)
    client.conf.update(
        broker_transport_options=celery_transport_options(settings),
        broker_connection_timeout=3,
        broker_connection_retry_on_startup=False,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2,
                                   "interval_step": 0.5, "interval_max": 1},
    )
    return client


def enqueue(task_name: str, *args, task_id: str | None = None) -> str:
    return producer().send_task(task_name, args=list(args), task_id=task_id,
                                queue=get_settings().queue).id


def revoke(task_id: str) -> None:
    """Terminates the task wherever it runs (the worker child gets SIGTERM) and
    discards it if it is still queued."""
    producer().control.revoke(task_id, terminate=True, signal="SIGTERM")
