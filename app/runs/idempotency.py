"""Idempotency-Key for requests that start a run, enforced by the database.

`respond_once` is the whole flow, on the event loop. On PostgreSQL, the request's
checks run as sync domain code on a session of the async engine (a check that must
reach a remote store, a data path in a bucket, sends them to the thread pool
instead); a request with a key then writes its claim, with the response it will
answer, together with its run, its steps and its message (the outbox) in one round
trip (`runs.record_now`, app.db.batch: one statement). On SQLite (in process, no round
trip to save) the checks and the same rows' one transaction take one thread-pool hop
on the sync driver (`runs.record_committed`). The unique constraint (principal, key) makes every concurrent request with
the same key fail that write (on PostgreSQL it waits for the first statement and
fails once it commits; on SQLite the write lock orders them), so exactly one of
them creates the run; the others write nothing and replay the stored response
(same status, body and Location). Keys are the caller's own: another principal of
the workspace sending the same key (a CI job's predictable one) gets a claim of its
own, never the first caller's run or a 422. The same key with a different request
is refused with 422. A request refused before it created anything writes nothing,
so the client may fix it and retry with the same key, and a request that dies
before its write leaves nothing behind. The checks read before the write, so
that on SQLite the write lock is held only for the inserts. Keys are kept for
`IDEMPOTENCY_HOURS`.

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
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from anyio import to_thread
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session as SyncSession
from sqlmodel import Session, col
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput
from app.db.async_engine import reading
from app.db.tables import IdempotencyKey, Run
from app.db.unit_of_work import UnitOfWork
from app.runs import service as runs
from app.runs.service import Accepted, Planned
from app.runtime import Runtime
from app.storage.base import OnEventLoop

IDEMPOTENCY_HOURS = 24
WAIT_FOR_FIRST_SECONDS = 30.0
LEASE_SECONDS = 60
POLL_SECONDS = 0.05
MAX_KEY_LENGTH = 255
MAX_REFUSED_WRITES = 3


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
class _Replay:
    response: Accepted


@dataclass(frozen=True)
class _Wait:
    pass


# What checks a request and builds its run with the answer it gets, reading in the session
# it is given (sync domain code: on the event loop through the async engine, or in the
# thread pool when a check must reach a remote store). The run is written by respond_once.
Create = Callable[[Session], tuple[Planned, Accepted]]
# How a route answers with a run read back from the database: a request of an earlier
# version that died after creating it is answered, on its retry, in the shape the route
# answers (ours, or Azure ML's).
Render = Callable[[Session, Run], Accepted]
T = TypeVar("T")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    # Rare paths (sweeping, claims of earlier versions) keep the sync session, off the loop.
    return await to_thread.run_sync(functools.partial(fn, *args))


@dataclass(frozen=True)
class _Claim:
    workspace_id: str
    principal_id: str
    key: str
    fingerprint: str

    def row(self, response: Accepted) -> IdempotencyKey:
        """The claim with the response it replays, written with the run."""
        now = utcnow()
        return IdempotencyKey(workspace_id=self.workspace_id, principal_id=self.principal_id, key=self.key,
                              request_hash=self.fingerprint, run_id=response.run_id,
                              status_code=response.status_code, response_body=response.body,
                              response_headers=response.headers, created_at=now,
                              expires_at=now + timedelta(hours=IDEMPOTENCY_HOURS))


async def respond_once(runtime: Runtime, engine: AsyncEngine, workspace_id: str, principal_id: str, key: str | None,
                       fingerprint: str, create: Create, render: Render = runs.accepted) -> tuple[Accepted, bool]:
    """Creates the run `create` plans once per key; (the response, whether it is a replay).
    Without a key, simply creates it. On the event loop: the checks read through `engine`,
    and the claim, the run, its steps and its message are one write (`runs.record_now`)."""
    claim = None
    if key is not None:
        check_key(key)
        claim = _Claim(workspace_id, principal_id, key, fingerprint)
        await _sweep_if_due(runtime)
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    refused = 0
    while True:
        # A retry is answered from its claim before anything is checked again: the endpoint
        # may have been disabled since, and the retry must still get the run it created.
        found = await _read_claim(runtime, engine, claim, render) if claim is not None else None
        if isinstance(found, _Replay):
            return found.response, True
        if found is None:
            try:
                return await _create(runtime, engine, create, claim), False
            except IntegrityError:
                # The key was claimed meanwhile (the claim is read again: replayed), or what the
                # run names changed since its checks (checked again: e.g. a 404 now).
                refused += 1
                if refused >= MAX_REFUSED_WRITES:
                    raise Conflict("what this run names changed while it was being recorded; retry") from None
                continue
        if time.monotonic() > deadline:
            raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly")
        await asyncio.sleep(POLL_SECONDS)


async def _create(runtime: Runtime, engine: AsyncEngine, create: Create, claim: _Claim | None) -> Accepted:
    """Checks the request and writes its run (with its claim): the response."""
    if runtime.settings.is_sqlite:
        # In process, there is no round trip to save: the checks and the write on the sync
        # driver in one thread-pool hop cost less than aiosqlite's hop per statement
        # (`python -m bench.hot`, embedded: 8.2 against 9.3 ms of CPU a submission).
        return await _in_thread(_create_in_thread, runtime, create, claim)
    planned, response = await _checked(runtime, engine, create)
    await runs.record_now(engine, runtime, planned, *_claimed(claim, response))
    return response


def _create_in_thread(runtime: Runtime, create: Create, claim: _Claim | None) -> Accepted:
    planned, response = _checked_in_thread(runtime, create)
    runs.record_committed(runtime, planned, *_claimed(claim, response))
    return response


def _claimed(claim: _Claim | None, response: Accepted) -> list[IdempotencyKey]:
    return [claim.row(response)] if claim is not None else []


async def _checked(runtime: Runtime, engine: AsyncEngine, create: Create) -> tuple[Planned, Accepted]:
    """`create` on the event loop, its reads on the async engine; again in the thread pool
    on the sync engine if a check must reach a remote store (a data path in a bucket)."""
    try:
        async with AsyncSession(engine) as session:
            # SQLModel's AsyncSession hands its own Session (with .exec) to run_sync.
            return await session.run_sync(cast(Callable[[SyncSession], tuple[Planned, Accepted]], create))
    except OnEventLoop:
        return await _in_thread(_checked_in_thread, runtime, create)


def _checked_in_thread(runtime: Runtime, create: Create) -> tuple[Planned, Accepted]:
    with runtime.read_session() as reader:
        return create(reader)


_CLAIMS = IdempotencyKey.__table__.c  # type: ignore[attr-defined]
_CLAIM = select(_CLAIMS.id, _CLAIMS.request_hash, _CLAIMS.run_id, _CLAIMS.status_code, _CLAIMS.response_body,
                _CLAIMS.response_headers, _CLAIMS.created_at, _CLAIMS.expires_at).where(
    _CLAIMS.principal_id == bindparam("principal_id"), _CLAIMS.key == bindparam("key"))


async def _read_claim(runtime: Runtime, engine: AsyncEngine, claim: _Claim, render: Render) -> _Replay | _Wait | None:
    """The committed claim on this key: its response to replay, or (an earlier version's
    claim, or an expired one) what to do before claiming again; None if there is none."""
    async with reading(engine) as connection:
        existing = (await connection.execute(_CLAIM, {"principal_id": claim.principal_id, "key": claim.key})).first()
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
    return await _in_thread(_settle, runtime, existing.id, existing.run_id, existing.created_at, expired, render)


def _settle(runtime: Runtime, claim_id: str, run_id: str | None, created_at: datetime, expired: bool,
            render: Render) -> _Replay | _Wait:
    """An expired claim, or one an earlier version committed on its own (its response
    written after the run's commit): forgotten, answered from its run, or waited for."""
    replay: Accepted | None = None
    abandoned = utcnow() - created_at > timedelta(seconds=LEASE_SECONDS)
    if not expired and abandoned and run_id:
        with Session(runtime.engine, expire_on_commit=False) as session:
            run = session.get(Run, run_id)
            if run is not None:
                replay = render(session, run)
    if replay is not None:
        # An earlier version's request died after creating the run: answer for it, and keep the answer.
        _complete(runtime, claim_id, replay)
        return _Replay(replay)
    if expired or (abandoned and run_id is None):
        # Forgotten (expired), or an earlier version's request died before creating anything.
        with UnitOfWork(runtime.engine) as uow:
            uow.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == claim_id))
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


async def _sweep_if_due(runtime: Runtime) -> None:
    """Forgets expired keys, at most once a minute per process (a key that expired since is
    also freed when it is sent again: `_settle`)."""
    global _next_sweep
    if time.monotonic() < _next_sweep:
        return
    _next_sweep = time.monotonic() + SWEEP_EVERY_SECONDS
    await _in_thread(_sweep, runtime)


def _sweep(runtime: Runtime) -> None:
    with UnitOfWork(runtime.engine) as uow:
        uow.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.expires_at) < utcnow()))
