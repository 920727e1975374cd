"""The transactional outbox: tasks for the workers recorded with the rows they name.

`UnitOfWork.enqueue` adds an `OutboxMessage` in the unit's own transaction, so a
run and its message commit together or not at all. A message names its queue (an
endpoint may have its own) and its broker. Once the unit commits, it
sends its messages at once (the fast path) and marks them sent. A message that
could not be sent then (the broker is down, the process died between the commit
and the send) stays pending, and an `OutboxRelay` (a thread in every API and
worker process) sends it when the broker answers again. Sending twice is
harmless: a worker claims a run once (see app.runs.store).

One message never holds up the others. While the broker does not answer, a pass stops
(every message would fail alike) and they all wait. A message the broker answers with a
refusal (WRONGTYPE: its queue's key holds something else) is skipped: its refusals are
counted, it is tried again after a growing delay, and after
RETRAINER_OUTBOX_MAX_FAILURES refusals it is given up and its `undeliverable` handler
(the runs' one fails the run, naming the broker's answer) runs in the same transaction.
`backlog` is what /readyz and /metrics report: a relay that is not draining shows there.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.queue import MessageRefused, TaskQueue, broker_id
from app.db.engine import read_session
from app.db.tables import OutboxMessage

log = logging.getLogger("retrainer.outbox")

# The fast path gets this long to send a message before a relay sends it too.
RELAY_AFTER = timedelta(seconds=2)
KEEP_SENT = timedelta(days=1)
BATCH = 100
MAX_RETRY_DELAY = 300.0  # seconds between two tries of a refused message, at most

# What to do when a message is given up, by task name: runs in the transaction that marks
# it given up (e.g. fail the run it names).
Undeliverable = Callable[[Session, OutboxMessage], None]


def new_message(task: str, args: Sequence[Any], *, queue: str, broker: str | None = None,
                task_id: str | None = None, options: dict[str, Any] | None = None) -> OutboxMessage:
    """A message to record: in a unit of work (`UnitOfWork.add_message`), or with the rows
    it names in one write on the async engine (app.db.batch)."""
    return OutboxMessage(task=task, args=list(args), task_id=task_id, queue=queue, broker=broker,
                         options=options or {})


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


class _HandOff:
    """Messages a request committed, for this process's relay thread to send at once.

    In the API (a relay started with `hand_off=True`), a request does not wait for the
    broker: its messages are durable in the outbox when it commits, and the relay thread,
    woken at once, sends them right after. A process that dies first leaves them pending,
    and a relay (its own on restart, or another process's) sends them after RELAY_AFTER."""

    def __init__(self) -> None:
        self.enabled = False
        self.wake = threading.Event()
        self._messages: list[OutboxMessage] = []
        self._lock = threading.Lock()

    def put(self, messages: Iterable[OutboxMessage]) -> None:
        with self._lock:
            self._messages.extend(messages)
        self.wake.set()

    def take(self) -> list[OutboxMessage]:
        self.wake.clear()
        with self._lock:
            taken, self._messages = self._messages, []
        return taken


HANDED = _HandOff()


def send_after_commit(engine: Engine, queue: TaskQueue, messages: list[OutboxMessage]) -> None:
    """What a unit of work does with its messages once committed: hands them to this
    process's relay thread if it takes them, else sends them now."""
    if HANDED.enabled:
        HANDED.put(messages)
    else:
        send(engine, queue, messages)


async def send_after_commit_async(engine: Engine, queue: TaskQueue, messages: list[OutboxMessage]) -> None:
    """`send_after_commit` on the event loop: the relay thread takes them at once; with no
    relay, they are sent from the thread pool (the broker's client blocks)."""
    if HANDED.enabled:
        HANDED.put(messages)
    else:
        await to_thread.run_sync(send, engine, queue, messages)


def _mark_sent(engine: Engine, message_ids: Sequence[str]) -> None:
    if not message_ids:
        return
    with Session(engine) as session:
        session.execute(update(OutboxMessage).where(col(OutboxMessage.id).in_(message_ids),
                                                    col(OutboxMessage.sent_at).is_(None))
                        .values(sent_at=utcnow()))
        session.commit()


def _retry_delay(queue: TaskQueue, failures: int) -> timedelta:
    seconds = queue.settings.outbox_relay_seconds * 2 ** min(max(failures - 1, 0), 20)
    return timedelta(seconds=min(seconds, MAX_RETRY_DELAY))


def _mark_refused(engine: Engine, queue: TaskQueue, message: OutboxMessage, answer: str) -> None:
    failures = message.failures + 1
    with Session(engine) as session:
        session.execute(update(OutboxMessage).where(col(OutboxMessage.id) == message.id)
                        .values(failures=col(OutboxMessage.failures) + 1, last_error=answer[:500],
                                retry_at=utcnow() + _retry_delay(queue, failures)))
        session.commit()


def send(engine: Engine, queue: TaskQueue, messages: Iterable[OutboxMessage]) -> int:
    """Sends the messages in order and marks each sent. A message the broker refuses is
    counted and skipped; at the first the broker does not answer, stops (they stay pending
    for a relay). Returns how many were sent."""
    sent = 0
    for message in messages:
        try:
            queue.send(message.task, *message.args, task_id=message.task_id, queue=message.queue,
                       options=message.options)
        except MessageRefused as exc:
            log.warning("the broker refused %s %s on queue %s (%d time(s) before): %s; the other messages go on",
                        message.task, message.task_id, message.queue, message.failures, exc)
            with contextlib.suppress(Exception):
                _mark_refused(engine, queue, message, str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; all mean "not sent"
            log.warning("could not send %s %s, it stays in the outbox: %s", message.task, message.task_id,
                        type(exc).__name__)
            break
        if SENT.enabled:
            SENT.add(message.id)
        else:
            _mark_sent(engine, [message.id])
        sent += 1
    return sent


def _waiting(broker: str) -> Any:
    return and_(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.given_up_at).is_(None),
                or_(col(OutboxMessage.broker) == broker, col(OutboxMessage.broker).is_(None)))


def pending(engine: Engine, broker: str, limit: int = BATCH) -> list[OutboxMessage]:
    """Messages for `broker` (any queue) that are not sent and that their request had time
    to send (a refused one: once its delay is over). A message of another broker is left to
    the processes that use that one."""
    now = utcnow()
    with read_session(engine) as session:
        return list(session.exec(
            select(OutboxMessage).where(_waiting(broker), col(OutboxMessage.created_at) < now - RELAY_AFTER,
                                        or_(col(OutboxMessage.retry_at).is_(None), col(OutboxMessage.retry_at) <= now))
            .order_by(col(OutboxMessage.created_at)).limit(limit)))


def give_up(engine: Engine, broker: str, max_failures: int, undeliverable: Mapping[str, Undeliverable]) -> int:
    """Gives up the messages refused `max_failures` times: each is marked given up and its
    task's handler runs, in one transaction (only one relay gives a message up)."""
    with read_session(engine) as session:
        hopeless = list(session.exec(select(OutboxMessage).where(
            _waiting(broker), col(OutboxMessage.failures) >= max_failures).limit(BATCH)))
    given = 0
    for message in hopeless:
        with Session(engine) as session:
            claimed = session.execute(update(OutboxMessage).where(
                col(OutboxMessage.id) == message.id, col(OutboxMessage.given_up_at).is_(None),
                col(OutboxMessage.sent_at).is_(None)).values(given_up_at=utcnow()))
            if getattr(claimed, "rowcount", 0) != 1:
                continue
            handler = undeliverable.get(message.task)
            if handler is not None:
                handler(session, message)
            session.commit()
        log.error("gave up %s %s on queue %s after %d refusals by the broker: %s", message.task, message.task_id,
                  message.queue, message.failures, message.last_error)
        given += 1
    return given


@dataclass(frozen=True)
class Backlog:
    """What the outbox holds for a broker: waiting messages, how many the broker refused
    (not yet given up), the oldest's age, and those given up (kept for a day)."""

    waiting: int
    refused: int
    oldest_seconds: float
    given_up: int

    def draining(self, stuck_after: float) -> bool:
        return self.refused == 0 and self.oldest_seconds <= stuck_after

    def describe(self, stuck_after: float) -> str:
        if self.draining(stuck_after):
            return "ok"
        parts = [f"{self.waiting} message(s) not sent, the oldest for {self.oldest_seconds:.0f} s"]
        if self.refused:
            parts.append(f"{self.refused} refused by the broker (their runs fail after "
                         "RETRAINER_OUTBOX_MAX_FAILURES refusals; the log names the queue)")
        return "not draining: " + "; ".join(parts)


def backlog(engine: Engine, broker: str) -> Backlog:
    now = utcnow()
    with read_session(engine) as session:
        waiting, refused, oldest = session.execute(
            select(func.count(), func.count().filter(col(OutboxMessage.failures) > 0),
                   func.min(OutboxMessage.created_at)).where(_waiting(broker))).one()
        given_up = session.execute(select(func.count()).where(
            col(OutboxMessage.given_up_at).is_not(None),
            or_(col(OutboxMessage.broker) == broker, col(OutboxMessage.broker).is_(None)))).scalar_one()
    age = (now - _aware(oldest)).total_seconds() if oldest is not None else 0.0
    return Backlog(int(waiting), int(refused), max(age, 0.0), int(given_up))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def relay_once(engine: Engine, queue: TaskQueue, undeliverable: Mapping[str, Undeliverable] | None = None) -> int:
    broker = broker_id(queue.settings)
    give_up(engine, broker, queue.settings.outbox_max_failures, undeliverable or {})
    return send(engine, queue, pending(engine, broker))


def purge_sent(engine: Engine) -> None:
    with Session(engine) as session:
        old = utcnow() - KEEP_SENT
        session.execute(delete(OutboxMessage).where(or_(col(OutboxMessage.sent_at) < old,
                                                        col(OutboxMessage.given_up_at) < old)))
        session.commit()


class OutboxRelay(threading.Thread):
    """Sends what the outbox holds every `interval` seconds, until stopped; with `hand_off`,
    also what this process's requests commit, as soon as they commit (_HandOff)."""

    def __init__(self, engine: Engine, queue: TaskQueue, interval: float,
                 guard: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
                 undeliverable: Mapping[str, Undeliverable] | None = None, hand_off: bool = False) -> None:
        super().__init__(daemon=True, name="retrainer-outbox-relay")
        self.engine, self.queue, self.interval, self.guard = engine, queue, interval, guard
        self.undeliverable = undeliverable or {}
        self.hand_off = hand_off
        self._stop_event = threading.Event()

    def start(self) -> None:
        SENT.enabled = True  # this process's sends are marked by this thread from now on
        HANDED.enabled = self.hand_off
        super().start()

    def _flush_marks(self) -> None:
        marks = SENT.take()
        try:
            _mark_sent(self.engine, marks)
        except Exception:
            # Unmarked messages are sent again later, which is harmless.
            log.warning("could not mark %d sent message(s)", len(marks), exc_info=True)

    def _send_handed(self) -> None:
        # Only within the window that is the request's alone: a message older than
        # RELAY_AFTER (this thread was held up) is any relay's now, and one of them sends it;
        # sending it here too could send it twice at once (and count a refusal twice).
        since = utcnow() - RELAY_AFTER
        handed = [m for m in HANDED.take() if _aware(m.created_at) > since]
        if handed:
            send(self.engine, self.queue, handed)

    def run(self) -> None:
        ticks = 0
        next_relay = time.monotonic() + self.interval
        next_flush = time.monotonic() + FLUSH_EVERY
        while not self._stop_event.is_set():
            HANDED.wake.wait(min(FLUSH_EVERY, self.interval))
            try:
                with self.guard():
                    self._send_handed()
                    if time.monotonic() >= next_flush:
                        next_flush = time.monotonic() + FLUSH_EVERY
                        self._flush_marks()
                    if time.monotonic() >= next_relay:
                        next_relay = time.monotonic() + self.interval
                        ticks += 1
                        relay_once(self.engine, self.queue, self.undeliverable)
                        if ticks % 600 == 0:
                            purge_sent(self.engine)
            except Exception:
                log.warning("outbox relay pass failed", exc_info=True)
        with self.guard():
            with contextlib.suppress(Exception):
                self._send_handed()
            self._flush_marks()

    def stop(self) -> None:
        HANDED.enabled = False  # from now on a commit sends its messages itself
        self._stop_event.set()
        HANDED.wake.set()
        if self.is_alive():
            self.join(5)
