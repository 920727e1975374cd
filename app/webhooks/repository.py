"""Queries for webhook subscriptions, events and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from app.core.paging import PageRequest
from app.db.tables import WebhookDelivery, WebhookEvent, WebhookSubscription


def get(session: Session, workspace_id: str, webhook_id: str) -> WebhookSubscription | None:
    return session.exec(select(WebhookSubscription).where(WebhookSubscription.id == webhook_id,
                                                          WebhookSubscription.workspace_id == workspace_id)).first()


def count(session: Session, workspace_id: str) -> int:
    return session.exec(select(func.count()).select_from(WebhookSubscription)
                        .where(WebhookSubscription.workspace_id == workspace_id)).one()


def page(session: Session, workspace_id: str, request: PageRequest) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(WebhookSubscription.workspace_id == workspace_id)
    if request.after:
        query = query.where(col(WebhookSubscription.id) > request.after)
    return list(session.exec(query.order_by(col(WebhookSubscription.id)).limit(request.limit + 1)))


def subscribed(session: Session, workspace_id: str, event: str) -> list[WebhookSubscription]:
    """The enabled subscriptions of the workspace that asked for `event`."""
    rows = session.exec(select(WebhookSubscription).where(WebhookSubscription.workspace_id == workspace_id,
                                                          WebhookSubscription.enabled == True))  # noqa: E712
    return [row for row in rows if event in row.events]


def add_event(session: Session, event: WebhookEvent, subscriptions: Sequence[WebhookSubscription],
              now: datetime) -> None:
    session.add(event)
    session.flush()
    session.add_all([WebhookDelivery(subscription_id=s.id, event_id=event.id, event=event.type,
                                     next_attempt_at=now, created_at=now) for s in subscriptions])


def delete(session: Session, subscription: WebhookSubscription) -> None:
    for delivery in session.exec(select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)):
        session.delete(delivery)
    session.flush()
    session.delete(subscription)


def deliveries_page(session: Session, subscription_id: str, request: PageRequest) -> list[WebhookDelivery]:
    """Newest first (ids grow with time)."""
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if request.after:
        query = query.where(col(WebhookDelivery.id) < request.after)
    return list(session.exec(query.order_by(col(WebhookDelivery.id).desc()).limit(request.limit + 1)))


def delivery(session: Session, subscription_id: str, delivery_id: str) -> WebhookDelivery | None:
    return session.exec(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                      WebhookDelivery.subscription_id == subscription_id)).first()


# The workers' side -------------------------------------------------------------------------


def due(session: Session, now: datetime, busy: Sequence[str], limit: int) -> list[WebhookDelivery]:
    """Deliveries whose attempt is due and that no worker holds, of enabled subscriptions
    not in `busy` (those this worker is sending to now), oldest first."""
    query = (select(WebhookDelivery).join(WebhookSubscription,
                                          col(WebhookSubscription.id) == col(WebhookDelivery.subscription_id))
             .where(col(WebhookDelivery.next_attempt_at) <= now, WebhookSubscription.enabled == True,  # noqa: E712
                    or_(col(WebhookDelivery.leased_until).is_(None), col(WebhookDelivery.leased_until) < now)))
    if busy:
        query = query.where(col(WebhookDelivery.subscription_id).not_in(busy))
    return list(session.exec(query.order_by(col(WebhookDelivery.next_attempt_at)).limit(limit)))


def lease(session: Session, delivery_id: str, now: datetime, until: datetime) -> bool:
    """Takes the delivery until `until` if no other worker holds it; True when taken."""
    result = session.execute(update(WebhookDelivery).where(
        col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.next_attempt_at).is_not(None),
        or_(col(WebhookDelivery.leased_until).is_(None), col(WebhookDelivery.leased_until) < now))
        .values(leased_until=until).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def parts_of(session: Session, delivery: WebhookDelivery) -> tuple[WebhookSubscription, WebhookEvent] | None:
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    event = session.get(WebhookEvent, delivery.event_id)
    return (subscription, event) if subscription is not None and event is not None else None

