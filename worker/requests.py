"""What the worker's main process learns when a run's child process ends badly.

Celery reports it to the task's request in the main process: a child that died
(killed by a signal, for example by the out-of-memory killer) has its message
requeued, and the cause is recorded on the run, so that when its attempts run
out the run's error says why. A child killed by the hard time limit has its
message acknowledged: the run is failed here, never left running to be re-sent.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from billiard.einfo import ExceptionWithTraceback
from billiard.exceptions import TimeLimitExceeded, WorkerLostError
from celery.worker.request import Request

from app.db.retry import retrying
from app.db.unit_of_work import UnitOfWork
from app.runs import store
from worker.forkguard import no_fork

log = logging.getLogger("retrainer.worker")


def loss_cause(exc: BaseException) -> str:
    text = str(exc)
    signal = re.search(r"signal (\d+) \((\w+)\)", text)
    if signal:
        number, name = signal.groups()
        hint = ", for example by the out-of-memory killer" if name == "SIGKILL" else ""
        return f"killed by signal {number} ({name}){hint}"
    code = re.search(r"exitcode (\d+)", text)
    return f"its process exited with code {code.group(1)}" if code else text[:200]


class RunRequest(Request):
    def on_failure(self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False) -> Any:
        exc = exc_info.exception
        if isinstance(exc, ExceptionWithTraceback):
            exc = exc.exc
        run_id = self.id
        try:
            if isinstance(exc, WorkerLostError):
                self._record(run_id, lambda uow: store.record_loss(uow.session, run_id, loss_cause(exc)))
            elif isinstance(exc, TimeLimitExceeded):
                limit = exc.args[0] if exc.args else "its"
                self._record(run_id, lambda uow: store.fail_running(
                    uow.session, run_id, f"the run exceeded its hard time limit ({limit} s) and its "
                    "worker process was stopped; raise the endpoint's time_limit_seconds if it needs longer"))
        except Exception:
            log.warning("could not record the end of run %s's worker", run_id, exc_info=True)
        return super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)

    def _record(self, run_id: str, write: Any) -> None:
        runtime = self.task.app.runtime

        def once() -> None:
            with no_fork, UnitOfWork(runtime.engine) as uow:
                write(uow)

        retrying(once, budget_seconds=30, what=f"record of run {run_id}'s lost worker")
