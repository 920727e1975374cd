"""Sending deliveries: the workers' side of webhooks, with no web framework.

Design: a delivery loop in every worker process (`DeliveryLoop`, started beside the
outbox relay), not a Celery task. The deliveries table is itself the queue: an event's
deliveries are committed with the change that caused it, and a delivery stays due until
a receiver answered 2xx, so a broker outage delays nothing and drops nothing (the broker
is not used at all), and a schedule of hours (10 h between the last retries) needs no
broker ETA (Redis would hand an ETA task beyond its visibility timeout to a second
worker). The loop sends on threads of its own (RETRAINER_WEBHOOK_SENDERS), never on the
pool that runs training, and holds at most one attempt per subscription at a time: a
slow receiver holds one sender for at most the deadline and delays no other subscription.
Workers share the work through leases (`leased_until`), so each due attempt is made by
one worker; a worker that dies mid-attempt only delays it by the lease.

An attempt: the target is checked again (app.webhooks.addresses) and the connection made
to the address checked; the request is signed with the `standardwebhooks` package; the
answer's status line and headers are read (at most `MAX_RESPONSE` bytes, the body is not
read), all within `TIMEOUT` seconds in total; redirects are not followed. 2xx: delivered.
410: the subscription is disabled. Otherwise the next attempt follows the schedule (with
jitter), or later if the receiver's Retry-After says so.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from standardwebhooks import Webhook

from app.core import secretbox
from app.core.clock import utcnow
from app.core.settings import Settings
from app.db.tables import WebhookDelivery
from app.db.unit_of_work import UnitOfWork
from app.webhooks import addresses
from app.webhooks import repository as repo

log = logging.getLogger("retrainer.webhooks")

TIMEOUT = 10.0  # seconds for a whole attempt: resolve, connect, send, read the answer
MAX_RESPONSE = 16 * 1024  # bytes of the answer read at most (status line and headers)
LEASE = timedelta(seconds=60)  # well over TIMEOUT: a worker holds a delivery this long
MAX_RETRY_AFTER = 24 * 3600.0
JITTER = 0.1  # each delay is lengthened by up to this fraction, so retries do not come in waves
USER_AGENT = "Retrainer-Webhooks/1"


@dataclass
class Outcome:
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


class Failed(Exception):
    """An attempt that got no usable answer; the message is safe to show."""


def signed_headers(secret: str, message_id: str, body: bytes, now: datetime) -> dict[str, str]:
    return {"webhook-id": message_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, now, body)}


def _request(target: addresses.Target, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {target.path} HTTP/1.1", f"Host: {target.host_header}", f"User-Agent: {USER_AGENT}",
             "Content-Type: application/json", f"Content-Length: {len(body)}", "Connection: close",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def _parse_answer(head: bytes) -> tuple[int, dict[str, str]]:
    status_line, _, rest = head.partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit() or len(parts[1]) != 3:
        raise Failed("the receiver's answer is not HTTP/1.x")
    headers: dict[str, str] = {}
    for line in rest.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if sep:
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return int(parts[1]), headers


def post(target: addresses.Target, headers: dict[str, str], body: bytes, timeout: float = TIMEOUT,
         tls: ssl.SSLContext | None = None) -> tuple[int, dict[str, str]]:
    """POSTs `body` to the target's checked address and reads the status and headers of
    the answer: at most MAX_RESPONSE bytes, within `timeout` seconds in all."""
    deadline = time.monotonic() + timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failed(f"no answer within {timeout:g} s")
        return left

    try:
        raw = socket.create_connection((target.address, target.port), timeout=remaining())
    except OSError as exc:
        raise Failed(f"could not connect to {target.address} port {target.port}: {exc.strerror or exc}") from exc
    # The watchdog shuts the socket at the deadline, whatever the receiver trickles.
    watchdog = threading.Timer(remaining(), lambda: _shut(raw))
    watchdog.daemon = True
    watchdog.start()
    try:
        sock: socket.socket = raw
        if target.scheme == "https":
            raw.settimeout(remaining())
            sock = (tls or ssl.create_default_context()).wrap_socket(raw, server_hostname=target.host)
        sock.settimeout(remaining())
        sock.sendall(_request(target, headers, body))
        head = b""
        while b"\r\n\r\n" not in head:
            sock.settimeout(remaining())
            chunk = sock.recv(4096)
            if not chunk:
                remaining()  # shut by the watchdog: the deadline passed
                break
            head += chunk
            if len(head) > MAX_RESPONSE:
                raise Failed(f"the receiver's answer has over {MAX_RESPONSE} bytes of headers")
        if b"\r\n\r\n" not in head and not head.startswith(b"HTTP/"):
            raise Failed("the receiver closed the connection without an answer")
        return _parse_answer(head.partition(b"\r\n\r\n")[0])
    except ssl.SSLError as exc:
        raise Failed(f"TLS failed: {exc.reason or exc}") from exc
    except TimeoutError as exc:
        raise Failed(f"no answer within {timeout:g} s") from exc
    except OSError as exc:
        if time.monotonic() >= deadline:
            raise Failed(f"no answer within {timeout:g} s") from exc
        raise Failed(f"the connection failed: {exc.strerror or exc}") from exc
    finally:
        watchdog.cancel()
        with contextlib.suppress(OSError):
            raw.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def attempt(url: str, secret: str, message_id: str, body: bytes, allowed_hosts: frozenset[str],
            resolve: addresses.Resolver = addresses.system_resolver, timeout: float = TIMEOUT) -> Outcome:
    """One attempt at delivering an event to `url`."""
    started = time.monotonic()
    outcome = Outcome()
    try:
        target = addresses.target(url, allowed_hosts, resolve)
        now = utcnow()
        status, headers = post(target, signed_headers(secret, message_id, body, now), body, timeout)
        outcome.status_code = status
        if not 200 <= status < 300:
            outcome.retry_after = retry_after_seconds(headers.get("retry-after"), utcnow())
            outcome.error = (f"the receiver answered {status}"
                             + (" (redirects are not followed)" if 300 <= status < 400 else ""))
    except addresses.Refused as exc:
        outcome.error = f"refused: {exc}"
    except Failed as exc:
        outcome.error = str(exc)
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def next_delay(retry_index: int, delays: tuple[float, ...], retry_after: float | None) -> float | None:
    """Seconds until the next attempt after a failed one, or None: the schedule is over."""
    if retry_index >= len(delays):
        return None
    delay = delays[retry_index] * (1 + random.uniform(0, JITTER))
    return max(delay, retry_after or 0.0)


# Recording -----------------------------------------------------------------------------------


def record(uow: UnitOfWork, delivery_id: str, outcome: Outcome, delays: tuple[float, ...]) -> None:
    """The attempt's outcome, and what comes next: nothing (delivered, or the receiver is
    gone, or the schedule ran out) or the next attempt."""
    delivery = uow.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return  # the subscription was deleted meanwhile
    now = utcnow()
    delivery.attempt += 1
    delivery.status_code, delivery.duration_ms = outcome.status_code, outcome.duration_ms
    delivery.error = outcome.error[:500] if outcome.error else None
    delivery.last_attempt_at, delivery.leased_until = now, None
    delivery.next_attempt_at = None
    if outcome.delivered:
        delivery.delivered = True
    elif outcome.gone:
        parts = repo.parts_of(uow.session, delivery)
        if parts is not None:
            subscription = parts[0]
            subscription.enabled = False
            subscription.disabled_reason = (f"disabled: the receiver answered 410 Gone at {now.isoformat()}; "
                                            "PATCH enabled=true to resume")
            subscription.updated_at = now
            uow.session.add(subscription)
    else:
        delay = next_delay(delivery.retry_index, delays, outcome.retry_after)
        if delay is None:
            delivery.error = f"{delivery.error}; gave up after {delivery.attempt} attempts"[:500]
        else:
            delivery.retry_index += 1
            delivery.next_attempt_at = now + timedelta(seconds=delay)
    uow.session.add(delivery)


# The loop ------------------------------------------------------------------------------------


class Deliverer:
    """Takes due deliveries and sends them on its own threads, at most one at a time per
    subscription."""

    def __init__(self, engine: Engine, settings: Settings,
                 guard: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
                 resolve: addresses.Resolver = addresses.system_resolver) -> None:
        # `guard` is held around each use of the database, never around a send.
        self.engine, self.settings, self.guard, self.resolve = engine, settings, guard, resolve
        self.pool = ThreadPoolExecutor(settings.webhook_senders, thread_name_prefix="retrainer-webhook")
        self._busy: set[str] = set()  # subscriptions with an attempt in flight here
        self._lock = threading.Lock()

    def take(self) -> list[str]:
        """Leases due deliveries, one per subscription, for the free senders; their ids."""
        with self._lock:
            free, busy = self.settings.webhook_senders - len(self._busy), list(self._busy)
        if free <= 0:
            return []
        now = utcnow()
        taken: dict[str, str] = {}  # subscription id -> delivery id
        with self.guard(), UnitOfWork(self.engine) as uow:
            for delivery in repo.due(uow.session, now, busy, free * 4):
                if len(taken) >= free:
                    break
                if delivery.subscription_id not in taken and repo.lease(uow.session, delivery.id, now, now + LEASE):
                    taken[delivery.subscription_id] = delivery.id
        with self._lock:
            self._busy |= set(taken)
        for subscription_id, delivery_id in taken.items():
            self.pool.submit(self._send, delivery_id, subscription_id)
        return list(taken.values())

    def _send(self, delivery_id: str, subscription_id: str) -> None:
        try:
            self.send(delivery_id)
        except Exception:
            log.warning("delivery %s failed to complete; it is tried again after its lease", delivery_id,
                        exc_info=True)
        finally:
            with self._lock:
                self._busy.discard(subscription_id)

    def send(self, delivery_id: str) -> None:
        with self.guard(), Session(self.engine, expire_on_commit=False) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            parts = repo.parts_of(session, delivery) if delivery is not None else None
        if delivery is None or parts is None:
            return
        subscription, event = parts
        try:
            secret = secretbox.unseal(self.settings.signing_key(), subscription.secret)
        except secretbox.SealedSecretError as exc:
            outcome = Outcome(error=f"the signing secret cannot be read: {exc}")
        else:
            outcome = attempt(subscription.url, secret, event.id, event.body.encode(), self.settings.webhook_hosts,
                              self.resolve)
        log.info("webhook delivery", extra={"delivery": delivery_id, "event": event.type,
                                            "status_code": outcome.status_code, "error": outcome.error,
                                            "duration_ms": outcome.duration_ms})
        with self.guard(), UnitOfWork(self.engine) as uow:
            record(uow, delivery_id, outcome, self.settings.webhook_retry_delays)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class DeliveryLoop(threading.Thread):
    """Looks for due deliveries every RETRAINER_WEBHOOK_POLL_SECONDS, until stopped."""

    def __init__(self, engine: Engine, settings: Settings,
                 guard: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext) -> None:
        super().__init__(daemon=True, name="retrainer-webhooks")
        self.deliverer = Deliverer(engine, settings, guard)
        self.interval = settings.webhook_poll_seconds
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            try:
                self.deliverer.take()
            except Exception:
                log.warning("webhook delivery pass failed", exc_info=True)

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(5)
        self.deliverer.close()
