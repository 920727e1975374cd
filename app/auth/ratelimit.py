"""Limits on failed token requests, counted before the credentials are checked.

Three counters, in Redis (the broker) so that every API replica sees them:
- per client address, any account (a scanner trying many accounts);
- per (address, account), tightly: a guesser from one place is stopped quickly;
- per account from anywhere, loosely: a stranger elsewhere cannot lock out a user
  or a CI principal that logs in from its own address.

Each request reserves one attempt on every counter atomically (INCR) before its
credentials are verified, so concurrent guesses cannot all slip under the limit;
a request whose credentials were right gives its reservation back. If Redis
cannot be reached the limiter counts in this process's memory rather than
refusing every login.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any, cast

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger("retrainer.ratelimit")


@dataclass(frozen=True)
class Blocked:
    retry_after: int
    what: str


@dataclass(frozen=True)
class Reservation:
    """The attempts one request counted; given back when its credentials were right."""

    counters: tuple[tuple[RateLimitItem, str, str], ...]


class FailedLoginLimiter:
    def __init__(self, storage_url: str, per_address: str, per_address_and_account: str, per_account: str,
                 key_prefix: str = "retrainer:login") -> None:
        self._per_address = parse(per_address)
        self._per_address_and_account = parse(per_address_and_account)
        self._per_account = parse(per_account)
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

    def _call(self, fn_name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._limiter(), fn_name)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any storage failure degrades, never blocks logins
            log.warning("rate-limit storage unavailable, counting in memory: %s", type(exc).__name__)
            return getattr(self._memory, fn_name)(*args, **kwargs)

    def reserve(self, address: str, account: str) -> Reservation | Blocked:
        """Counts this attempt on every counter; Blocked when one of them is over its limit."""
        counters = ((self._per_address, "client address", address),
                    (self._per_address_and_account, "account from this address", f"{address}|{account}"),
                    (self._per_account, "account", account))
        blocked: Blocked | None = None
        for item, what, ident in counters:
            if not self._call("hit", item, what, ident) and blocked is None:
                stats = self._call("get_window_stats", item, what, ident)
                blocked = Blocked(retry_after=max(1, math.ceil(stats.reset_time - time.time())), what=what)
        return blocked or Reservation(counters)

    def release(self, reservation: Reservation) -> None:
        """The credentials were right: this attempt does not count as a failure."""
        for item, what, ident in reservation.counters:
            self._call("hit", item, what, ident, cost=-1)
