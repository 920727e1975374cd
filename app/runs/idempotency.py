"""Idempotency-Key for run creation, enforced by the database.

The first request with a key INSERTs a claim row; the unique constraint
(workspace, key) makes every concurrent request with the same key fail that
insert, so exactly one of them creates the run. The others wait for the
claim's stored response and replay it (same status, body and Location). The
same key with a different request is refused with 422. A request refused
before it created anything releases its claim, so the client may fix it and
retry with the same key. The run's id is written to the claim in the run's
own transaction, so a request that dies after creating the run is replayed,
never repeated; a claim left by a request that died earlier is freed after
`LEASE_SECONDS`. Keys are kept for `IDEMPOTENCY_HOURS`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput
from app.db.tables import IdempotencyKey

IDEMPOTENCY_HOURS = 24
WAIT_FOR_FIRST_SECONDS = 30.0
MAX_KEY_LENGTH = 255


def request_hash(method: str, path: str, body: dict[str, Any]) -> str:
    canonical = json.dumps({"method": method, "path": path, "body": body}, sort_keys=True,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Replay:
    status_code: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Claim:
    id: str


@dataclass
class Created:
    """The claim's request created this run but did not store its response (it died)."""

    claim: Claim
    run_id: str


LEASE_SECONDS = 60


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput("invalid Idempotency-Key", errors=[{
            "loc": ["header", "Idempotency-Key"],
            "msg": f"use 1 to {MAX_KEY_LENGTH} printable characters, e.g. a UUID"}])


def claim(session: Session, workspace_id: str, key: str, fingerprint: str) -> Claim | Replay | Created:
    """Commits the claim in its own transaction, before anything is created. Uses the
    request's session (one connection): on SQLite a second connection of the same request
    would wait on the first one's lock."""
    _check_key(key)
    session.commit()
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    while True:
        now = utcnow()
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at < now))
        row = IdempotencyKey(workspace_id=workspace_id, key=key, request_hash=fingerprint,
                             expires_at=now + timedelta(hours=IDEMPOTENCY_HOURS))
        session.add(row)
        try:
            session.commit()
            return Claim(row.id)
        except IntegrityError:
            session.rollback()
        existing = session.exec(select(IdempotencyKey).where(
            IdempotencyKey.workspace_id == workspace_id, IdempotencyKey.key == key)).first()
        session.commit()  # end the read: the first request needs the lock to finish
        if existing is None:
            continue  # released between our insert and our read: try to claim again
        if existing.request_hash != fingerprint:
            raise InvalidInput("this Idempotency-Key was used with a different request", errors=[{
                "loc": ["header", "Idempotency-Key"],
                "msg": "already used with another body or endpoint; use a new key for a new request"}])
        if existing.status_code is not None:
            return Replay(existing.status_code, existing.response_body or {}, existing.response_headers or {})
        if existing.run_id is not None and utcnow() - existing.created_at > timedelta(seconds=LEASE_SECONDS):
            return Created(Claim(existing.id), existing.run_id)
        if existing.run_id is None and utcnow() - existing.created_at > timedelta(seconds=LEASE_SECONDS):
            # Its request died before creating anything: the claim is free again.
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == existing.id,
                                                         IdempotencyKey.run_id.is_(None),
                                                         IdempotencyKey.status_code.is_(None)))
            session.commit()
            continue
        if time.monotonic() > deadline:
            raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly")
        time.sleep(0.05)


def bind_run(claim_: Claim):
    """A hook for create_run: records the run on the claim in the run's own transaction."""

    def _bind(session: Session, run) -> None:
        row = session.get(IdempotencyKey, claim_.id)
        row.run_id = run.id
        session.add(row)

    return _bind


def complete(session: Session, claim_: Claim, status_code: int, body: dict[str, Any],
             headers: dict[str, str]) -> None:
    row = session.get(IdempotencyKey, claim_.id)
    row.status_code = status_code
    row.response_body = body
    row.response_headers = headers
    session.add(row)
    session.commit()


def release(session: Session, claim_: Claim) -> None:
    """Frees the key after a refused request; never once a run was created under it."""
    session.rollback()
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_.id, IdempotencyKey.run_id.is_(None)))
    session.commit()
