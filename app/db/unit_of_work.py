"""One transaction, and the work that must follow its commit.

Every write to the database goes through a UnitOfWork: the request's (opened
and committed by `app.web.deps`), a worker's fenced write, a CLI command's.
Services add rows and register what must follow the commit (`enqueue` a task
for the workers, `after_commit` anything else); that work runs only after the
rows it names are committed, never before, so a worker never receives a run it
cannot read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.errors import RetrainerError
from app.core.queue import TaskQueue

log = logging.getLogger("retrainer.uow")


@dataclass
class UnitOfWork:
    engine: Engine
    queue: TaskQueue | None = None
    session: Session = field(init=False)
    _after_commit: list[Callable[[], None]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.session = Session(self.engine, expire_on_commit=False)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Runs `action` once this unit of work has committed (never if it rolls back)."""
        self._after_commit.append(action)

    def enqueue(self, task: str, *args: Any, task_id: str | None = None,
                if_unsent: Callable[[Exception], RetrainerError]) -> None:
        """Sends the task to the workers once this unit of work has committed. When the
        broker cannot take it, `if_unsent` records that and returns the error to raise."""
        queue = self.queue
        if queue is None:
            raise RuntimeError("this unit of work has no task queue")

        def send() -> None:
            try:
                queue.send(task, *args, task_id=task_id)
            except Exception as exc:
                log.warning("could not send %s %s: %s", task, task_id, type(exc).__name__)
                raise if_unsent(exc) from exc

        self.after_commit(send)

    def commit(self) -> None:
        self.session.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()

    def rollback(self) -> None:
        self._after_commit.clear()
        self.session.rollback()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.close()
