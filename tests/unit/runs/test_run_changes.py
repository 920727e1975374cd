"""A run change committed by one process wakes a long-poll of another at once, through
the suite's real Redis (app.db.run_changes, app.db.announcements, app.runs.watchers)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from anyio import to_thread

from app.core.settings import Settings
from app.db.announcements import Listener
from app.db.engine import build_engine
from app.db.unit_of_work import UnitOfWork
from app.runs import store
from app.runs.states import StepStatus
from app.runs.watchers import RunWatchers
from tests.helpers.aio import run_async
from tests.helpers.backends import Backend
from tests.helpers.rows import run_with_steps

# A backstop no test outlives: only an announcement can wake the long-poll.
NEVER = 3600.0


@contextlib.asynccontextmanager
async def following(settings: Settings) -> AsyncIterator[RunWatchers]:
    """Long-poll wake-ups as an API process has them, once its subscription is confirmed."""
    watchers = RunWatchers(backstop_seconds=NEVER)
    listener = Listener(settings.redis_url, [watchers], ping_seconds=5.0)
    listener.start()
    try:
        while not watchers.live:
            await asyncio.sleep(0.05)
        yield watchers
    finally:
        await listener.stop()


def test_a_committed_step_change_wakes_the_long_poll_on_its_run(backend: Backend) -> None:
    settings = backend.settings()
    engine = build_engine(settings)  # as a worker's: what its sessions commit is announced
    watched = run_with_steps(engine)

    def step_started() -> None:  # as the worker's Attempt writes it, in another thread
        with UnitOfWork(engine) as uow:
            store.move_step(uow.session, watched, "import", StepStatus.RUNNING)

    async def scenario() -> None:
        async with following(settings) as watchers:
            with watchers.watching(watched) as woken:
                woken.clear()
                await to_thread.run_sync(step_started)
                await asyncio.wait_for(woken.wait(), timeout=60)  # only the announcement sets it

    try:
        run_async(scenario())
    finally:
        engine.dispose()


def test_a_rolled_back_or_unrelated_change_does_not_wake_it(backend: Backend) -> None:
    settings = backend.settings()
    engine = build_engine(settings)
    watched, other = run_with_steps(engine), run_with_steps(engine)

    def changes() -> None:
        try:
            with UnitOfWork(engine) as uow:  # rolled back: nothing changed
                store.move_step(uow.session, watched, "import", StepStatus.RUNNING)
                raise RuntimeError("the transaction fails after the change")
        except RuntimeError:
            pass
        with UnitOfWork(engine) as uow:  # another run's change
            store.move_step(uow.session, other, "import", StepStatus.RUNNING)

    async def scenario() -> bool:
        async with following(settings) as watchers:
            with watchers.watching(watched) as woken, watchers.watching(other) as woken_other:
                woken.clear(), woken_other.clear()
                await to_thread.run_sync(changes)
                # The other run's announcement, sent after the rolled back one would have been,
                # arrived: had the rollback been announced, it would have arrived first.
                await asyncio.wait_for(woken_other.wait(), timeout=60)
                return woken.is_set()

    try:
        assert run_async(scenario()) is False
    finally:
        engine.dispose()
