"""What a process of Retrainer runs on: its settings, database engine and task queue.

Built once from the settings given to `create_app` or `build_celery` (or the
CLI), and passed down; nothing reads the environment behind its back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.queue import TaskQueue
from app.core.settings import Settings
from app.db import outbox
from app.db.engine import build_engine, read_session
from app.db.unit_of_work import UnitOfWork


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    queue: TaskQueue

    @classmethod
    def build(cls, settings: Settings, *, pooled: bool = True) -> Runtime:
        return cls(settings=settings, engine=build_engine(settings, pooled=pooled), queue=TaskQueue(settings))

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.queue)

    def read_session(self) -> Session:
        """A session for reads only; closing it ends its transaction."""
        return read_session(self.engine)

    def after_fork(self) -> None:
        """In a forked child: an engine of its own, pooled (the parent's held no connection
        when it forked, and none of its connections may be used here)."""
        self.engine.dispose(close=False)
        self.engine = build_engine(self.settings)
        # No relay thread came with the fork: this process marks what it sends itself.
        outbox.SENT.enabled = False
        outbox.SENT.take()

    def close(self) -> None:
        self.queue.close()
        self.engine.dispose()
