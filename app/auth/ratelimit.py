"""Limits on failed token requests, counted before the credentials are checked.

Three counters, in Redis (the broker) so that every API replica sees them:
- per client address, any account (a scanner trying many accounts);
- per (address, account), tightly: a guesser from one place is stopped quickly;
- per account from anywhere, loosely, for passwords only (people choose them; a client
  secret is 256 random bits that no one guesses online). It does not apply at an address
  where the account signed in within RETRAINER_TOKEN_KNOWN_ADDRESS_DAYS: strangers spread
  over many addresses stop new places from guessing, never the owner at home.

Each request reserves one attempt on its counters atomically (INCR) before its
credentials are verified, so concurrent guesses cannot all slip under the limit; a
request whose credentials were right gives its reservation back. Keys hold a digest of
the address and the account, never their text: what a caller sends does not decide how
much the broker keeps. If Redis cannot be reached the limiter counts in this process's
memory rather than refusing every login.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from operator import methodcaller
from typing import TypeVar, cast

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger("retrainer.ratelimit")

T = TypeVar("T")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Blocked:
    retry_after: int
    what: str


@dataclass(frozen=True)
class Reservation:
    """The attempts one request counted; given back when its credentials were right."""

    counters: tuple[tuple[RateLimitItem, str, str], ...]
    place: str  # digest of (address, account): remembered as known after a success


class FailedLoginLimiter:
    def __init__(self, storage_url: str, per_address: str, per_address_and_account: str, per_account: str,
                 known_address_days: int = 30, key_prefix: str = "retrainer:login") -> None:
        self._per_address = parse(per_address)
        self._per_address_and_account = parse(per_address_and_account)
        self._per_account = parse(per_account)
        self._known_seconds = known_address_days * 86400
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

    def _call(self, action: Callable[[FixedWindowRateLimiter], T]) -> T:
        try:
            return action(self._limiter())
        except Exception as exc:  # noqa: BLE001 - any storage failure degrades, never blocks logins
            log.warning("rate-limit storage unavailable, counting in memory: %s", type(exc).__name__)
            return action(self._memory)

    def _known(self, place: str) -> bool:
        return self._call(lambda limiter: limiter.storage.get("known/" + place)) > 0

    def reserve(self, address: str, account: str, *, chosen_secret: bool) -> Reservation | Blocked:
        """Counts this attempt on its counters; Blocked when one of them is over its limit.
        `chosen_secret`: a password (also limited per account from anywhere)."""
        place = _digest(address, account)
        counters = [(self._per_address, "client address", _digest(address)),
                    (self._per_address_and_account, "account from this address", place)]
        if chosen_secret and not self._known(place):
            counters.append((self._per_account, "account", _digest(account)))
        blocked: Blocked | None = None
        for item, what, ident in counters:
            if not self._call(methodcaller("hit", item, what, ident)) and blocked is None:
                stats = self._call(methodcaller("get_window_stats", item, what, ident))
                blocked = Blocked(retry_after=max(1, math.ceil(stats.reset_time - time.time())), what=what)
        return blocked or Reservation(tuple(counters), place)

    def release(self, reservation: Reservation) -> None:
        """The request was refused for another reason than its credentials: not a failure."""
        for item, what, ident in reservation.counters:
            self._call(methodcaller("hit", item, what, ident, cost=-1))

    def succeeded(self, reservation: Reservation) -> None:
        """The credentials were right: not a failure, and this address is now known for
        this account (for the next RETRAINER_TOKEN_KNOWN_ADDRESS_DAYS, from now)."""
        self.release(reservation)
        key = "known/" + reservation.place

        def remember(limiter: FixedWindowRateLimiter) -> None:
            limiter.storage.clear(key)  # a new expiry: known for the full period from this success
            limiter.storage.incr(key, self._known_seconds)

        self._call(remember)
