"""The long-polls' wake-ups: a change of the run a long-poll waits on wakes it; another
run's does not; while announcements are not followed, a wait lasts one poll interval."""

from __future__ import annotations

import asyncio

from app.runs.watchers import RunWatchers
from tests.helpers.aio import run_async


def test_a_change_wakes_the_long_polls_of_that_run_only() -> None:
    async def scenario() -> tuple[bool, bool, bool, int]:
        watchers = RunWatchers()
        watchers.connected()
        with watchers.watching("run_a") as a, watchers.watching("run_a") as a2, watchers.watching("run_b") as b:
            a.clear(), a2.clear(), b.clear()  # connecting woke everyone once
            watchers.changed(["run_a", "run_z"])
            woken = (a.is_set(), a2.is_set(), b.is_set())
        return (*woken, len(watchers))

    assert run_async(scenario()) == (True, True, False, 0)  # and nothing is kept once they leave


# A backstop no test outlives: a pause that ignored its wake-up would never return.
NEVER = 3600.0


def test_a_woken_pause_returns() -> None:
    async def scenario() -> None:
        watchers = RunWatchers(backstop_seconds=NEVER)
        watchers.connected()
        with watchers.watching("run_a") as woken:
            woken.clear()
            waiting = asyncio.ensure_future(watchers.pause(woken, NEVER))
            await asyncio.sleep(0)
            watchers.changed(["run_a"])
            await asyncio.wait_for(waiting, timeout=60)

    run_async(scenario())


def test_not_following_announcements_wakes_everyone_and_polls() -> None:
    async def scenario() -> tuple[bool, bool]:
        watchers = RunWatchers(backstop_seconds=NEVER)
        watchers.connected()
        with watchers.watching("run_a") as woken:
            woken.clear()
            watchers.disconnected()  # they may miss a change from now on: each reads once
            was_woken = woken.is_set()
            woken.clear()
            await asyncio.wait_for(watchers.pause(woken, NEVER), timeout=60)  # one poll interval, not woken
            return was_woken, watchers.live

    assert run_async(scenario()) == (True, False)
