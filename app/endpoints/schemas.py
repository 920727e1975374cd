"""Request and response bodies of the endpoint routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.paging import Page
from app.pipelines.spec import ParameterSpec, StepPosition, StepSpec
from app.runs.schemas import Experiment, Regenerate

ENDPOINT_NAME = r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$"
QUEUE_NAME = r"^[A-Za-z0-9._\-]{1,100}$"  # as RETRAINER_QUEUE
MAX_VERSION = 2**31 - 1  # fits every database's INTEGER


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=ENDPOINT_NAME, description="Unique in the workspace; usable wherever an id is")
    description: str | None = Field(default=None, max_length=5000)


class EndpointPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_version: int | None = Field(default=None, ge=1, le=MAX_VERSION)
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=5000)
    time_limit_seconds: int | None = Field(
        default=None, ge=1, le=7 * 24 * 3600,
        description="Time limit of this endpoint's runs, over the service's default; null restores the default")
    queue: str | None = Field(
        default=None, pattern=QUEUE_NAME,
        description="A queue of this workspace for this endpoint's runs (e.g. `gpu`), served by workers started "
                    "with `retrainer worker --queue NAME --workspace WORKSPACE`; no other workspace's runs go "
                    "there. null restores the service's queue (RETRAINER_QUEUE)")
    max_concurrent_runs: int | None = Field(
        default=None, ge=1, le=100_000,
        description="At most this many of its runs run at once, across workers; the others wait, queued, "
                    "and start in the order they were submitted. null: no limit")


class EndpointOut(BaseModel):
    id: str
    name: str
    description: str | None
    enabled: bool
    default_version: int | None
    latest_version: int | None
    time_limit_seconds: int | None = Field(description="Time limit of its runs; null: the service's default")
    queue: str | None = Field(default=None, description="The workspace's queue of its runs; null: the service's")
    max_concurrent_runs: int | None = Field(default=None, description="Runs that may run at once; null: no limit")
    created_at: datetime
    updated_at: datetime


class EndpointPage(Page[EndpointOut]):
    pass


class VersionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pipeline_id: str = Field(max_length=40, description="The draft pipeline to publish")
    description: str | None = Field(default=None, max_length=5000)
    make_default: bool = Field(default=False, description="Make it the default version (the first one always is)")


class VersionOut(BaseModel):
    endpoint_id: str
    endpoint_name: str
    version: int
    is_default: bool
    published_pipeline_id: str = Field(
        description="This version's id for Azure ML callers: "
                    "POST /pipelines/v1.0/.../PipelineRuns/PipelineSubmit/{published_pipeline_id}")
    pipeline_id: str
    pipeline_digest: str
    description: str | None
    created_at: datetime
    parameters: dict[str, ParameterSpec]
    steps: dict[str, StepSpec] | None = Field(
        description="The version's full step definitions; null unless the token has pipelines:read")
    layout: dict[str, StepPosition] | None = Field(
        default=None, description="Where the studio drew each step when it was published (with steps only)")


class VersionPage(Page[VersionOut]):
    pass


class EndpointRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(default_factory=dict,
                                       description="Values for the version's parameters; unset ones take their defaults")
    version: int | None = Field(default=None, ge=1, le=MAX_VERSION,
                                description="Defaults to the endpoint's default version")
    experiment: Experiment = None
    regenerate: Regenerate = False


class DryRunOut(BaseModel):
    endpoint_id: str
    version: int
    pipeline_digest: str
    parameters: dict[str, Any] = Field(description="Every value a run would use, defaults included")
