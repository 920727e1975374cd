"""Queries for registered model versions."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from app.db.tables import ModelVersion


def names(session: Session, workspace_id: str, after: str | None, limit: int) -> list[tuple]:
    query = (select(ModelVersion.name, func.max(ModelVersion.version), func.count(ModelVersion.id),
                    func.max(ModelVersion.created_at))
             .where(ModelVersion.workspace_id == workspace_id).group_by(ModelVersion.name))
    if after:
        query = query.having(ModelVersion.name > after)
    return list(session.exec(query.order_by(ModelVersion.name).limit(limit + 1)))


def versions(session: Session, workspace_id: str, name: str, before: int | None, limit: int) -> list[ModelVersion]:
    query = select(ModelVersion).where(ModelVersion.workspace_id == workspace_id, ModelVersion.name == name)
    if before is not None:
        query = query.where(ModelVersion.version < before)
    return list(session.exec(query.order_by(ModelVersion.version.desc()).limit(limit + 1)))


def version(session: Session, workspace_id: str, name: str, number: int) -> ModelVersion | None:
    return session.exec(select(ModelVersion).where(ModelVersion.workspace_id == workspace_id,
                                                   ModelVersion.name == name,
                                                   ModelVersion.version == number)).first()


def latest_number(session: Session, workspace_id: str, name: str) -> int:
    value = session.exec(select(func.max(ModelVersion.version)).where(
        ModelVersion.workspace_id == workspace_id, ModelVersion.name == name)).one()
    return value or 0
