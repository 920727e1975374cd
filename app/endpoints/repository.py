"""Queries for endpoints and their versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.tables import Endpoint, EndpointVersion


def by_id_or_name(session: Session, workspace_id: str, ref: str) -> Endpoint | None:
    query = select(Endpoint).where(Endpoint.workspace_id == workspace_id)
    found = session.exec(query.where(Endpoint.id == ref)).first() if ref.startswith("ep_") else None
    return found or session.exec(query.where(Endpoint.name == ref)).first()


def with_version(session: Session, workspace_id: str, ref: str,
                 number: int | None) -> tuple[Endpoint, EndpointVersion | None] | None:
    """The endpoint `ref` (its id, else its name) with its version `number` (None: its
    default version) in one query: a submission's first read."""
    wanted = number if number is not None else col(Endpoint.default_version)
    query = (select(Endpoint, EndpointVersion)
             .outerjoin(EndpointVersion, (col(EndpointVersion.endpoint_id) == Endpoint.id)
                        & (col(EndpointVersion.version) == wanted))
             .where(Endpoint.workspace_id == workspace_id, or_(col(Endpoint.id) == ref, col(Endpoint.name) == ref)))
    rows = session.exec(query).all()
    for endpoint, version in sorted(rows, key=lambda row: row[0].id != ref):  # the id first
        return endpoint, version
    return None


def by_name(session: Session, workspace_id: str, name: str) -> Endpoint | None:
    return session.exec(select(Endpoint).where(Endpoint.workspace_id == workspace_id, Endpoint.name == name)).first()


def page(session: Session, workspace_id: str, request: PageRequest) -> list[Endpoint]:
    query = select(Endpoint).where(Endpoint.workspace_id == workspace_id)
    if request.after:
        query = query.where(col(Endpoint.id) > request.after)
    return list(session.exec(query.order_by(col(Endpoint.id)).limit(request.limit + 1)))


def version(session: Session, endpoint_id: str, number: int) -> EndpointVersion | None:
    return session.exec(select(EndpointVersion).where(EndpointVersion.endpoint_id == endpoint_id,
                                                      EndpointVersion.version == number)).first()


def versions_page(session: Session, endpoint_id: str, request: PageRequest) -> list[EndpointVersion]:
    query = select(EndpointVersion).where(EndpointVersion.endpoint_id == endpoint_id)
    after = request.after_number
    if after is not None:
        query = query.where(col(EndpointVersion.version) > after)
    return list(session.exec(query.order_by(col(EndpointVersion.version)).limit(request.limit + 1)))


def latest_versions(session: Session, endpoint_ids: Sequence[str]) -> dict[str, int]:
    if not endpoint_ids:
        return {}
    rows = session.exec(select(EndpointVersion.endpoint_id, func.max(EndpointVersion.version))
                        .where(col(EndpointVersion.endpoint_id).in_(endpoint_ids))
                        .group_by(col(EndpointVersion.endpoint_id)))
    return dict(rows.all())


def latest_version(session: Session, endpoint_id: str) -> int:
    return latest_versions(session, [endpoint_id]).get(endpoint_id, 0)


def by_published_id(session: Session, workspace_id: str,
                    published_pipeline_id: str) -> tuple[Endpoint, EndpointVersion] | None:
    row = session.exec(select(Endpoint, EndpointVersion)
                       .join(EndpointVersion, col(EndpointVersion.endpoint_id) == col(Endpoint.id))
                       .where(Endpoint.workspace_id == workspace_id,
                              EndpointVersion.published_pipeline_id == published_pipeline_id)).first()
    return (row[0], row[1]) if row is not None else None
