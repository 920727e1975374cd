"""Queries for deployments and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, update
from sqlalchemy import delete as delete_rows
from sqlalchemy import select as core_select
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Session, col, select

from app.core.paging import PageRequest, invalid_cursor
from app.db.tables import Deployment, DeploymentEvent, DriftCheck, PredictionFeedback


def by_name(session: Session, workspace_id: str, name: str, *, for_update: bool = False) -> Deployment | None:
    """`for_update`: the row locked to the end of the transaction (PostgreSQL; SQLite's write
    transactions begin IMMEDIATE and so hold the database), for a change that depends on
    what it reads, as the gate's decision does (app.deployments.gate.record)."""
    query = select(Deployment).where(Deployment.workspace_id == workspace_id, Deployment.name == name)
    return session.exec(query.with_for_update() if for_update else query).first()


_DEPLOYMENTS = Deployment.__table__.c  # type: ignore[attr-defined]
# Built once, with bound parameters: a statement object keeps its cache key, so a
# prediction neither builds the expression nor computes that key again.
_SERVING = core_select(*(_DEPLOYMENTS[c] for c in ("id", "model", "version", "enabled", "monitor"))).where(
    _DEPLOYMENTS.workspace_id == bindparam("workspace_id"), _DEPLOYMENTS.name == bindparam("name"))


async def serving_columns(connection: AsyncConnection, workspace_id: str, name: str) -> Row[Any] | None:
    """What a prediction needs of its deployment, on the async engine: id, model, version,
    enabled, monitor (plain columns, no ORM object)."""
    return (await connection.execute(_SERVING, {"workspace_id": workspace_id, "name": name})).first()


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


_EVENTS = DeploymentEvent.__table__.c  # type: ignore[attr-defined]
# What runs did to deployments, as plain columns (run_id, the deployment's name, reason,
# from_version, to_version, message, metrics), by name: built once, with bound parameters,
# for the sync sessions and for the API's async reads alike.
_RUN_EFFECTS = (
    core_select(_EVENTS.run_id, _DEPLOYMENTS.name, _EVENTS.reason, _EVENTS.from_version, _EVENTS.to_version,
                _EVENTS.message, _EVENTS.metrics)
    .select_from(DeploymentEvent.__table__.join(  # type: ignore[attr-defined]
        Deployment.__table__, _DEPLOYMENTS.id == _EVENTS.deployment_id))  # type: ignore[attr-defined]
    .where(_EVENTS.run_id.in_(bindparam("run_ids", expanding=True)))
    .order_by(_DEPLOYMENTS.name))


def events_of_runs(session: Session, run_ids: list[str]) -> list[Row[Any]]:
    """What runs did to deployments (the columns of `_RUN_EFFECTS`)."""
    return list(session.execute(_RUN_EFFECTS, {"run_ids": run_ids})) if run_ids else []


async def events_of_runs_read(connection: AsyncConnection, run_ids: list[str]) -> list[Row[Any]]:
    """`events_of_runs` on the async engine."""
    return list(await connection.execute(_RUN_EFFECTS, {"run_ids": run_ids})) if run_ids else []


def delete(session: Session, deployment: Deployment) -> None:
    for event in session.exec(select(DeploymentEvent).where(DeploymentEvent.deployment_id == deployment.id)):
        session.delete(event)
    session.execute(delete_rows(DriftCheck).where(col(DriftCheck.deployment_id) == deployment.id))
    session.execute(delete_rows(PredictionFeedback).where(col(PredictionFeedback.deployment_id) == deployment.id))
    session.flush()
    session.delete(deployment)


# Scheduled drift checks -------------------------------------------------------------------


def by_id(session: Session, deployment_id: str, *, for_update: bool = False) -> Deployment | None:
    query = select(Deployment).where(Deployment.id == deployment_id)
    return session.exec(query.with_for_update() if for_update else query).first()


def due_checks(session: Session, now: datetime, limit: int) -> list[str]:
    """Enabled deployments whose drift check is due."""
    return list(session.exec(select(Deployment.id).where(col(Deployment.enabled).is_(True),
                                                         col(Deployment.next_check_at) <= now)
                             .order_by(col(Deployment.next_check_at)).limit(limit)))


def move_check_on(session: Session, deployment_id: str, expected: datetime, to: datetime) -> bool:
    """Sets `next_check_at` from `expected` to `to`; False when another scheduler did first."""
    result = session.execute(update(Deployment).where(col(Deployment.id) == deployment_id,
                                                      col(Deployment.next_check_at) == expected)
                             .values(next_check_at=to))
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def last_measured_check(session: Session, deployment_id: str) -> DriftCheck | None:
    """The newest check that had enough rows to measure drift."""
    return session.exec(select(DriftCheck).where(DriftCheck.deployment_id == deployment_id,
                                                 col(DriftCheck.enough_rows).is_(True))
                        .order_by(col(DriftCheck.id).desc()).limit(1)).first()


def episode_run(session: Session, deployment_id: str, episode_id: str) -> str | None:
    """The retrain run a check of this episode submitted."""
    return session.exec(select(DriftCheck.run_id).where(DriftCheck.deployment_id == deployment_id,
                                                        DriftCheck.episode_id == episode_id,
                                                        col(DriftCheck.run_id).is_not(None)).limit(1)).first()


def last_retrain(session: Session, deployment_id: str) -> DriftCheck | None:
    """The newest check that submitted a retrain run."""
    return session.exec(select(DriftCheck).where(DriftCheck.deployment_id == deployment_id,
                                                 col(DriftCheck.run_id).is_not(None))
                        .order_by(col(DriftCheck.id).desc()).limit(1)).first()


def prune_checks(session: Session, deployment_id: str, before: datetime) -> None:
    """Deletes the deployment's checks older than `before`, but those that began an episode
    or submitted a run (episodes and cooldowns are decided from them)."""
    session.execute(delete_rows(DriftCheck).where(
        col(DriftCheck.deployment_id) == deployment_id, col(DriftCheck.at) < before,
        col(DriftCheck.run_id).is_(None),
        (col(DriftCheck.episode_id).is_(None)) | (col(DriftCheck.episode_id) != col(DriftCheck.id))))


def checks_page(session: Session, deployment_id: str, request: PageRequest) -> list[DriftCheck]:
    """Newest first; the cursor is the last check's id."""
    query = select(DriftCheck).where(DriftCheck.deployment_id == deployment_id)
    if request.after:
        query = query.where(col(DriftCheck.id) < request.after)
    return list(session.exec(query.order_by(col(DriftCheck.id).desc()).limit(request.limit + 1)))


# Feedback ---------------------------------------------------------------------------------


def feedback_of(session: Session, deployment_id: str, prediction_ids: list[str]) -> dict[str, PredictionFeedback]:
    if not prediction_ids:
        return {}
    rows = session.exec(select(PredictionFeedback).where(
        PredictionFeedback.deployment_id == deployment_id, col(PredictionFeedback.prediction_id).in_(prediction_ids)))
    return {row.prediction_id: row for row in rows}


def add_feedback(session: Session, row: PredictionFeedback) -> bool:
    """Inserts the label; False when the prediction has one already (sent concurrently)."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def feedback_in(session: Session, deployment_id: str, since: datetime, until: datetime, limit: int
                ) -> list[tuple[int, Any, float | None, Any]]:
    """(version, prediction, score, label) of the labelled predictions made in [since,
    until], the newest `limit` at most."""
    rows = session.exec(select(PredictionFeedback.version, PredictionFeedback.prediction, PredictionFeedback.score,
                               PredictionFeedback.label)
                        .where(PredictionFeedback.deployment_id == deployment_id,
                               col(PredictionFeedback.predicted_at) >= since,
                               col(PredictionFeedback.predicted_at) <= until)
                        .order_by(col(PredictionFeedback.predicted_at).desc()).limit(limit))
    return [(r[0], r[1], r[2], r[3]) for r in rows]
