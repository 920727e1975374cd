"""Queries for pipeline drafts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.tables import Pipeline


def get(session: Session, workspace_id: str, pipeline_id: str) -> Pipeline | None:
    return session.exec(select(Pipeline).where(Pipeline.id == pipeline_id, Pipeline.workspace_id == workspace_id,
                                               col(Pipeline.deleted_at).is_(None))).first()


def page(session: Session, workspace_id: str, request: PageRequest) -> list[Pipeline]:
    query = select(Pipeline).where(Pipeline.workspace_id == workspace_id, col(Pipeline.deleted_at).is_(None))
    if request.after:
        query = query.where(col(Pipeline.id) > request.after)
    return list(session.exec(query.order_by(col(Pipeline.id)).limit(request.limit + 1)))
