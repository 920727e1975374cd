"""Idempotency-Key for requests that start a run, enforced by the database.

`respond_once` is the whole flow. The first request with a key INSERTs a claim
row in a transaction of its own; the unique constraint (principal, key) makes
every concurrent request with the same key fail that insert, so exactly one of
them creates the run. Keys are the caller's own: another principal of the
workspace sending the same key (a CI job's predictable one) gets a claim of its
own, never the first caller's run or a 422. The others wait for the claim's stored response and
replay it (same status, body and Location). The same key with a different
request is refused with 422. A request refused before it created anything
releases its claim, so the client may fix it and retry with the same key. The
run's id is written to the claim in the run's own transaction, so a request
that dies after creating the run is replayed, never repeated; a claim left by
a request that died before creating anything is freed after `LEASE_SECONDS`.
Keys are kept for `IDEMPOTENCY_HOURS`.
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
class _Claimed:
    claim_id: str


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
    while True:
        outcome = await _in_thread(_claim_or_read, runtime, workspace_id, principal_id, key, fingerprint, render)
        if isinstance(outcome, _Replay):
            return outcome.response, True
        if isinstance(outcome, _Claimed):
            break
        if time.monotonic() > deadline:
            raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly")
        await asyncio.sleep(POLL_SECONDS)
    try:
        response = await _in_thread(_create, runtime, outcome.claim_id, create)
    except BaseException:
        await _in_thread(_release, runtime, outcome.claim_id)  # a no-op once the run exists
        raise
    await _in_thread(_complete, runtime, outcome.claim_id, response)
    return response, False


def _create(runtime: Runtime, claim_id: str | None, create: Create) -> Accepted:
    with runtime.unit_of_work() as uow:
        response = create(uow)
        if claim_id is not None:
            # In the run's own transaction: a request that dies after this commit is
            # replayed from the run, never repeated.
            claim = uow.session.get_one(IdempotencyKey, claim_id)
            claim.run_id = response.run_id
            uow.session.add(claim)
    return response


def _claim_or_read(runtime: Runtime, workspace_id: str, principal_id: str, key: str,
                   fingerprint: str, render: Render) -> _Claimed | _Replay | _Wait:
    now = utcnow()
    with UnitOfWork(runtime.engine) as uow:
        uow.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.expires_at) < now))
    row = IdempotencyKey(workspace_id=workspace_id, principal_id=principal_id, key=key, request_hash=fingerprint,
                         expires_at=now + timedelta(hours=IDEMPOTENCY_HOURS))
    try:
        with UnitOfWork(runtime.engine) as uow:
            uow.session.add(row)
        return _Claimed(row.id)
    except IntegrityError:
        pass
    # Read, then act in units of work of their own: on SQLite this read holds the write lock
    # until its session closes.
    replay: Accepted | None = None
    with Session(runtime.engine, expire_on_commit=False) as session:
        existing = session.exec(select(IdempotencyKey).where(
            IdempotencyKey.principal_id == principal_id, IdempotencyKey.key == key)).first()
        if existing is None:
            return _Wait()  # released between our insert and our read: claim again
        if existing.request_hash != fingerprint:
            raise InvalidInput("this Idempotency-Key was used with a different request", errors=[{
                "loc": ["header", "Idempotency-Key"],
                "msg": "already used with another body or endpoint; use a new key for a new request"}])
        if existing.status_code is not None:
            return _Replay(Accepted(existing.run_id or "", existing.response_body or {},
                                    existing.response_headers or {}, existing.status_code))
        abandoned = utcnow() - existing.created_at > timedelta(seconds=LEASE_SECONDS)
        run = session.get(Run, existing.run_id) if abandoned and existing.run_id is not None else None
        if run is not None:
            replay = render(session, run)
    if replay is not None:
        # Its request died after creating the run: answer for it, and keep the answer.
        _complete(runtime, existing.id, replay)
        return _Replay(replay)
    if abandoned and existing.run_id is None:
        # Its request died before creating anything: the claim is free again.
        with UnitOfWork(runtime.engine) as uow:
            uow.session.execute(delete(IdempotencyKey).where(
                col(IdempotencyKey.id) == existing.id, col(IdempotencyKey.run_id).is_(None),
                col(IdempotencyKey.status_code).is_(None)))
    return _Wait()


def _complete(runtime: Runtime, claim_id: str, response: Accepted) -> None:
    with UnitOfWork(runtime.engine) as uow:
        claim = uow.session.get(IdempotencyKey, claim_id)
        if claim is not None:
            claim.status_code = response.status_code
            claim.response_body = response.body
            claim.response_headers = response.headers
            uow.session.add(claim)


def _release(runtime: Runtime, claim_id: str) -> None:
    """Frees the key after a refused request; never once a run was created under it."""
    with UnitOfWork(runtime.engine) as uow:
        uow.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == claim_id,
                                                         col(IdempotencyKey.run_id).is_(None)))
