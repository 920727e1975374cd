"""Queries for endpoints and their versions."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from app.db.tables import Endpoint, EndpointVersion


def by_id_or_name(session: Session, workspace_id: str, ref: str) -> Endpoint | None:
    query = select(Endpoint).where(Endpoint.workspace_id == workspace_id)
    found = session.exec(query.where(Endpoint.id == ref)).first() if ref.startswith("ep_") else None
    return found or session.exec(query.where(Endpoint.name == ref)).first()


def by_name(session: Session, workspace_id: str, name: str) -> Endpoint | None:
    return session.exec(select(Endpoint).where(Endpoint.workspace_id == workspace_id, Endpoint.name == name)).first()


def list_page(session: Session, workspace_id: str, after_id: str | None, limit: int) -> list[Endpoint]:
    query = select(Endpoint).where(Endpoint.workspace_id == workspace_id)
    if after_id:
        query = query.where(Endpoint.id > after_id)
    return list(session.exec(query.order_by(Endpoint.id).limit(limit + 1)))


def version(session: Session, endpoint_id: str, number: int) -> EndpointVersion | None:
    return session.exec(select(EndpointVersion).where(EndpointVersion.endpoint_id == endpoint_id,
                                                      EndpointVersion.version == number)).first()


def versions(session: Session, endpoint_id: str, after: int | None, limit: int) -> list[EndpointVersion]:
    query = select(EndpointVersion).where(EndpointVersion.endpoint_id == endpoint_id)
    if after is not None:
        query = query.where(EndpointVersion.version > after)
    return list(session.exec(query.order_by(EndpointVersion.version).limit(limit + 1)))


def latest_versions(session: Session, endpoint_ids: list[str]) -> dict[str, int]:
    if not endpoint_ids:
        return {}
    rows = session.exec(select(EndpointVersion.endpoint_id, func.max(EndpointVersion.version))
                        .where(EndpointVersion.endpoint_id.in_(endpoint_ids))
                        .group_by(EndpointVersion.endpoint_id))
    return {endpoint_id: latest for endpoint_id, latest in rows.all()}
