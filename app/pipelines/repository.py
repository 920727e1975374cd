"""Queries for pipeline drafts."""

from __future__ import annotations

from sqlmodel import Session, select

from app.db.tables import Pipeline


def get(session: Session, workspace_id: str, pipeline_id: str) -> Pipeline | None:
    return session.exec(select(Pipeline).where(Pipeline.id == pipeline_id, Pipeline.workspace_id == workspace_id,
                                               Pipeline.deleted_at.is_(None))).first()


def list_page(session: Session, workspace_id: str, after_id: str | None, limit: int) -> list[Pipeline]:
    query = select(Pipeline).where(Pipeline.workspace_id == workspace_id, Pipeline.deleted_at.is_(None))
    if after_id:
        query = query.where(Pipeline.id > after_id)
    return list(session.exec(query.order_by(Pipeline.id).limit(limit + 1)))
