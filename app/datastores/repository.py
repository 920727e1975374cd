"""Queries for datastores."""

from __future__ import annotations

from sqlmodel import Session, select

from app.db.tables import Datastore


def by_name(session: Session, workspace_id: str, name: str) -> Datastore | None:
    return session.exec(select(Datastore).where(Datastore.workspace_id == workspace_id,
                                                Datastore.name == name)).first()


def names(session: Session, workspace_id: str) -> set[str]:
    return set(session.exec(select(Datastore.name).where(Datastore.workspace_id == workspace_id)))


def list_all(session: Session, workspace_id: str) -> list[Datastore]:
    return list(session.exec(select(Datastore).where(Datastore.workspace_id == workspace_id)
                             .order_by(Datastore.name)))
