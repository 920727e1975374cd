"""The transactional outbox: tasks for the workers recorded with the rows they name.

`UnitOfWork.enqueue` adds an `OutboxMessage` in the unit's own transaction, so a
run and its message commit together or not at all. A message names its queue (an
endpoint may have its own) and its broker. Once the unit commits, it
sends its messages at once (the fast path) and marks them sent. A message that
could not be sent then (the broker is down, the process died between the commit
and the send) stays pending, and an `OutboxRelay` (a thread in every API and
worker process) sends it when the broker answers again. Sending twice is
harmless: a worker claims a run once (see app.runs.store).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.queue import TaskQueue, broker_id
from app.db.engine import read_session
from app.db.tables import OutboxMessage

log = logging.getLogger("retrainer.outbox")

# The fast path gets this long to send a message before a relay sends it too.
RELAY_AFTER = timedelta(seconds=2)
KEEP_SENT = timedelta(days=1)
BATCH = 100


def record(session: Session, task: str, args: Sequence[Any], *, queue: str, broker: str | None = None,
           task_id: str | None = None, options: dict[str, Any] | None = None) -> OutboxMessage:
    message = OutboxMessage(task=task, args=list(args), task_id=task_id, queue=queue, broker=broker,
                            options=options or {})
    session.add(message)
    return message


class _SentMarks:
    """Ids of messages sent by this process and not yet marked sent in the database.

    In a process that runs a relay, a request does not pay for a second write transaction
    to mark its message: the relay marks every sent message in one transaction a moment
    later (`FLUSH_EVERY`), long before another relay would consider it pending
    (`RELAY_AFTER`). Lost marks (the process died) only mean a duplicate send, which is
    harmless. Elsewhere (no relay running) a message is marked as soon as it is sent."""

    def __init__(self) -> None:
        self.enabled = False
        self._ids: list[str] = []
        self._lock = threading.Lock()

    def add(self, message_id: str) -> None:
        with self._lock:
            self._ids.append(message_id)

    def take(self) -> list[str]:
        with self._lock:
            taken, self._ids = self._ids, []
        return taken


SENT = _SentMarks()
FLUSH_EVERY = 0.2


def _mark_sent(engine: Engine, message_ids: Sequence[str]) -> None:
    if not message_ids:
        return
    with Session(engine) as session:
        session.execute(update(OutboxMessage).where(col(OutboxMessage.id).in_(message_ids),
                                                    col(OutboxMessage.sent_at).is_(None))
                        .values(sent_at=utcnow()))
        session.commit()


def _mark_failed(engine: Engine, message_id: str) -> None:
    with Session(engine) as session:
        session.execute(update(OutboxMessage).where(col(OutboxMessage.id) == message_id)
                        .values(failures=col(OutboxMessage.failures) + 1))
        session.commit()


def send(engine: Engine, queue: TaskQueue, messages: Iterable[OutboxMessage]) -> int:
    """Sends the messages in order and marks each sent; stops at the first the broker
    refuses (it stays pending for a relay). Returns how many were sent."""
    sent = 0
    for message in messages:
        try:
            queue.send(message.task, *message.args, task_id=message.task_id, queue=message.queue,
                       options=message.options)
        except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; all mean "not sent"
            log.warning("could not send %s %s, it stays in the outbox: %s", message.task, message.task_id,
                        type(exc).__name__)
            with contextlib.suppress(Exception):
                _mark_failed(engine, message.id)
            break
        if SENT.enabled:
            SENT.add(message.id)
        else:
            _mark_sent(engine, [message.id])
        sent += 1
    return sent


def pending(engine: Engine, broker: str, limit: int = BATCH) -> list[OutboxMessage]:
    """Messages for `broker` (any queue) that are not sent and that their request had time
    to send. A message of another broker is left to the processes that use that one."""
    with read_session(engine) as session:
        return list(session.exec(
            select(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None),
                                        or_(col(OutboxMessage.broker) == broker, col(OutboxMessage.broker).is_(None)),
                                        col(OutboxMessage.created_at) < utcnow() - RELAY_AFTER)
            .order_by(col(OutboxMessage.created_at)).limit(limit)))


def relay_once(engine: Engine, queue: TaskQueue) -> int:
    return send(engine, queue, pending(engine, broker_id(queue.settings)))


def purge_sent(engine: Engine) -> None:
    with Session(engine) as session:
        session.execute(delete(OutboxMessage).where(col(OutboxMessage.sent_at) < utcnow() - KEEP_SENT))
        session.commit()


class OutboxRelay(threading.Thread):
    """Sends what the outbox holds every `interval` seconds, until stopped."""

    def __init__(self, engine: Engine, queue: TaskQueue, interval: float,
                 guard: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext) -> None:
        super().__init__(daemon=True, name="retrainer-outbox-relay")
        self.engine, self.queue, self.interval, self.guard = engine, queue, interval, guard
        self._stop_event = threading.Event()

    def start(self) -> None:
        SENT.enabled = True  # this process's sends are marked by this thread from now on
        super().start()

    def _flush_marks(self) -> None:
        marks = SENT.take()
        try:
            _mark_sent(self.engine, marks)
        except Exception:
            # Unmarked messages are sent again later, which is harmless.
            log.warning("could not mark %d sent message(s)", len(marks), exc_info=True)

    def run(self) -> None:
        ticks = 0
        next_relay = time.monotonic() + self.interval
        while not self._stop_event.wait(min(FLUSH_EVERY, self.interval)):
            try:
                with self.guard():
                    self._flush_marks()
                    if time.monotonic() >= next_relay:
                        next_relay = time.monotonic() + self.interval
                        ticks += 1
                        relay_once(self.engine, self.queue)
                        if ticks % 600 == 0:
                            purge_sent(self.engine)
            except Exception:
                log.warning("outbox relay pass failed", exc_info=True)
        with self.guard():
            self._flush_marks()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(5)
