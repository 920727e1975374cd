"""What this API process has seen of deployments' serving columns: no query per prediction.

A prediction needs of its deployment the id, model, version, enabled and monitor
(`repository.serving_columns`), or that there is none. They are kept here by
(workspace_id, name) and dropped when any process announces a change of that deployment
(app.db.deployment_changes, Redis pub/sub, followed by `ChangeListener`). Correctness
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

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy import Row

from app.db import deployment_changes as changes

log = logging.getLogger("retrainer.deployments.seen")

MAX_ENTRIES = 10_000
Key = tuple[str, str]  # (workspace_id, name)


class SeenDeployments:
    """The serving columns of recently predicted deployments (None: no such deployment),
    each with the monotonic time its read began."""

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

    def __len__(self) -> int:
        return len(self._entries)


class ChangeListener:
    """Follows the announcements of deployment changes for `seen`, in a task on the API's
    event loop; reconnects after a lost connection (the cache is unused meanwhile)."""

    def __init__(self, seen: SeenDeployments, redis_url: str) -> None:
        self.seen = seen
        self._url = redis_url
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="retrainer-deployment-changes")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.seen.disconnected()

    async def _run(self) -> None:
        delay, failing = 0.5, False
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: unused cache, reconnect
                self.seen.disconnected()
                if not failing:  # once per outage; the class only (the text may name the broker)
                    log.warning("not following deployment changes (%s): predictions read their deployment "
                                "until it is back", type(exc).__name__)
                failing = True
            else:
                failing = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _follow(self) -> None:
        client = aioredis.Redis.from_url(self._url, socket_connect_timeout=3)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(changes.CHANNEL)
            # A ping every refresh period: a connection that went silent is noticed and made again.
            every = self.seen.refresh_seconds
            last_heard = time.monotonic()
            while True:
                message = await pubsub.get_message(timeout=every)
                now = time.monotonic()
                if message is None:
                    if now - last_heard > 3 * every:
                        raise ConnectionError("no answer to pings")
                    await pubsub.ping()
                    continue
                last_heard = now
                kind = message.get("type")
                if kind == "subscribe":
                    self.seen.connected()
                    log.info("following deployment changes")
                elif kind == "message":
                    self._apply(message.get("data"))
        finally:
            self.seen.disconnected()
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await client.aclose()

    def _apply(self, data: Any) -> None:
        decoded = changes.decode(data) if isinstance(data, bytes | str) else None
        if decoded is None:
            return
        phase, keys = decoded
        if phase == changes.CHANGING:
            self.seen.changing(keys)
        else:
            self.seen.changed(keys)
