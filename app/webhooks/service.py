"""Webhook subscriptions: create (checking where the URL leads), list, change, delete,
their delivery log and manual redelivery. The secret is sealed at rest and shown once."""

from __future__ import annotations

import base64
import secrets

from sqlmodel import Session

from app.auth.service import Principal
from app.core import secretbox
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, Problem
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.db.tables import WebhookDelivery, WebhookSubscription
from app.webhooks import addresses
from app.webhooks import repository as repo
from app.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    EventType,
    RedeliveryAccepted,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)

MAX_PER_WORKSPACE = 50  # every event is written once per subscription that wants it


def out(row: WebhookSubscription) -> WebhookOut:
    return WebhookOut(id=row.id, url=row.url, events=[EventType(e) for e in row.events], description=row.description,
                      enabled=row.enabled, disabled_reason=row.disabled_reason, created_at=row.created_at,
                      updated_at=row.updated_at)


def delivery_out(row: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(id=row.id, event=EventType(row.event), event_id=row.event_id, attempt=row.attempt,
                       status_code=row.status_code, duration_ms=row.duration_ms, error=row.error,
                       delivered=row.delivered, next_attempt_at=row.next_attempt_at,
                       last_attempt_at=row.last_attempt_at, created_at=row.created_at)


def check_url(settings: Settings, url: str, resolve: addresses.Resolver = addresses.system_resolver) -> None:
    """InvalidInput naming `url` when the receiver may not be reached from here."""
    try:
        addresses.target(url, settings.webhook_hosts, resolve)
    except addresses.Refused as exc:
        raise InvalidInput(f"url: {exc}", errors=[{"loc": ["body", "url"], "msg": str(exc)}]) from None


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create(session: Session, settings: Settings, principal: Principal,
           body: WebhookCreate) -> WebhookCreated:
    problems: list[Problem] = []
    try:
        check_url(settings, body.url)
    except InvalidInput as exc:
        problems += exc.errors or []
    if repo.count(session, principal.workspace_id) >= MAX_PER_WORKSPACE:
        problems.append({"loc": ["body"], "msg": f"this workspace has {MAX_PER_WORKSPACE} webhooks, the most it "
                                                 "may have; delete one first"})
    if problems:
        raise InvalidInput("; ".join(p["msg"] for p in problems), errors=problems)
    secret = new_secret()
    row = WebhookSubscription(workspace_id=principal.workspace_id, url=body.url,
                              events=sorted({e.value for e in body.events}), description=body.description,
                              secret=secretbox.seal(settings.signing_key(), secret), created_by=principal.id)
    session.add(row)
    session.flush()
    return WebhookCreated(**out(row).model_dump(), secret=secret)


def get(session: Session, principal: Principal, webhook_id: str) -> WebhookSubscription:
    row = repo.get(session, principal.workspace_id, webhook_id)
    if row is None:
        raise NotFound(f"no webhook {webhook_id!r} in this workspace")
    return row


def list_page(session: Session, principal: Principal, page: PageRequest) -> WebhookPage:
    return WebhookPage.of(repo.page(session, principal.workspace_id, page), page, out, key=lambda r: r.id)


def patch(session: Session, settings: Settings, principal: Principal, webhook_id: str,
          body: WebhookPatch) -> WebhookSubscription:
    row = get(session, principal, webhook_id)
    problems: list[Problem] = [
        {"loc": ["body", name], "msg": "may not be null; leave it out to keep the current value"}
        for name in ("url", "events", "enabled") if name in body.model_fields_set and getattr(body, name) is None]
    if body.url is not None:
        try:
            check_url(settings, body.url)
        except InvalidInput as exc:
            problems += exc.errors or []
    if problems:
        raise InvalidInput("; ".join(p["msg"] for p in problems), errors=problems)
    if body.url is not None:
        row.url = body.url
    if body.events is not None:
        row.events = sorted({e.value for e in body.events})
    if body.enabled is not None:
        row.enabled = body.enabled
        if body.enabled:
            row.disabled_reason = None
    if "description" in body.model_fields_set:
        row.description = body.description
    row.updated_at = utcnow()
    session.add(row)
    return row


def delete(session: Session, principal: Principal, webhook_id: str) -> None:
    repo.delete(session, get(session, principal, webhook_id))


def deliveries(session: Session, principal: Principal, webhook_id: str, page: PageRequest) -> DeliveryPage:
    row = get(session, principal, webhook_id)
    return DeliveryPage.of(repo.deliveries_page(session, row.id, page), page, delivery_out, key=lambda d: d.id)


def redeliver(session: Session, principal: Principal, webhook_id: str, delivery_id: str) -> RedeliveryAccepted:
    """The delivery is due again now, with the retry schedule started over; its event (and
    its webhook-id) is the same."""
    row = get(session, principal, webhook_id)
    delivery = repo.delivery(session, row.id, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id!r} of webhook {webhook_id!r}")
    if not row.enabled:
        raise Conflict(f"webhook {webhook_id!r} is disabled ({row.disabled_reason or 'by hand'}); "
                       "enable it first (PATCH enabled: true)")
    now = utcnow()
    delivery.next_attempt_at, delivery.retry_index, delivery.delivered = now, 0, False
    session.add(delivery)
    return RedeliveryAccepted(id=delivery.id, next_attempt_at=now)
