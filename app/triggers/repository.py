"""Queries for triggers, their firings and their data cursors.

A firing is claimed by inserting it: the unique (trigger_id, key) constraint lets one
scheduler (or request) win, however many run at once. Moving a schedule on is a
compare-and-set on `next_fire_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.tables import Trigger, TriggerFile, TriggerFiring


def get(session: Session, workspace_id: str, trigger_id: str) -> Trigger | None:
    return session.exec(select(Trigger).where(Trigger.id == trigger_id, Trigger.workspace_id == workspace_id)).first()


def by_id(session: Session, trigger_id: str) -> Trigger | None:
    return session.get(Trigger, trigger_id)


def by_name(session: Session, endpoint_id: str, name: str) -> Trigger | None:
    return session.exec(select(Trigger).where(Trigger.endpoint_id == endpoint_id, Trigger.name == name)).first()


def page(session: Session, endpoint_id: str, request: PageRequest) -> list[Trigger]:
    query = select(Trigger).where(Trigger.endpoint_id == endpoint_id)
    if request.after:
        query = query.where(col(Trigger.id) > request.after)
    return list(session.exec(query.order_by(col(Trigger.id)).limit(request.limit + 1)))


def firings_page(session: Session, trigger_id: str, request: PageRequest) -> list[TriggerFiring]:
    """Newest first."""
    query = select(TriggerFiring).where(TriggerFiring.trigger_id == trigger_id)
    if request.after:
        query = query.where(col(TriggerFiring.id) < request.after)
    return list(session.exec(query.order_by(col(TriggerFiring.id).desc()).limit(request.limit + 1)))


def last_firings(session: Session, trigger_ids: Sequence[str]) -> dict[str, TriggerFiring]:
    if not trigger_ids:
        return {}
    newest = (select(TriggerFiring.trigger_id, func.max(TriggerFiring.id).label("id"))
              .where(col(TriggerFiring.trigger_id).in_(trigger_ids)).group_by(col(TriggerFiring.trigger_id))
              .subquery())
    rows = session.exec(select(TriggerFiring).join(newest, col(TriggerFiring.id) == newest.c.id))
    return {row.trigger_id: row for row in rows}


def last_run_id(session: Session, trigger_id: str) -> str | None:
    """The run of the trigger's newest submitted firing."""
    return session.exec(select(TriggerFiring.run_id)
                        .where(TriggerFiring.trigger_id == trigger_id, col(TriggerFiring.run_id).is_not(None))
                        .order_by(col(TriggerFiring.id).desc()).limit(1)).first()


def has_waiting(session: Session, trigger_id: str) -> bool:
    return session.exec(select(TriggerFiring.id).where(TriggerFiring.trigger_id == trigger_id,
                                                       TriggerFiring.outcome == "waiting").limit(1)).first() is not None


def waiting(session: Session, limit: int) -> list[TriggerFiring]:
    return list(session.exec(select(TriggerFiring).where(TriggerFiring.outcome == "waiting")
                             .order_by(col(TriggerFiring.id)).limit(limit)))


def due(session: Session, kind: str, now: datetime, limit: int) -> list[str]:
    """Enabled triggers of `kind` whose next slot (or look at the data) is due."""
    return list(session.exec(select(Trigger.id).where(Trigger.kind == kind, col(Trigger.enabled).is_(True),
                                                      col(Trigger.next_fire_at) <= now)
                             .order_by(col(Trigger.next_fire_at)).limit(limit)))


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def move_on(session: Session, trigger_id: str, expected: datetime, to: datetime | None) -> bool:
    """Sets `next_fire_at` from `expected` to `to`; False when another scheduler did first."""
    return _rowcount(session.execute(
        update(Trigger).where(col(Trigger.id) == trigger_id, col(Trigger.next_fire_at) == expected,
                              col(Trigger.enabled).is_(True))
        .values(next_fire_at=to))) == 1


def claim(session: Session, firing: TriggerFiring) -> bool:
    """Records the firing; False when it was recorded already (by another scheduler)."""
    try:
        with session.begin_nested():
            session.add(firing)
    except IntegrityError:
        return False
    return True


def take_waiting(session: Session, firing_id: str) -> bool:
    """Moves a waiting firing on; False when another scheduler did first."""
    return _rowcount(session.execute(
        update(TriggerFiring).where(col(TriggerFiring.id) == firing_id, col(TriggerFiring.outcome) == "waiting")
        .values(outcome="submitted"))) == 1


def files(session: Session, trigger_id: str) -> dict[str, TriggerFile]:
    return {row.path: row for row in session.exec(select(TriggerFile).where(TriggerFile.trigger_id == trigger_id))}


def delete_trigger(session: Session, trigger: Trigger) -> None:
    """The trigger and its cursor and firings; its runs keep naming it."""
    session.execute(delete(TriggerFile).where(col(TriggerFile.trigger_id) == trigger.id))
    session.execute(delete(TriggerFiring).where(col(TriggerFiring.trigger_id) == trigger.id))
    session.delete(trigger)
