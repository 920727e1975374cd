"""Queries for registered model versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.tables import ModelVersion


def names_page(session: Session, workspace_id: str, request: PageRequest) -> list[tuple[str, int, int, datetime]]:
    """(name, latest version, number of versions, last registration) per model, by name."""
    query = (select(ModelVersion.name, func.max(ModelVersion.version), func.count(col(ModelVersion.id)),
                    func.max(ModelVersion.created_at))
             .where(ModelVersion.workspace_id == workspace_id).group_by(col(ModelVersion.name)))
    if request.after:
        query = query.having(col(ModelVersion.name) > request.after)
    return [tuple(row) for row in session.exec(query.order_by(col(ModelVersion.name)).limit(request.limit + 1))]  # type: ignore[misc]


def versions_page(session: Session, workspace_id: str, name: str, request: PageRequest) -> list[ModelVersion]:
    """Newest first."""
    query = select(ModelVersion).where(ModelVersion.workspace_id == workspace_id, ModelVersion.name == name)
    before = request.after_number
    if before is not None:
        query = query.where(col(ModelVersion.version) < before)
    return list(session.exec(query.order_by(col(ModelVersion.version).desc()).limit(request.limit + 1)))


def version(session: Session, workspace_id: str, name: str, number: int) -> ModelVersion | None:
    return session.exec(select(ModelVersion).where(ModelVersion.workspace_id == workspace_id,
                                                   ModelVersion.name == name,
                                                   ModelVersion.version == number)).first()


def identical(session: Session, workspace_id: str, name: str, sha256: str) -> ModelVersion | None:
    """The newest version of model `name` whose file has this sha256."""
    return session.exec(select(ModelVersion).where(
        ModelVersion.workspace_id == workspace_id, ModelVersion.name == name, ModelVersion.sha256 == sha256)
        .order_by(col(ModelVersion.version).desc())).first()


def latest_number(session: Session, workspace_id: str, name: str) -> int:
    value = session.exec(select(func.max(ModelVersion.version)).where(
        ModelVersion.workspace_id == workspace_id, ModelVersion.name == name)).one()
    return value or 0
