"""Request and response bodies of the run routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.paging import Page
from app.deployments.schemas import RunDeploymentEffect

# Fields shared by every request that starts a run (draft runs, reruns, retrains).
Experiment = Annotated[str | None, Field(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
Regenerate = Annotated[bool, Field(description="Run every step again; reuse no earlier outputs")]


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(default_factory=dict,
                                       description="Values for the pipeline's parameters; unset ones take their defaults")
    experiment: Experiment = None
    regenerate: Regenerate = False


class RerunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(default_factory=dict,
                                       description="Overrides of the original run's parameter values")
    experiment: Experiment = None
    regenerate: Regenerate = False


class RunError(BaseModel):
    step: str | None
    message: str


class ModelRef(BaseModel):
    name: str
    version: int


class StepOut(BaseModel):
    name: str
    component: str
    component_version: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    metrics: dict[str, Any] | None
    error: str | None
    reused_from: str | None


class RunTrigger(BaseModel):
    """Why a trigger started the run: its schedule slot, the file that arrived, or the drift
    check of a deployment (kind drift: id and name are the deployment's)."""

    id: str
    name: str
    kind: str = Field(description="schedule | data | drift")
    slot: datetime | None = Field(default=None, description="The schedule's slot (UTC)")
    path: str | None = Field(default=None, description="The new or changed file (datastore://...)")
    check: str | None = Field(default=None, description="kind drift: the drift check that began the episode "
                                                        "(GET /deployments/{name}/drift/checks)")


class RunOut(BaseModel):
    id: str
    status: str
    attempt: int = Field(description="How many times a worker took the run (more than 1: a worker was lost)")
    pipeline_id: str | None
    endpoint_id: str | None
    endpoint_version: int | None
    experiment: str | None
    pipeline_digest: str
    parameters: dict[str, Any]
    regenerate: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: RunError | None
    steps: list[StepOut]
    metrics: dict[str, Any] | None
    model: ModelRef | None
    description: str | None = Field(default=None, description="What its submitter said about it")
    tags: dict[str, str] | None = Field(default=None, description="Its submitter's labels")
    run_source: str | None = Field(default=None, description="Where its submitter says it comes from "
                                                             "(an Azure ML caller's RunSource, e.g. SDK)")
    parent_run_id: str | None = Field(default=None, description="The run its submitter says started it "
                                                                "(an Azure ML caller's ParentRunId), as given")
    deployments: list[RunDeploymentEffect] | None = Field(
        default_factory=list,
        description="What the run did to the deployments that follow the model it registered: promoted or "
                    "held; null for a caller without deployments:read")
    trigger: RunTrigger | None = Field(default=None, description="The trigger that started it; null otherwise")


class RunPage(Page[RunOut]):
    pass


class OutputOut(BaseModel):
    step: str
    port: str
    type: str
    media_type: str
    size: int
    sha256: str
    url: str


class OutputList(BaseModel):
    items: list[OutputOut]
