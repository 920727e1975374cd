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
from typing import Any

from celery import Celery, bootsteps
from celery.signals import after_setup_logger, worker_process_init

from app.core.logging import configure_logging
from app.core.queue import celery_transport_options
from app.core.settings import Settings
from app.runtime import Runtime

log = logging.getLogger("retrainer.worker")


class RetrainerCelery(Celery):
    """A Celery app that carries the runtime (settings, engine, queue) it was built with."""

    runtime: Runtime


def native_threads_per_child(concurrency: int, cores: int | None = None) -> int:
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, concurrency))


def worker_concurrency(settings: Settings) -> int:
    return settings.worker_concurrency or os.cpu_count() or 1


def worker_argv(settings: Settings) -> list[str]:
    """The arguments of `celery worker` for these settings."""
    return ["worker", "--loglevel", settings.log_level.upper(), "--without-gossip", "--without-mingle",
            "--pool", "prefork", "--queues", settings.broker_queue, "--concurrency", str(worker_concurrency(settings))]


class HousekeepingStep(bootsteps.StartStopStep):
    """Runs the reconciler, the outbox relay and the webhook delivery loop in the worker's
    main process (not in the pool children), each holding `no_fork` while it uses the database."""

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.threads: list[Any] = []

    def start(self, parent: Any) -> None:
        from app.db.outbox import OutboxRelay
        from app.runs.service import UNDELIVERABLE
        from app.webhooks.delivery import DeliveryLoop
        from worker.forkguard import no_fork
        from worker.reconciler import Reconciler

        runtime = parent.app.runtime
        self.threads = [Reconciler(runtime),
                        OutboxRelay(runtime.engine, runtime.queue, runtime.settings.outbox_relay_seconds,
                                    guard=lambda: no_fork, undeliverable=UNDELIVERABLE),
                        DeliveryLoop(runtime.engine, runtime.settings, guard=lambda: no_fork)]
        for thread in self.threads:
            thread.start()

    def stop(self, parent: Any) -> None:
        for thread in self.threads:
            thread.stop()


def build_celery(settings: Settings) -> RetrainerCelery:
    from worker import tasks

    settings.validate_for_start()
    celery = RetrainerCelery("retrainer", broker=settings.celery_broker_url)
    # The main process (the reconciler) holds no pooled connection: a child forked while
    # a parent's SQLite connection is open inherits its locks' bookkeeping and waits on
    # them forever ("database is locked"). Each child builds a pooled engine of its own.
    celery.runtime = Runtime.build(settings, pooled=False)
    concurrency = worker_concurrency(settings)
    celery.conf.update(
        task_default_queue=settings.broker_queue,
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
        worker_concurrency=concurrency,
        broker_pool_limit=4,
    )
    tasks.register(celery)
    celery.steps["worker"].add(HousekeepingStep)

    def _logging(**_kwargs: Any) -> None:
        configure_logging(settings.log_level, settings.log_json)

    def _child_ready(**_kwargs: Any) -> None:
        from threadpoolctl import threadpool_limits

        threads = native_threads_per_child(concurrency)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)
        threadpool_limits(limits=threads)
        celery.runtime.after_fork()
        log.info("worker child ready", extra={"native_threads": threads, "concurrency": concurrency})

    after_setup_logger.connect(_logging, weak=False)
    worker_process_init.connect(_child_ready, weak=False)
    return celery
