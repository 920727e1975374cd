"""What an API process keeps of deployments' serving columns (app.deployments.seen) and
what a commit announces (app.db.deployment_changes): an answer read before an
announcement is not kept, the size is bounded, an old answer is read again, nothing is
served while the subscription is not live, and every committed change of a deployment is
announced as changing before its commit and changed after it."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import update
from sqlmodel import Session, SQLModel, create_engine, select

from app.db import announcements
from app.db import deployment_changes as changes
from app.db.announcements import Listener
from app.db.tables import Deployment
from app.deployments.seen import SeenDeployments
from tests.helpers.aio import run_async

KEY = ("ws-1", "income")
COLUMNS = ("dep-1", "income", 1, True, None)  # stands for a row: the cache does not look inside


def _live(refresh: float = 60.0, max_entries: int = 100) -> SeenDeployments:
    seen = SeenDeployments(refresh, max_entries)
    seen.connected()
    return seen


def _read(seen: SeenDeployments, key: tuple[str, str], columns: object) -> None:
    read_at, generation = time.monotonic(), seen.generation
    seen.remember(key, columns, read_at, generation)  # type: ignore[arg-type]


def test_an_answer_is_served_until_its_deployment_is_announced_changed():
    seen = _live()
    assert seen.fresh(KEY) == (False, None)
    _read(seen, KEY, COLUMNS)
    assert seen.fresh(KEY) == (True, COLUMNS)
    seen.changed([KEY])
    assert seen.fresh(KEY) == (False, None)


def test_no_such_deployment_is_kept_too_until_one_is_created():
    seen = _live()
    _read(seen, KEY, None)
    assert seen.fresh(KEY) == (True, None)
    seen.changing([KEY])
    seen.changed([KEY])
    assert seen.fresh(KEY) == (False, None)


def test_a_read_that_began_before_an_announcement_is_not_kept():
    seen = _live()
    read_at, generation = time.monotonic(), seen.generation  # the read begins
    seen.changed([("ws-1", "other")])  # any announcement arrives meanwhile
    seen.remember(KEY, COLUMNS, read_at, generation)  # type: ignore[arg-type]
    assert seen.fresh(KEY) == (False, None)
    _read(seen, KEY, COLUMNS)  # a read that began after it is kept
    assert seen.fresh(KEY) == (True, COLUMNS)


def test_a_deployment_announced_changing_is_neither_served_nor_kept_until_changed():
    seen = _live()
    _read(seen, KEY, COLUMNS)
    seen.changing([KEY])
    assert seen.fresh(KEY) == (False, None)
    _read(seen, KEY, COLUMNS)  # read while its commit may be under way: the old row
    assert seen.fresh(KEY) == (False, None)
    seen.changed([KEY])
    _read(seen, KEY, COLUMNS)
    assert seen.fresh(KEY) == (True, COLUMNS)


def test_a_lost_changed_message_holds_a_deployment_back_for_the_refresh_bound_only(monkeypatch):
    seen = _live(refresh=5.0)
    now = [1000.0]
    monkeypatch.setattr("app.deployments.seen.time.monotonic", lambda: now[0])
    seen.changing([KEY])
    _read(seen, KEY, COLUMNS)
    assert seen.fresh(KEY) == (False, None)
    now[0] += 5.0
    _read(seen, KEY, COLUMNS)
    assert seen.fresh(KEY) == (True, COLUMNS)


def test_an_answer_older_than_the_refresh_bound_is_read_again(monkeypatch):
    seen = _live(refresh=5.0)
    now = [1000.0]
    monkeypatch.setattr("app.deployments.seen.time.monotonic", lambda: now[0])
    _read(seen, KEY, COLUMNS)
    now[0] += 4.9
    assert seen.fresh(KEY) == (True, COLUMNS)
    now[0] += 0.1
    assert seen.fresh(KEY) == (False, None)


def test_at_most_max_entries_are_kept_least_recently_read_first_out():
    seen = _live(max_entries=3)
    for name in ("a", "b", "c"):
        _read(seen, ("ws", name), None)
    assert seen.fresh(("ws", "a"))[0]  # read again: now the most recent
    for name in range(1000):  # a client probing random names
        _read(seen, ("ws", f"probe-{name}"), None)
    assert len(seen) == 3
    seen = _live(max_entries=3)
    for name in ("a", "b", "c"):
        _read(seen, ("ws", name), None)
    seen.fresh(("ws", "a"))
    _read(seen, ("ws", "d"), None)
    assert [seen.fresh(("ws", n))[0] for n in ("a", "b", "c", "d")] == [True, False, True, True]


def test_nothing_is_served_or_kept_while_not_subscribed_and_a_reconnection_forgets_all():
    seen = SeenDeployments(60.0)
    _read(seen, KEY, COLUMNS)  # before the subscription is confirmed
    assert seen.fresh(KEY) == (False, None)
    seen.connected()
    _read(seen, KEY, COLUMNS)
    assert seen.fresh(KEY) == (True, COLUMNS)
    seen.disconnected()  # messages may be missed from now on
    assert seen.fresh(KEY) == (False, None)
    _read(seen, KEY, COLUMNS)
    seen.connected()
    assert seen.fresh(KEY) == (False, None)


def test_messages_are_applied_and_unreadable_ones_ignored():
    seen = _live()
    _read(seen, KEY, COLUMNS)
    seen.receive(b"not json")
    seen.receive(changes.encode("renamed", [KEY]).encode())
    assert seen.fresh(KEY) == (True, COLUMNS)
    seen.receive(changes.encode(changes.CHANGING, [KEY]).encode())
    assert seen.fresh(KEY) == (False, None)


def test_an_unreachable_broker_leaves_the_cache_unused_and_stops_cleanly():
    seen = SeenDeployments(60.0)

    async def start_and_stop() -> None:
        listener = Listener("redis://127.0.0.1:1/0", [seen], ping_seconds=60.0)
        listener.start()
        await asyncio.sleep(0)  # it tries to connect
        await listener.stop()

    run_async(start_and_stop())  # a loop of its own thread: the browser tests run one in the main thread
    assert not seen.live


class _Recorder:
    """Stands in for the Redis publisher (app.db.announcements): records what would be sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[tuple[str, str]]]] = []

    def publish(self, channel: str, message: str, what: str) -> None:
        if channel == changes.CHANNEL:
            decoded = changes.decode(message)
            assert decoded is not None
            self.calls.append((decoded[0], sorted(decoded[1])))


@pytest.fixture
def announced(monkeypatch):
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    recorder = _Recorder()
    monkeypatch.setitem(announcements._PUBLISHERS, engine, recorder)
    yield engine, recorder
    engine.dispose()


def test_every_committed_change_of_a_deployment_is_announced_around_its_commit(announced):
    engine, recorder = announced
    both = [("changing", [("w", "a")]), ("changed", [("w", "a")])]
    with Session(engine) as session:  # created
        session.add(Deployment(workspace_id="w", name="a", model="m", version=1))
        session.commit()
    assert recorder.calls == both
    for change in ({"version": 2}, {"enabled": False}, {"monitor": {"log_predictions": True}}):
        recorder.calls.clear()
        with Session(engine) as session:
            deployment = session.exec(select(Deployment)).one()
            for field, value in change.items():
                setattr(deployment, field, value)
            with session.begin_nested():  # a savepoint inside does not end the transaction
                session.flush()
            session.commit()
        assert recorder.calls == both, change
    recorder.calls.clear()
    with Session(engine) as session:  # deleted
        session.delete(session.exec(select(Deployment)).one())
        session.commit()
    assert recorder.calls == both


def test_a_rolled_back_change_is_not_announced(announced):
    engine, recorder = announced
    with Session(engine) as session:
        session.add(Deployment(workspace_id="w", name="a", model="m", version=1))
        session.flush()
        session.rollback()
    assert recorder.calls == []


def test_a_core_update_of_the_next_check_only_is_not_announced(announced):
    engine, recorder = announced
    with Session(engine) as session:
        session.add(Deployment(workspace_id="w", name="a", model="m", version=1))
        session.commit()
    recorder.calls.clear()
    with Session(engine) as session:  # as repository.move_check_on does
        session.execute(update(Deployment).values(next_check_at=None))
        session.commit()
    assert recorder.calls == []


def test_a_failed_publish_is_logged_without_the_address_and_does_not_raise(caplog):
    publisher = announcements.Publisher("redis://:hunter2@127.0.0.1:1/0")
    publisher.publish(changes.CHANNEL, changes.encode(changes.CHANGED, [KEY]), "1 deployment(s) as changed")
    assert "could not announce" in caplog.text and "hunter2" not in caplog.text
