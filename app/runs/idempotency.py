"""Idempotency-Key for requests that start a run, enforced by the database.

`respond_once` is the whole flow, in one thread-pool hop. A request with a key
creates its run and INSERTs its claim, with the response it will answer, in the
run's own transaction: one commit makes the run, its steps, its message (the
outbox) and the claim durable together. The unique constraint (principal, key)
makes every concurrent request with the same key fail that insert (on
PostgreSQL it waits for the first transaction and fails once it commits; on
SQLite the write lock orders them), so exactly one of them creates the run; the
others roll back everything they wrote and replay the stored response (same
status, body and Location). Keys are the caller's own: another principal of the
workspace sending the same key (a CI job's predictable one) gets a claim of its
own, never the first caller's run or a 422. The same key with a different
request is refused with 422. A request refused before it created anything
commits nothing, so the client may fix it and retry with the same key, and a
request that dies before its commit leaves nothing behind. The claim is
inserted after the request's checks, so that on SQLite the write lock is held
only for the inserts. Keys are kept for `IDEMPOTENCY_HOURS`.

Claims written by earlier versions (a claim committed on its own, its response
written after the run's commit) are still honoured: one bound to a run is
replayed from the run, one that created nothing is freed after `LEASE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from anyio import to_thread
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput
from app.db.tables import IdempotencyKey, Run
from app.db.unit_of_work import UnitOfWork
from app.runs import service as runs
from app.runs.service import Accepted
from app.runtime import Runtime

IDEMPOTENCY_HOURS = 24
WAIT_FOR_FIRST_SECONDS = 30.0
LEASE_SECONDS = 60
POLL_SECONDS = 0.05
MAX_KEY_LENGTH = 255


def request_hash(method: str, path: str, body: dict[str, Any]) -> str:
    canonical = json.dumps({"method": method, "path": path, "body": body}, sort_keys=True,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput("invalid Idempotency-Key", errors=[{
            "loc": ["header", "Idempotency-Key"],
            "msg": f"use 1 to {MAX_KEY_LENGTH} printable characters, e.g. a UUID"}])


@dataclass(frozen=True)
class _Created:
    response: Accepted


@dataclass(frozen=True)
class _Replay:
    response: Accepted


@dataclass(frozen=True)
class _Wait:
    pass


Create = Callable[[UnitOfWork], Accepted]
# How a route answers with a run it created: a request that died after creating it is
# answered, on its retry, in the shape the route answers (ours, or Azure ML's).
Render = Callable[[Session, Run], Accepted]
T = TypeVar("T")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    # Database work stays off the event loop; waiting between attempts does not hold a thread.
    return await to_thread.run_sync(functools.partial(fn, *args))


async def respond_once(runtime: Runtime, workspace_id: str, principal_id: str, key: str | None, fingerprint: str,
                       create: Create, render: Render = runs.accepted) -> tuple[Accepted, bool]:
    """Runs `create` in a unit of work once per key; (the response, whether it is a replay).
    Without a key, simply runs it."""
    if key is None:
        return await _in_thread(_create, runtime, None, create), False
    check_key(key)
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    claim = _Claim(workspace_id, principal_id, key, fingerprint)
    while True:
        outcome = await _in_thread(_once, runtime, claim, create, render)
        if not isinstance(outcome, _Wait):
            return outcome.response, isinstance(outcome, _Replay)
        if time.monotonic() > deadline:
            raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly")
        await asyncio.sleep(POLL_SECONDS)


@dataclass(frozen=True)
class _Claim:
    workspace_id: str
    principal_id: str
    key: str
    fingerprint: str


class _Taken(Exception):
    """The key was claimed by another request (committed): roll back, and answer for it."""


def _once(runtime: Runtime, claim: _Claim, create: Create, render: Render) -> _Created | _Replay | _Wait:
    _sweep_expired(runtime)
    # A retry is answered from its claim before anything is checked again: the endpoint may
    # have been disabled since, and the retry must still get the run it created.
    found = _read_claim(runtime, claim, render)
    if found is not None:
        return found
    try:
        return _Created(_create(runtime, claim, create))
    except _Taken:
        return _read_claim(runtime, claim, render) or _Wait()


def _create(runtime: Runtime, claim: _Claim | None, create: Create) -> Accepted:
    with runtime.unit_of_work() as uow:
        response = create(uow)
        if claim is not None:
            now = utcnow()
            uow.session.add(IdempotencyKey(
                workspace_id=claim.workspace_id, principal_id=claim.principal_id, key=claim.key,
                request_hash=claim.fingerprint, run_id=response.run_id, status_code=response.status_code,
                response_body=response.body, response_headers=response.headers, created_at=now,
                expires_at=now + timedelta(hours=IDEMPOTENCY_HOURS)))
            try:
                uow.session.flush()
            except IntegrityError:
                raise _Taken() from None  # the unit of work rolls back the run with it
    return response


def _read_claim(runtime: Runtime, claim: _Claim, render: Render) -> _Replay | _Wait | None:
    """The committed claim on this key: its response to replay, or (an earlier version's
    claim, or an expired one) what to do before claiming again; None if there is none."""
    replay: Accepted | None = None
    # Read, then act in units of work of their own: on SQLite this read holds the write lock
    # until its session closes.
    with Session(runtime.engine, expire_on_commit=False) as session:
        existing = session.exec(select(IdempotencyKey).where(
            IdempotencyKey.principal_id == claim.principal_id, IdempotencyKey.key == claim.key)).first()
        if existing is None:
            return None
        expired = existing.expires_at <= utcnow()
        if not expired and existing.request_hash != claim.fingerprint:
            raise InvalidInput("this Idempotency-Key was used with a different request", errors=[{
                "loc": ["header", "Idempotency-Key"],
                "msg": "already used with another body or endpoint; use a new key for a new request"}])
        if not expired and existing.status_code is not None:
            return _Replay(Accepted(existing.run_id or "", existing.response_body or {},
                                    existing.response_headers or {}, existing.status_code))
        abandoned = utcnow() - existing.created_at > timedelta(seconds=LEASE_SECONDS)
        run = session.get(Run, existing.run_id) if not expired and abandoned and existing.run_id else None
        if run is not None:
            replay = render(session, run)
    if replay is not None:
        # An earlier version's request died after creating the run: answer for it, and keep the answer.
        _complete(runtime, existing.id, replay)
        return _Replay(replay)
    if expired or (abandoned and existing.run_id is None):
        # Forgotten (expired), or an earlier version's request died before creating anything.
        with UnitOfWork(runtime.engine) as uow:
            uow.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == existing.id))
    return _Wait()


def _complete(runtime: Runtime, claim_id: str, response: Accepted) -> None:
    with UnitOfWork(runtime.engine) as uow:
        found = uow.session.get(IdempotencyKey, claim_id)
        if found is not None:
            found.status_code = response.status_code
            found.response_body = response.body
            found.response_headers = response.headers
            uow.session.add(found)


SWEEP_EVERY_SECONDS = 60.0
_next_sweep = 0.0


def _sweep_expired(runtime: Runtime) -> None:
    """Forgets expired keys, at most once a minute per process (a key that expired since is
    also freed when it is sent again: `_read_claim`)."""
    global _next_sweep
    if time.monotonic() < _next_sweep:
        return
    _next_sweep = time.monotonic() + SWEEP_EVERY_SECONDS
    with UnitOfWork(runtime.engine) as uow:
        uow.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.expires_at) < utcnow()))
