"""Request and response bodies of the trigger routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.paging import Page
from app.runs.schemas import Experiment

TRIGGER_NAME = r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$"
MAX_SECONDS = 366 * 24 * 3600
MAX_VERSION = 2**31 - 1

Overlap = Literal["skip", "queue", "allow"]
Catchup = Literal["skip", "latest"]
OVERLAP_HELP = ("What a firing does while the trigger's previous run is still queued or running: `skip` it "
                "(recorded with the reason), `queue` it (submitted when that run ends; one waits at most), "
                "or `allow` it (runs side by side)")
CATCHUP_HELP = ("After the scheduler was down: `latest` fires the newest missed slot once, `skip` none "
                "(recorded as skipped, caught up)")


class TriggerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=TRIGGER_NAME, description="Unique among the endpoint's triggers")
    kind: Literal["schedule", "data"]
    cron: str | None = Field(default=None, max_length=200,
                             description="schedule: five-field cron expression, read in `timezone`")
    timezone: str = Field(default="UTC", max_length=64, description="schedule: IANA time zone of `cron`")
    every_seconds: int | None = Field(default=None, ge=1, le=MAX_SECONDS,
                                      description="schedule: instead of `cron`; at least "
                                                  "RETRAINER_MIN_TRIGGER_SECONDS")
    catchup: Catchup = Field(default="skip", description=CATCHUP_HELP)
    watch: str | None = Field(default=None, max_length=1100,
                              description="data: the folder to watch, `datastore://NAME/prefix/`")
    parameter: str | None = Field(default=None, max_length=64,
                                  description="data: the `data_path` parameter that receives the new file's URI")
    debounce_seconds: int | None = Field(default=None, ge=1, le=MAX_SECONDS,
                                         description="data: wait this long after the last new file (a burst "
                                                     "settles); default and minimum "
                                                     "RETRAINER_MIN_TRIGGER_SECONDS")
    each: bool = Field(default=False, description="data: one run per new file instead of one for the newest")
    parameters: dict[str, Any] = Field(default_factory=dict, description="The runs' parameters, as in a run request")
    version: int | None = Field(default=None, ge=1, le=MAX_VERSION,
                                description="The endpoint version to run; default: its default version then")
    experiment: Experiment = None
    enabled: bool = True
    overlap: Overlap = Field(default="skip", description=OVERLAP_HELP)


class TriggerPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(default=None, description="false pauses it; resuming never fires the "
                                                           "slots of the pause")
    parameters: dict[str, Any] | None = None
    cron: str | None = Field(default=None, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    every_seconds: int | None = Field(default=None, ge=1, le=MAX_SECONDS)
    overlap: Overlap | None = None
    catchup: Catchup | None = None
    debounce_seconds: int | None = Field(default=None, ge=1, le=MAX_SECONDS)


class FiringOut(BaseModel):
    id: str
    at: datetime = Field(description="When it was recorded")
    slot: datetime | None = Field(description="schedule: the slot (UTC)")
    path: str | None = Field(description="data: the new or changed file")
    sha256: str | None = Field(description="data: its content hash")
    outcome: Literal["submitted", "skipped", "waiting"] = Field(
        description="`waiting`: overlap `queue`, submitted when the previous run ends")
    reason: str | None = Field(description="Why it was skipped")
    run_id: str | None


class FiringPage(Page[FiringOut]):
    pass


class TriggerOut(BaseModel):
    id: str
    endpoint_id: str
    name: str
    kind: str
    cron: str | None
    timezone: str
    every_seconds: int | None
    catchup: str
    watch: str | None
    parameter: str | None
    debounce_seconds: int | None
    each: bool
    parameters: dict[str, Any]
    version: int | None
    experiment: str | None
    enabled: bool
    overlap: str
    created_by: str = Field(description="Who created it or last changed it: its runs act with this "
                                        "principal's rights, checked at each firing")
    created_at: datetime
    updated_at: datetime
    next_fire_at: datetime | None = Field(description="schedule: its next slot (UTC); null for data triggers "
                                                      "and paused schedules")
    last_firing: FiringOut | None


class TriggerPage(Page[TriggerOut]):
    pass
