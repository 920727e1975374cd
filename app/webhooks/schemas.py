"""Request and response bodies of the webhook routes, and the event types."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.paging import Page


class EventType(StrEnum):
    run_started = "run.started"
    run_succeeded = "run.succeeded"
    run_failed = "run.failed"
    run_canceled = "run.canceled"
    deployment_promoted = "deployment.promoted"
    deployment_held = "deployment.held"
    trigger_skipped = "trigger.skipped"
    deployment_drift_detected = "deployment.drift_detected"


MAX_URL = 2000
Events = Annotated[list[EventType], Field(min_length=1, max_length=len(EventType),
                                          description="The events to receive (at least one)")]
Description = Annotated[str | None, Field(max_length=1000)]


def check_url_syntax(value: str) -> str:
    """The shape of a receiver's URL; whether its host may be reached is the service's
    check (app.webhooks.addresses), which needs the settings and DNS."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("the URL contains spaces or control characters; percent-encode them")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise ValueError("not a URL; give an absolute https:// URL") from None
    if parts.scheme not in ("https", "http"):
        raise ValueError("give an absolute https:// URL")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("credentials in the URL are not accepted; the receiver verifies the signature instead")
    if parts.fragment:
        raise ValueError("remove the #fragment: it is never sent")
    return value


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=MAX_URL, description="The receiver: https (http only for allow-listed hosts)")
    events: Events
    description: Description = None

    _url = field_validator("url")(check_url_syntax)


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=MAX_URL)
    events: Events | None = None
    enabled: bool | None = None
    description: Description = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return check_url_syntax(value) if value is not None else None


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[EventType]
    description: str | None
    enabled: bool
    disabled_reason: str | None = Field(description="Why the service disabled it (the receiver answered 410 Gone)")
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_...): shown only in this answer; keep it")


class WebhookPage(Page[WebhookOut]):
    pass


class DeliveryOut(BaseModel):
    id: str
    event: EventType
    event_id: str = Field(description="The webhook-id header: the same on every attempt")
    attempt: int = Field(description="Attempts made so far")
    status_code: int | None = Field(description="The receiver's answer to the last attempt (null: none)")
    duration_ms: int | None
    error: str | None = Field(description="Why the last attempt failed")
    delivered: bool
    next_attempt_at: datetime | None = Field(description="When the next attempt is due (null: none is)")
    last_attempt_at: datetime | None
    created_at: datetime


class DeliveryPage(Page[DeliveryOut]):
    pass


class RedeliveryAccepted(BaseModel):
    id: str
    next_attempt_at: datetime
