"""Queries for deployments and their history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Session, col, select

from app.core.paging import PageRequest, invalid_cursor
from app.db.tables import Deployment, DeploymentEvent


def by_name(session: Session, workspace_id: str, name: str, *, for_update: bool = False) -> Deployment | None:
    """`for_update`: the row locked to the end of the transaction (PostgreSQL; SQLite's write
    transactions begin IMMEDIATE and so hold the database), for a change that depends on
    what it reads, as the gate's decision does (app.deployments.gate.record)."""
    query = select(Deployment).where(Deployment.workspace_id == workspace_id, Deployment.name == name)
    return session.exec(query.with_for_update() if for_update else query).first()


async def serving_columns(connection: AsyncConnection, workspace_id: str, name: str) -> Row[Any] | None:
    """What a prediction needs of its deployment, on the async engine: id, model, version,
    enabled, monitor (plain columns, no ORM object)."""
    table = Deployment.__table__.c  # type: ignore[attr-defined]
    query = core_select(*(table[c] for c in ("id", "model", "version", "enabled", "monitor"))).where(
        table.workspace_id == workspace_id, table.name == name)
    return (await connection.execute(query)).first()


def enabled(session: Session, limit: int) -> list[Deployment]:
    """Enabled deployments of every workspace, most recently changed first."""
    return list(session.exec(select(Deployment).where(Deployment.enabled == True)  # noqa: E712
                             .order_by(col(Deployment.updated_at).desc()).limit(limit)))


def page(session: Session, workspace_id: str, request: PageRequest) -> list[Deployment]:
    query = select(Deployment).where(Deployment.workspace_id == workspace_id)
    if request.after:
        query = query.where(col(Deployment.name) > request.after)
    return list(session.exec(query.order_by(col(Deployment.name)).limit(request.limit + 1)))


def events_page(session: Session, deployment_id: str, request: PageRequest) -> list[DeploymentEvent]:
    """Newest first; the cursor is the last event's `at|id`."""
    query = select(DeploymentEvent).where(DeploymentEvent.deployment_id == deployment_id)
    if request.after:
        _, _, after_id = request.after.partition("|")
        last = session.get(DeploymentEvent, after_id)
        if last is None or last.deployment_id != deployment_id:
            raise invalid_cursor()
        query = query.where((col(DeploymentEvent.at) < last.at)
                            | ((col(DeploymentEvent.at) == last.at) & (col(DeploymentEvent.id) < last.id)))
    return list(session.exec(query.order_by(col(DeploymentEvent.at).desc(), col(DeploymentEvent.id).desc())
                             .limit(request.limit + 1)))


def events_of_runs(session: Session, run_ids: list[str]) -> dict[str, list[tuple[DeploymentEvent, str]]]:
    """What runs did to deployments: run id -> [(event, deployment name)], by name."""
    if not run_ids:
        return {}
    rows = session.exec(select(DeploymentEvent, Deployment.name).join(
        Deployment, col(Deployment.id) == col(DeploymentEvent.deployment_id))
        .where(col(DeploymentEvent.run_id).in_(run_ids)).order_by(col(Deployment.name)))
    out: dict[str, list[tuple[DeploymentEvent, str]]] = {}
    for event, name in rows:
        out.setdefault(event.run_id or "", []).append((event, name))
    return out


def delete(session: Session, deployment: Deployment) -> None:
    for event in session.exec(select(DeploymentEvent).where(DeploymentEvent.deployment_id == deployment.id)):
        session.delete(event)
    session.flush()
    session.delete(deployment)
