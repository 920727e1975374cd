"""The Celery application, configured for long training tasks.

- `acks_late` + `task_reject_on_worker_lost`: a task whose worker dies is
  redelivered, not lost (at-least-once; the run's state machine fences duplicates).
- prefetch 1: a worker holds only the task it is running, so a long fit does not
  sit on queued runs that another worker could take.
- soft/hard time limits below the Redis visibility timeout, or Redis would hand a
  still-running task to a second worker.
- native thread pools (OpenMP, BLAS) sized per child so that children x threads
  <= cores: oversubscription made a burst of small fits 45x slower here.
"""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import after_setup_logger, worker_process_init, worker_ready, worker_shutdown

from app.core.logging import configure_logging
from app.core.queue import celery_transport_options
from app.core.settings import get_settings

log = logging.getLogger("retrainer.worker")


def native_threads_per_child(concurrency: int, cores: int | None = None) -> int:
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, concurrency))


def build_celery() -> Celery:
    settings = get_settings()
    settings.validate_for_start()
    celery = Celery("retrainer", broker=settings.celery_broker_url, include=["worker.tasks"])
    celery.conf.update(
        task_default_queue=settings.queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_transport_options=celery_transport_options(settings),
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,  # state lives in our database, not in a result backend
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        worker_concurrency=settings.worker_concurrency or os.cpu_count() or 1,
        broker_pool_limit=4,
    )
    return celery


celery_app = build_celery()


@after_setup_logger.connect
def _logging(**_kwargs) -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)


@worker_process_init.connect
def _size_native_thread_pools(**_kwargs) -> None:
    from threadpoolctl import threadpool_limits

    concurrency = celery_app.conf.worker_concurrency or 1
    threads = native_threads_per_child(concurrency)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    threadpool_limits(limits=threads)
    # A fresh engine per child: connections must not be shared across fork.
    from app.db.engine import get_engine

    get_engine.cache_clear()
    log.info("worker child ready", extra={"native_threads": threads, "concurrency": concurrency})


_reconciler = None


@worker_ready.connect
def _start_reconciler(**_kwargs) -> None:
    # In the worker's main process, not in the pool children.
    global _reconciler
    from worker.reconciler import Reconciler

    _reconciler = Reconciler(get_settings())
    _reconciler.start()


@worker_shutdown.connect
def _stop_reconciler(**_kwargs) -> None:
    if _reconciler is not None:
        _reconciler.stop()
