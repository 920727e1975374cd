"""The long-polls of one API process, woken when a run they wait on changes.

`GET /runs/{id}?wait=N` used to read the run's revision every LONG_POLL_INTERVAL (50 ms):
a change was seen 25 ms late on average, and each waiting client cost a query 20 times
a second. Every transaction that moves a run's revision is announced once it commits
(app.db.run_changes, through app.db.announcements), whichever process made it (a worker's
step, a cancel in another API process); this process follows the announcements and
wakes the long-polls waiting on those runs, which then read the revision once.

The announcements only make the wait shorter, never the answer wrong: a woken long-poll
reads the revision before it answers, one that is not woken reads it every
BACKSTOP_SECONDS anyway (a lost message costs at most that), and while the subscription
is not confirmed live (starting, reconnecting) the long-polls read every
LONG_POLL_INTERVAL, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Iterator

from app.db import run_changes

LONG_POLL_INTERVAL = 0.05
BACKSTOP_SECONDS = 1.0


class RunWatchers:
    """The run ids long-polls of this process wait on, each with the events that wake them
    (all on the API's event loop). It follows `run_changes.CHANNEL` (an
    `app.db.announcements.Follower`)."""

    channel = run_changes.CHANNEL
    what = "run changes"

    def __init__(self, backstop_seconds: float = BACKSTOP_SECONDS) -> None:
        self.backstop_seconds = backstop_seconds
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self.live = False

    @contextlib.contextmanager
    def watching(self, run_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever the run is announced as changed (clear it, then read)."""
        woken = asyncio.Event()
        self._waiting.setdefault(run_id, set()).add(woken)
        try:
            yield woken
        finally:
            waiting = self._waiting.get(run_id)
            if waiting is not None:
                waiting.discard(woken)
                if not waiting:
                    del self._waiting[run_id]

    async def pause(self, woken: asyncio.Event, remaining: float) -> None:
        """Until the run is announced as changed (at most the backstop's time), or, while the
        announcements are not followed, LONG_POLL_INTERVAL; never past `remaining`."""
        if not self.live:
            await asyncio.sleep(min(LONG_POLL_INTERVAL, max(remaining, 0)))
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), timeout=min(self.backstop_seconds, max(remaining, 0)))

    def receive(self, data: bytes | str) -> None:
        run_ids = run_changes.decode(data)
        if run_ids is not None:
            self.changed(run_ids)

    def changed(self, run_ids: Iterable[str]) -> None:
        for run_id in run_ids:
            for woken in self._waiting.get(run_id, ()):
                woken.set()

    def connected(self) -> None:
        """Announcements are followed from now on: every waiter reads once (it may have
        missed one while they were not)."""
        self.live = True
        self._wake_all()

    def disconnected(self) -> None:
        self.live = False
        self._wake_all()

    def _wake_all(self) -> None:
        for waiting in self._waiting.values():
            for woken in waiting:
                woken.set()

    def __len__(self) -> int:
        return sum(len(waiting) for waiting in self._waiting.values())
