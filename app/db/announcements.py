"""Announcements between processes over the broker's Redis (pub/sub): what a commit
changed, for what API processes keep in memory.

Two things in an API process must learn at once of a commit made elsewhere (a worker, the
CLI, another API process): the deployments it serves from memory (app.deployments.seen)
and the long-polls waiting on runs (app.runs.watchers). A commit announces what it
changed on a channel of each kind (app.db.deployment_changes, app.db.run_changes),
through the `Publisher` of the engine its session is bound to (`announce_from`, called by
`app.db.engine.build_engine` for every engine); each API process follows every channel
with one `Listener`, a task on its event loop, which hands each message to the
`Follower` of its channel.

A lost message never makes an answer wrong, only later: each follower is told when its
subscription is confirmed (`connected`) and when it is lost (`disconnected`), and keeps
to a bound of its own while it is not live. A publish that fails is logged (the
exception's class only: its text may name the broker's address) and never fails the
commit that made it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol
from weakref import WeakKeyDictionary

import redis
import redis.asyncio as aioredis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger("retrainer.announcements")


class Publisher:
    """Publishes with a client made on first use (the worker forks after building its engine)."""

    def __init__(self, redis_url: str) -> None:
        self._url = redis_url
        self._client: redis.Redis | None = None
        self._lock = threading.Lock()

    def publish(self, channel: str, message: str, what: str) -> None:
        """Sends `message`; `what` names it in the warning if it cannot be sent."""
        try:
            with self._lock:
                if self._client is None:
                    self._client = redis.Redis.from_url(self._url, socket_connect_timeout=1, socket_timeout=2)
                client = self._client
            client.publish(channel, message)
        except Exception as exc:  # noqa: BLE001 - never fails the commit: each follower has its bound
            log.warning("could not announce %s (%s); API processes see it within their refresh bound",
                        what, type(exc).__name__)


_PUBLISHERS: WeakKeyDictionary[Engine, Publisher] = WeakKeyDictionary()


def announce_from(engine: Engine, redis_url: str) -> None:
    """What sessions on `engine` commit is announced on `redis_url`."""
    _PUBLISHERS[engine] = Publisher(redis_url)


def publisher_of(session: Session) -> Publisher | None:
    """The publisher of the engine the session is bound to (None: nothing is announced)."""
    bind = session.bind
    return _PUBLISHERS.get(bind) if isinstance(bind, Engine) else None


class Follower(Protocol):
    """What follows one channel in an API process."""

    channel: str
    what: str  # "deployment changes": how the log names what it follows

    def connected(self) -> None:
        """The subscription is confirmed: messages from now on arrive (earlier ones may not have)."""

    def disconnected(self) -> None:
        """Messages may be missed from now on."""

    def receive(self, data: bytes | str) -> None:
        """One message of the channel (ignore one that cannot be read)."""


class Listener:
    """Follows the channels of `followers` on the API's event loop; reconnects after a lost
    connection (each follower is told, and keeps to its own bound meanwhile)."""

    def __init__(self, redis_url: str, followers: Sequence[Follower], ping_seconds: float) -> None:
        self._url = redis_url
        self._followers = {follower.channel: follower for follower in followers}
        self._ping_seconds = ping_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="retrainer-announcements")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._disconnected()

    def _disconnected(self) -> None:
        for follower in self._followers.values():
            follower.disconnected()

    async def _run(self) -> None:
        delay, failing = 0.5, False
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: followers fall back, reconnect
                self._disconnected()
                if not failing:  # once per outage; the class only (the text may name the broker)
                    log.warning("not following announcements (%s): predictions read their deployment and "
                                "long-polls poll until it is back", type(exc).__name__)
                failing = True
            else:
                failing = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _follow(self) -> None:
        client = aioredis.Redis.from_url(self._url, socket_connect_timeout=3)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(*self._followers)
            # A ping every period: a connection that went silent is noticed and made again.
            every = self._ping_seconds
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
                self._dispatch(message)
        finally:
            self._disconnected()
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await client.aclose()

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = message.get("channel")
        follower = self._followers.get(channel.decode() if isinstance(channel, bytes) else str(channel))
        if follower is None:
            return
        kind = message.get("type")
        if kind == "subscribe":
            follower.connected()
            log.info("following %s", follower.what)
        elif kind == "message" and isinstance(message.get("data"), bytes | str):
            follower.receive(message["data"])
