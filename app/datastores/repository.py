"""Queries for datastores."""

from __future__ import annotations

import hashlib

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from app.db.tables import Datastore, Workspace


def by_name(session: Session, workspace_id: str, name: str) -> Datastore | None:
    return session.exec(select(Datastore).where(Datastore.workspace_id == workspace_id,
                                                Datastore.name == name)).first()


def names(session: Session, workspace_id: str) -> set[str]:
    return set(session.exec(select(Datastore.name).where(Datastore.workspace_id == workspace_id)))


def list_all(session: Session, workspace_id: str) -> list[Datastore]:
    return list(session.exec(select(Datastore).where(Datastore.workspace_id == workspace_id)
                             .order_by(Datastore.name)))


def s3_in_bucket(session: Session, bucket: str) -> list[Datastore]:
    """The S3 datastores of every workspace in `bucket` (any prefix, any endpoint)."""
    return list(session.exec(select(Datastore).where(
        Datastore.kind == "s3",
        or_(col(Datastore.url) == f"s3://{bucket}", col(Datastore.url).startswith(f"s3://{bucket}/", autoescape=True)))))


def lock_bucket(session: Session, bucket: str) -> None:
    """Serializes the creations of datastores in `bucket` until the transaction ends. On
    PostgreSQL, a transaction-level advisory lock keyed by the bucket's name; SQLite's
    writing transactions already run one at a time (BEGIN IMMEDIATE, app.db.engine)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(f"retrainer:s3-bucket:{bucket}".encode(), digest_size=8).digest(),
                         "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def workspace_name(session: Session, workspace_id: str) -> str:
    return session.exec(select(Workspace.name).where(Workspace.id == workspace_id)).one()
