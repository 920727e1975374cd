"""Thin Celery tasks: they take ids, call domain code, and record state."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from billiard.exceptions import SoftTimeLimitExceeded

from app.core.clock import utcnow
from app.core.queue import EXECUTE_RUN_TASK, WORKER_CHECK_TASK
from app.core.settings import Settings
from app.datastores.service import stores_of
from app.db.tables import ModelVersion, Run, WorkerCheck
from app.db.unit_of_work import UnitOfWork
from app.models_registry import service as models
from app.runs.states import RunStatus
from app.runs.store import Attempt, OverLimit, RunInactive
from app.runtime import Runtime
from worker.cores import CoreShare
from worker.executor import Explain, Outcome, RunExecution, Trained
from worker.hooks import HookContext, run_hooks
from worker.limits import memory_limit, run_allowance_mb
from worker.requests import RunRequest

if TYPE_CHECKING:
    from worker.celery_app import RetrainerCelery

log = logging.getLogger("retrainer.worker")

# This child's share of the host's cores (see worker.cores), counted while it holds a run.
CORES = CoreShare()


def register(celery: RetrainerCelery) -> None:
    """The tasks of this app, bound to its runtime. Not shared (shared=False): a second app
    built in the same process (tests build several) would otherwise take the first app's
    tasks, and with them the first app's runtime."""
    runtime = celery.runtime

    @celery.task(name=WORKER_CHECK_TASK, shared=False)
    def worker_check(check_id: str) -> None:
        mark_worker_check(runtime, check_id)

    # The wire name stays EXECUTE_RUN_TASK ("retrainer.execute_run"): runs queued before an
    # upgrade, and outbox rows not yet sent, hold it.
    @celery.task(name=EXECUTE_RUN_TASK, bind=True, max_retries=None, Request=RunRequest, shared=False)
    def run_task(task: Any, run_id: str) -> str:
        outcome = claim_and_execute(runtime, run_id)
        if outcome == "busy":
            # Its worker may still be alive (a duplicate delivery): look again later.
            raise task.retry(countdown=runtime.settings.heartbeat_timeout.total_seconds())
        if outcome == "limited":
            # Over its endpoint's max_concurrent_runs: the run stays queued and its message
            # comes back (to any worker of the queue) shortly; never dropped.
            raise task.retry(countdown=runtime.settings.concurrency_retry_seconds)
        return outcome


def mark_worker_check(runtime: Runtime, check_id: str) -> None:
    with UnitOfWork(runtime.engine) as uow:
        check = uow.session.get(WorkerCheck, check_id)
        if check is None or check.status == "succeeded":
            return  # redelivered or unknown: nothing to do twice
        check.status = "succeeded"
        check.worker = f"{socket.gethostname()}:{os.getpid()}"
        check.completed_at = utcnow()
        uow.session.add(check)


def claim_and_execute(runtime: Runtime, run_id: str) -> str:
    """Claims the run (queued -> running) and executes it; returns the outcome.

    The message is acknowledged only when the task ends (acks_late), so a worker
    that dies mid-run has its message delivered again. That delivery finds the run
    `running` under the dead attempt: once the attempt's heartbeat is older than the
    heartbeat timeout, the run is taken over with a higher attempt (the fencing
    token), and the dead attempt's writes, should it still be alive, are refused.
    A run that finished, or was canceled, is left alone. "busy" means the holding
    attempt may still be alive: the caller asks again later.
    """
    started = time.monotonic()  # the task's time limits count from about here
    claimed = _claim(runtime, run_id)
    if isinstance(claimed, str):
        return claimed
    attempt, run = claimed
    beat = _Heartbeat(attempt, runtime.settings.heartbeat_seconds)
    beat.start()
    try:
        outcome = _execute(runtime, attempt, run, started)
    except RunInactive:
        outcome = "inactive"
    except Exception as exc:
        # A failure outside any step (storage, database): the run must not stay "running".
        log.exception("run %s failed outside its steps", run_id)
        try:
            attempt.finish(RunStatus.FAILED, error={
                "step": None, "message": f"internal error: {type(exc).__name__}; the worker log has the details"})
        except RunInactive:
            pass
        outcome = "failed"
    finally:
        beat.stop()
    log.info("run %s finished: %s", run_id, outcome)
    return outcome


def _claim(runtime: Runtime, run_id: str) -> tuple[Attempt, Run] | str:
    """The run, claimed (or taken over from a silent attempt); else why not: "limited",
    "skipped" or "busy"."""
    engine, settings = runtime.engine, runtime.settings
    try:
        claimed = Attempt.claim(engine, run_id, settings.max_attempts)
    except OverLimit as exc:
        log.info("run %s waits: %s", run_id, exc)
        return "limited"
    if claimed is not None:
        return claimed
    current = Attempt.current(engine, run_id)
    if current is None or current.status != RunStatus.RUNNING:
        log.info("run %s is not queued; nothing to do", run_id)
        return "skipped"
    if not Attempt.release_if_silent(engine, run_id, current.attempt, settings.heartbeat_timeout):
        return "busy"
    log.warning("run %s: attempt %s stopped sending heartbeats; taking it over", run_id, current.attempt)
    try:
        claimed = Attempt.claim(engine, run_id, settings.max_attempts)
    except OverLimit:
        return "limited"
    return "skipped" if claimed is None else claimed


def _execute(runtime: Runtime, attempt: Attempt, run: Run, started: float) -> Outcome:
    """Runs the steps, then the post-run hooks (the deployment gate) on what they trained,
    then registers it: the hooks' writes commit with the run's success."""
    settings = runtime.settings
    with runtime.read_session() as session:
        stores = stores_of(session, settings, run.workspace_id)
    with memory_limit(_allowance_mb(settings)), CORES.holding() as share:
        execution = RunExecution(settings, attempt, run, stores, registry=_Registry(runtime),
                                 explain=_explanations(settings, run, started), threads=share.for_step)
        trained = execution.train()
        if not isinstance(trained, Trained):
            return trained
        writes = run_hooks(HookContext(settings, stores, runtime.read_session), trained)
        return execution.succeed(trained, writes)


def _explanations(settings: Settings, run: Run, started: float) -> Explain:
    """What a step's error says when the run, not the step's data, hit a limit. The soft
    time limit is a signal: it may surface inside native code as another error (a Cython
    buffer's ValueError), so any error once the limit has passed is the time limit's."""
    limit = run.time_limit_seconds or settings.task_soft_time_limit
    deadline = started + limit
    over_time = (f"the run exceeded its time limit of {limit} s; raise the endpoint's "
                 "time_limit_seconds (PATCH /endpoints/{id}) if it needs longer")
    out_of_memory = (f"out of memory: the run needed more than its limit of {_allowance_mb(settings)} MiB "
                     "(RETRAINER_RUN_MEMORY_LIMIT_MB" + ("" if settings.run_memory_limit_mb else
                                                        ", unset: its worker child's share of the host") + ")")

    def explain(exc: BaseException) -> str | None:
        if isinstance(exc, SoftTimeLimitExceeded) or time.monotonic() >= deadline:
            return over_time
        return out_of_memory if isinstance(exc, MemoryError) else None

    return explain


def _allowance_mb(settings: Settings) -> int:
    from worker.celery_app import worker_concurrency

    return run_allowance_mb(settings.run_memory_limit_mb, worker_concurrency(settings))


class _Registry:
    """Registered model versions, for steps that name one (model://NAME/VERSION|latest)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def find(self, workspace_id: str, name: str, version: int | None) -> ModelVersion | None:
        with self.runtime.read_session() as session:
            number = version if version is not None else models.latest_number(session, workspace_id, name)
            found = models.version(session, workspace_id, name, number)
            if found is not None:
                session.expunge(found)
            return found


class _Heartbeat(threading.Thread):
    """Writes the run's heartbeat while this attempt holds it."""

    def __init__(self, attempt: Attempt, every: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{attempt.run_id}")
        self.attempt, self.every = attempt, every
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            try:
                if not self.attempt.heartbeat():
                    return  # canceled, finished or taken over
            except Exception:
                log.warning("run %s: heartbeat failed", self.attempt.run_id, exc_info=True)

    def stop(self) -> None:
        self._stop_event.set()
