"""What this API process has seen of deployments' serving columns: no query per prediction.

A prediction needs of its deployment the id, model, version, enabled and monitor
(`repository.serving_columns`), or that there is none. They are kept here by
(workspace_id, name) and dropped when any process announces a change of that deployment
(app.db.deployment_changes, Redis pub/sub, followed by the process's
`app.db.announcements.Listener`). Correctness
never rests on the messages alone:
- while the subscription is not confirmed live (starting, or reconnecting after a lost
  connection) nothing is served from here: every prediction reads, as before;
- a (re)connection forgets everything (messages may have been missed meanwhile);
- an answer read before an announcement arrived is not kept (the generation counter);
- a deployment announced as `changing` is neither served nor kept until `changed`;
- an answer older than RETRAINER_SERVING_REFRESH_SECONDS is read again: a lost message
  costs at most that long.
At most MAX_ENTRIES answers are kept (least recently read dropped first), "no such
deployment" included: creating one announces it as the other changes do.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import Row

from app.db import deployment_changes as changes

MAX_ENTRIES = 10_000
Key = tuple[str, str]  # (workspace_id, name)


class SeenDeployments:
    """The serving columns of recently predicted deployments (None: no such deployment),
    each with the monotonic time its read began. It follows `changes.CHANNEL` (an
    `app.db.announcements.Follower`)."""

    channel = changes.CHANNEL
    what = "deployment changes"

    def __init__(self, refresh_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.refresh_seconds = refresh_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, tuple[float, Row[Any] | None]] = OrderedDict()
        # Deployments announced as changing (their commit may be under way), since when.
        self._changing: OrderedDict[Key, float] = OrderedDict()
        # Bumped by every announcement and (re)connection: a read that began before is not kept.
        self.generation = 0
        self.live = False

    def fresh(self, key: Key) -> tuple[bool, Row[Any] | None]:
        """(True, columns) when a kept answer may be served; (False, None): read them."""
        if not self.live:
            return False, None
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] >= self.refresh_seconds:
            return False, None
        self._entries.move_to_end(key)
        return True, entry[1]

    def remember(self, key: Key, columns: Row[Any] | None, read_at: float, generation: int) -> None:
        if not self.live or generation != self.generation or self._is_changing(key):
            return
        self._entries[key] = (read_at, columns)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def _is_changing(self, key: Key) -> bool:
        since = self._changing.get(key)
        if since is None:
            return False
        if time.monotonic() - since < self.refresh_seconds:
            return True
        del self._changing[key]  # its `changed` was lost: the refresh bound applies again
        return False

    def changing(self, keys: list[Key]) -> None:
        now = time.monotonic()
        for key in keys:
            self._entries.pop(key, None)
            self._changing[key] = now
            self._changing.move_to_end(key)
        while len(self._changing) > self.max_entries:
            self._changing.popitem(last=False)
        self.generation += 1

    def changed(self, keys: list[Key]) -> None:
        for key in keys:
            self._entries.pop(key, None)
            self._changing.pop(key, None)
        self.generation += 1

    def connected(self) -> None:
        """The subscription is live: what was kept before may have missed messages."""
        self._forget_all()
        self.live = True

    def disconnected(self) -> None:
        self.live = False
        self._forget_all()

    def _forget_all(self) -> None:
        self._entries.clear()
        self._changing.clear()
        self.generation += 1

    def receive(self, data: bytes | str) -> None:
        decoded = changes.decode(data)
        if decoded is None:
            return
        phase, keys = decoded
        if phase == changes.CHANGING:
            self.changing(keys)
        else:
            self.changed(keys)

    def __len__(self) -> int:
        return len(self._entries)
