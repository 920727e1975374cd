"""One transaction, and the work that must follow its commit.

Every write to the database goes through a UnitOfWork: the request's (opened
and committed by `app.web.deps`), a worker's fenced write, a CLI command's.
Services add rows and register what must follow the commit: `enqueue` records a
task for the workers in the same transaction (the outbox, app.db.outbox) and
sends it once the commit is done; `after_commit` runs anything else then. None of
it runs if the unit rolls back, so a worker never receives a run it cannot read,
and a run is never recorded without its message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.queue import TaskQueue, broker_id
from app.db import outbox
from app.db.tables import OutboxMessage

log = logging.getLogger("retrainer.uow")


@dataclass
class UnitOfWork:
    engine: Engine
    queue: TaskQueue | None = None
    session: Session = field(init=False)
    _after_commit: list[Callable[[], None]] = field(default_factory=list, init=False)
    _messages: list[OutboxMessage] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.session = Session(self.engine, expire_on_commit=False)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Runs `action` once this unit of work has committed (never if it rolls back)."""
        self._after_commit.append(action)

    def enqueue(self, task: str, *args: Any, task_id: str | None = None, queue: str | None = None,
                options: dict[str, Any] | None = None) -> OutboxMessage:
        """Records the task in this unit's transaction; it is sent once the unit commits
        (or later by a relay, if the broker cannot take it then). `queue`: the Celery queue
        (default: this process's RETRAINER_QUEUE)."""
        if self.queue is None:
            raise RuntimeError("this unit of work has no task queue")
        return self.add_message(outbox.new_message(task, args, queue=queue or self.queue.settings.queue,
                                                   broker=broker_id(self.queue.settings), task_id=task_id,
                                                   options=options))

    def add_message(self, message: OutboxMessage) -> OutboxMessage:
        """Records a message built beforehand (`outbox.new_message`), as `enqueue` does."""
        self.session.add(message)
        self._messages.append(message)
        return message

    def commit(self) -> None:
        self.session.commit()
        actions, self._after_commit = self._after_commit, []
        messages, self._messages = self._messages, []
        if messages and self.queue is not None:
            outbox.send_after_commit(self.engine, self.queue, messages)
        for action in actions:
            action()

    def rollback(self) -> None:
        self._after_commit.clear()
        self._messages.clear()
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
