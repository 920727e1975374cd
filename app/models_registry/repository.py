"""Queries for registered model versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.numbering import insert_next_number
from app.db.tables import ModelVersion, Run


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


def register(session: Session, run: Run, fields: dict[str, Any], *, reused: bool = False) -> ModelVersion:
    """The next version of model `fields["name"]` in the run's workspace, in the caller's
    transaction (a run's success and its model versions commit together). A model whose
    train step was `reused` from an earlier run is the version that run registered (same
    name and sha256): a new one would be a copy. Only when there is none (the earlier run
    failed after training, or named its model otherwise) is a version registered."""
    name = fields["name"]
    if reused:
        found = identical(session, run.workspace_id, name, fields["sha256"])
        if found is not None:
            return found
    return insert_next_number(
        session, lambda: latest_number(session, run.workspace_id, name),
        lambda number: ModelVersion(workspace_id=run.workspace_id, version=number, run_id=run.id, **fields))
