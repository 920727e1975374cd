"""Counts failed token requests per client address and per username or client id.

Counters live in Redis (the broker), so every API replica sees the same counts.
If Redis cannot be reached the limiter falls back to this process's memory
rather than refusing every login.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import cast

from limits import parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger("retrainer.ratelimit")


@dataclass(frozen=True)
class Blocked:
    retry_after: int
    what: str


class FailedLoginLimiter:
    def __init__(self, storage_url: str, per_address: str, per_username: str,
                 key_prefix: str = "retrainer:login") -> None:
        self._per_address = parse(per_address)
        self._per_username = parse(per_username)
        self._storage_url = storage_url
        self._key_prefix = key_prefix
        self._redis: FixedWindowRateLimiter | None = None
        self._memory = FixedWindowRateLimiter(MemoryStorage())

    def _limiter(self) -> FixedWindowRateLimiter:
        if self._redis is None:
            storage = cast(Storage, storage_from_string(
                self._storage_url, key_prefix=self._key_prefix, wrap_exceptions=True,
                socket_connect_timeout=1, socket_timeout=1))
            self._redis = FixedWindowRateLimiter(storage)
        return self._redis

    def _call(self, fn_name: str, *args):
        try:
            return getattr(self._limiter(), fn_name)(*args)
        except Exception as exc:  # noqa: BLE001 - any storage failure degrades, never blocks logins
            log.warning("rate-limit storage unavailable, counting in memory: %s", type(exc).__name__)
            return getattr(self._memory, fn_name)(*args)

    def check(self, address: str, username: str | None) -> Blocked | None:
        checks = [(self._per_address, "address", address)]
        if username:
            checks.append((self._per_username, "username", username))
        for item, what, ident in checks:
            if not self._call("test", item, what, ident):
                stats = self._call("get_window_stats", item, what, ident)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                return Blocked(retry_after=retry, what=what)
        return None

    def record_failure(self, address: str, username: str | None) -> None:
        self._call("hit", self._per_address, "address", address)
        if username:
            self._call("hit", self._per_username, "username", username)
