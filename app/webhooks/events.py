"""Recording an event: one call, in the transaction of the change that caused it.

    from app.webhooks.events import emit
    emit(uow, workspace_id, "trigger.skipped", {"trigger": ..., "reason": ...})

`emit` takes a UnitOfWork or a Session, and a dict or a Pydantic model (the thing as the
API shows it), or a function returning one (called only if a subscription wants the event). The event's body is frozen now, and one delivery is added for each
enabled subscription of the workspace that asked for the type; the workers send them
after the commit (app.webhooks.delivery). If the transaction rolls back, nothing was
recorded and nothing is sent. A workspace without subscriptions pays one small query.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sqlmodel import Session

from app.core.clock import utcnow
from app.db.tables import WebhookEvent
from app.webhooks import repository as repo
from app.webhooks.schemas import EventType


class HasSession(Protocol):
    session: Session


Data = BaseModel | dict[str, Any]


def emit(uow_or_session: HasSession | Session, workspace_id: str, type: str | EventType,
         data: Data | Callable[[], Data]) -> WebhookEvent | None:
    """Records event `type` about `data` for the subscriptions that want it; None if none
    does. `data` may be a function that renders it: called only when someone listens."""
    event_type = EventType(type)  # an unknown type is a bug of the caller: ValueError
    session = uow_or_session if isinstance(uow_or_session, Session) else uow_or_session.session
    subscriptions = repo.subscribed(session, workspace_id, event_type.value)
    if not subscriptions:
        return None
    now = utcnow()
    if callable(data):
        data = data()
    payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else to_jsonable_python(data)
    body = json.dumps({"type": event_type.value, "timestamp": now.isoformat().replace("+00:00", "Z"),
                       "data": payload}, separators=(",", ":"), ensure_ascii=False)
    event = WebhookEvent(workspace_id=workspace_id, type=event_type.value, body=body, created_at=now)
    repo.add_event(session, event, subscriptions, now)
    return event
