"""Every table of Retrainer, in one place. Alembic's env.py reads this metadata.

This module imports nothing from the web layer, so the worker can use it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.types import UTCDateTime


def _created_at() -> datetime:
    return utcnow()


def _time_column(nullable: bool = True) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Workspace(SQLModel, table=True):
    __tablename__ = "workspaces"

    id: str = Field(default_factory=lambda: new_id("ws"), primary_key=True, max_length=40)
    name: str = Field(max_length=100, unique=True, index=True)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=lambda: new_id("usr"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    # Unique across workspaces: the password grant names a user by username alone.
    username: str = Field(max_length=100, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    is_admin: bool = False
    disabled: bool = False
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class ServicePrincipal(SQLModel, table=True):
    """A non-human client (a CI job, another service) using client_credentials."""

    __tablename__ = "service_principals"

    id: str = Field(default_factory=lambda: new_id("sp"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    client_id: str = Field(max_length=64, unique=True, index=True)
    secret_hash: str = Field(max_length=255)
    scopes: str = Field(max_length=500, description="space-separated")
    created_by: str | None = Field(default=None, max_length=60)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    revoked_at: datetime | None = Field(default=None, sa_column=_time_column())


class RevokedToken(SQLModel, table=True):
    """Access tokens revoked before their expiry (RFC 7009), by jti."""

    __tablename__ = "revoked_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_column=_time_column(False))
    revoked_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class WorkerCheck(SQLModel, table=True):
    """A round trip API -> broker -> worker -> database, asked for by an operator."""

    __tablename__ = "worker_checks"
    __table_args__ = (Index("ix_worker_checks_workspace_created", "workspace_id", "created_at"),)

    id: str = Field(default_factory=lambda: new_id("wchk"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=40)
    status: str = Field(default="queued", max_length=20)
    worker: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    completed_at: datetime | None = Field(default=None, sa_column=_time_column())


def _json_column(nullable: bool = True) -> Column[Any]:
    return Column(JSON(), nullable=nullable)


class OutboxMessage(SQLModel, table=True):
    """A task for the workers, recorded in the transaction of the rows it names (the
    transactional outbox): sent once that commits, by the request itself or a relay."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "queue", "created_at"),)

    id: str = Field(default_factory=lambda: new_id("msg"), primary_key=True, max_length=40)
    task: str = Field(max_length=100)
    args: list[Any] = Field(default_factory=list, sa_column=_json_column(False))
    task_id: str | None = Field(default=None, max_length=40)
    queue: str = Field(max_length=200, description="the broker's queue (app.core.queue.workspace_queue)")
    # Which broker the message is for (app.core.queue.broker_id): a relay sends the messages
    # of its own broker, on every queue; null (older messages): any relay may.
    broker: str | None = Field(default=None, max_length=64)
    # Celery options of the message (time limits).
    options: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    sent_at: datetime | None = Field(default=None, sa_column=_time_column())
    # Times the broker refused this message (not counted while the broker is unreachable),
    # its last answer, and when a relay may try again; after RETRAINER_OUTBOX_MAX_FAILURES
    # refusals it is given up (its run fails, naming the answer).
    failures: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    retry_at: datetime | None = Field(default=None, sa_column=_time_column())
    given_up_at: datetime | None = Field(default=None, sa_column=_time_column())


class Endpoint(SQLModel, table=True):
    """A pipeline endpoint: a stable name for retraining, holding published versions."""

    __tablename__ = "endpoints"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_endpoints_workspace_name"),)

    id: str = Field(default_factory=lambda: new_id("ep"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    description: str | None = Field(default=None, max_length=5000)
    enabled: bool = True
    default_version: int | None = None
    # Over the service's RETRAINER_TASK_TIME_LIMIT default for this endpoint's runs.
    time_limit_seconds: int | None = None
    # The workspace's queue of its runs (on the broker: app.core.queue.workspace_queue; served by
    # `retrainer worker --queue NAME --workspace W`); null: RETRAINER_QUEUE.
    queue: str | None = Field(default=None, max_length=100)
    # At most this many of its runs run at once; the others wait, queued, in order.
    max_concurrent_runs: int | None = None
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    updated_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class EndpointVersion(SQLModel, table=True):
    """An immutable snapshot of a draft pipeline, published as version 1, 2, 3, ..."""

    __tablename__ = "endpoint_versions"
    __table_args__ = (UniqueConstraint("endpoint_id", "version", name="uq_endpoint_versions_endpoint_version"),)

    id: str = Field(default_factory=lambda: new_id("epv"), primary_key=True, max_length=40)
    endpoint_id: str = Field(foreign_key="endpoints.id", index=True, max_length=40)
    version: int
    pipeline_id: str = Field(max_length=40, description="the draft it was published from")
    definition: dict[str, Any] = Field(sa_column=_json_column(False))
    digest: str = Field(max_length=64)
    description: str | None = Field(default=None, max_length=5000)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    # The version's id as an Azure ML caller names a published pipeline (a GUID), in
    # POST .../PipelineRuns/PipelineSubmit/{published_pipeline_id}.
    published_pipeline_id: str = Field(default_factory=lambda: str(uuid.uuid4()), max_length=36, unique=True,
                                       index=True)


class IdempotencyKey(SQLModel, table=True):
    """A claimed Idempotency-Key: the unique constraint lets exactly one request create."""

    __tablename__ = "idempotency_keys"
    # Per principal: another principal of the workspace cannot take (or replay) a key
    # that a CI job uses predictably.
    __table_args__ = (UniqueConstraint("principal_id", "key", name="uq_idempotency_keys_principal_key"),)

    id: str = Field(default_factory=lambda: new_id("idem"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=40)
    principal_id: str = Field(max_length=40, description="the user or service principal that sent the key")
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    # Set in the transaction that creates the run: a claim whose request died after
    # that commit replays the run instead of creating a second one.
    run_id: str | None = Field(default=None, max_length=40)
    status_code: int | None = None
    response_body: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    response_headers: dict[str, str] | None = Field(default=None, sa_column=_json_column())
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class Datastore(SQLModel, table=True):
    """A named storage root of a workspace: `local`, in the service's own storage
    (RETRAINER_ARTIFACT_URL: the data directory or the service's bucket), or `s3`, a
    bucket and prefix of its own."""

    __tablename__ = "datastores"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_datastores_workspace_name"),)

    id: str = Field(default_factory=lambda: new_id("ds"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=64)
    description: str | None = Field(default=None, max_length=2000)
    kind: str = Field(default="local", max_length=20)
    url: str | None = Field(default=None, max_length=1100, description="s3://bucket/prefix (kind s3)")
    endpoint_url: str | None = Field(default=None, max_length=500)
    region: str | None = Field(default=None, max_length=64)
    # Its own credentials, sealed with a key derived from the secret key (app.core.secretbox);
    # null: the service's (the standard AWS variables or files).
    credentials: str | None = Field(default=None, max_length=4000)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class Pipeline(SQLModel, table=True):
    """A draft pipeline: editable; runs and published versions keep their own snapshot."""

    __tablename__ = "pipelines"

    id: str = Field(default_factory=lambda: new_id("pl"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    description: str | None = Field(default=None, max_length=5000)
    definition: dict[str, Any] = Field(sa_column=_json_column(False))
    digest: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    updated_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    deleted_at: datetime | None = Field(default=None, sa_column=_time_column())


class Run(SQLModel, table=True):
    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_workspace_id_id", "workspace_id", "id"),
        Index("ix_runs_status", "status"),
        Index("ix_runs_endpoint_status", "endpoint_id", "status", "created_at"),
    )

    id: str = Field(default_factory=lambda: new_id("run"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=40)
    pipeline_id: str | None = Field(default=None, foreign_key="pipelines.id", index=True, max_length=40)
    endpoint_id: str | None = Field(default=None, max_length=40, index=True)
    endpoint_version: int | None = None
    experiment: str | None = Field(default=None, max_length=100, index=True)
    status: str = Field(default="queued", max_length=20)
    queue: str = Field(default="retrainer", max_length=200, description="the broker queue it is sent to")
    definition: dict[str, Any] = Field(sa_column=_json_column(False))
    pipeline_digest: str = Field(max_length=64)
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    regenerate: bool = False
    error: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    metrics: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    model_name: str | None = Field(default=None, max_length=200)
    model_version: int | None = None
    # Fencing token: bumped each time a worker claims the run; writes of an older
    # attempt are refused.
    attempt: int = 0
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    started_at: datetime | None = Field(default=None, sa_column=_time_column())
    finished_at: datetime | None = Field(default=None, sa_column=_time_column())
    heartbeat_at: datetime | None = Field(default=None, sa_column=_time_column())
    # Sending: when a message for the run was last recorded, and how many were; a queued run
    # that no worker claimed is sent again after a growing delay.
    sent_at: datetime | None = Field(default=None, sa_column=_time_column())
    sends: int = 0
    # Why its last attempt's worker was lost (e.g. "signal 9 (SIGKILL)"), for the error
    # given when the attempts run out.
    lost: str | None = Field(default=None, max_length=500)
    time_limit_seconds: int | None = None
    # Bumped by every change of what GET /runs/{id} shows (the run or a step): a long-poll
    # checks this number and renders the run again only when it moved.
    revision: int = 0
    # What the caller said about the run (an Azure ML caller's Description, Tags, RunSource
    # and ParentRunId), kept and shown, never interpreted.
    description: str | None = Field(default=None, max_length=5000)
    tags: dict[str, str] | None = Field(default=None, sa_column=_json_column())
    run_source: str | None = Field(default=None, max_length=100)
    parent_run_id: str | None = Field(default=None, max_length=255)
    # The trigger that started it, and why: {"id", "name", "kind", "slot" | "path"}.
    trigger_id: str | None = Field(default=None, max_length=40, index=True)
    trigger: dict[str, Any] | None = Field(default=None, sa_column=_json_column())


class RunStep(SQLModel, table=True):
    __tablename__ = "run_steps"
    __table_args__ = (UniqueConstraint("run_id", "name", name="uq_run_steps_run_name"),)

    id: str = Field(default_factory=lambda: new_id("rs"), primary_key=True, max_length=40)
    run_id: str = Field(foreign_key="runs.id", index=True, max_length=40)
    name: str = Field(max_length=64)
    position: int = 0
    component: str = Field(max_length=64)
    component_version: str = Field(max_length=20)
    status: str = Field(default="pending", max_length=20)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    metrics: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    error: str | None = Field(default=None, max_length=4000)
    reused_from: str | None = Field(default=None, max_length=40)
    fingerprint: str | None = Field(default=None, max_length=64, index=True)
    started_at: datetime | None = Field(default=None, sa_column=_time_column())
    finished_at: datetime | None = Field(default=None, sa_column=_time_column())


class RunOutput(SQLModel, table=True):
    """One stored output of one step: a dataset (Parquet), a model (joblib) or metrics (JSON)."""

    __tablename__ = "run_outputs"
    __table_args__ = (UniqueConstraint("run_id", "step", "port", name="uq_run_outputs_run_step_port"),)

    id: str = Field(default_factory=lambda: new_id("out"), primary_key=True, max_length=40)
    run_id: str = Field(foreign_key="runs.id", index=True, max_length=40)
    step: str = Field(max_length=64)
    port: str = Field(max_length=64)
    type: str = Field(max_length=20)
    path: str = Field(max_length=500, description="relative to the artifact root")
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    # What loading the output needs besides the file (a trained model's label, classes...).
    details: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class ModelVersion(SQLModel, table=True):
    """A registered trained model with its lineage."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("workspace_id", "name", "version", name="uq_model_versions_ws_name_version"),)

    id: str = Field(default_factory=lambda: new_id("mv"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=200)
    version: int
    run_id: str = Field(foreign_key="runs.id", index=True, max_length=40)
    step: str = Field(max_length=64)
    pipeline_id: str | None = Field(default=None, max_length=40)
    pipeline_digest: str = Field(max_length=64)
    endpoint_id: str | None = Field(default=None, max_length=40)
    endpoint_version: int | None = None
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    data: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column(False))
    metrics: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    details: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    library_versions: dict[str, str] = Field(default_factory=dict, sa_column=_json_column(False))
    artifact_path: str = Field(max_length=500)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class Deployment(SQLModel, table=True):
    """A registered model put to work behind a prediction route: a pinned version, or one
    that follows the model's new versions through a gate."""

    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_deployments_workspace_name"),
                      Index("ix_deployments_next_check_at", "next_check_at"))

    id: str = Field(default_factory=lambda: new_id("dep"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    model: str = Field(max_length=200, index=True)
    version: int
    follow: bool = False
    # {"metric": ..., "min_delta": ..., "holdout": "datastore://..." | None}; null: not following.
    gate: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    # {"log_predictions", "sample", "check_every_seconds", "thresholds": {"psi", "js"}, "retrain"};
    # null: nothing logged (app.deployments.schemas.Monitor).
    monitor: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    # When the scheduler checks drift next (null: no scheduled checks), a compare-and-set
    # claim as a schedule trigger's next_fire_at; and who set monitor.retrain (the runs it
    # submits act for that principal, with the rights it holds then).
    next_check_at: datetime | None = Field(default=None, sa_column=_time_column())
    monitor_by: str | None = Field(default=None, max_length=40)
    enabled: bool = True
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    updated_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class DeploymentEvent(SQLModel, table=True):
    """One line of a deployment's history: a change of what it serves or of its settings,
    or a challenger the gate refused."""

    __tablename__ = "deployment_events"
    __table_args__ = (Index("ix_deployment_events_deployment_at", "deployment_id", "at"),)

    id: str = Field(default_factory=lambda: new_id("dev"), primary_key=True, max_length=40)
    deployment_id: str = Field(foreign_key="deployments.id", max_length=40)
    at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    from_version: int | None = None
    to_version: int | None = None
    reason: str = Field(max_length=20)
    message: str | None = Field(default=None, max_length=2000)
    # {"metric": name, "rows": n, "champion": {...}, "challenger": {...}} when the gate scored.
    metrics: dict[str, Any] | None = Field(default=None, sa_column=_json_column())
    run_id: str | None = Field(default=None, max_length=40, index=True)
    actor: str | None = Field(default=None, max_length=40)


class DriftCheck(SQLModel, table=True):
    """One scheduled drift check of a deployment: its answer, whether it started a drift
    episode (consecutive drifted checks), and the retrain run it submitted or why not."""

    __tablename__ = "drift_checks"
    __table_args__ = (Index("ix_drift_checks_deployment_id_id", "deployment_id", "id"),)

    id: str = Field(default_factory=lambda: new_id("dck"), primary_key=True, max_length=40)
    deployment_id: str = Field(foreign_key="deployments.id", max_length=40)
    at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    version: int
    rows: int
    enough_rows: bool
    drifted: bool
    # The check that started the episode this one belongs to (itself for the first); null
    # when not drifted.
    episode_id: str | None = Field(default=None, max_length=40)
    # The DriftOut answer: columns, their metrics and thresholds.
    result: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    run_id: str | None = Field(default=None, max_length=40)
    retrain_note: str | None = Field(default=None, max_length=2000)


class PredictionFeedback(SQLModel, table=True):
    """The true label of one logged prediction, with what the log holds of it (version,
    answer, score, time), so that live metrics are a query, not a scan of the log."""

    __tablename__ = "prediction_feedback"
    __table_args__ = (UniqueConstraint("deployment_id", "prediction_id", name="uq_prediction_feedback_prediction"),
                      Index("ix_prediction_feedback_deployment_predicted_at", "deployment_id", "predicted_at"))

    id: str = Field(default_factory=lambda: new_id("fbk"), primary_key=True, max_length=40)
    deployment_id: str = Field(foreign_key="deployments.id", max_length=40)
    prediction_id: str = Field(max_length=60)
    version: int
    predicted_at: datetime = Field(sa_column=_time_column(False))
    prediction: Any = Field(default=None, sa_column=_json_column())
    score: float | None = None
    label: Any = Field(default=None, sa_column=_json_column())
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class Trigger(SQLModel, table=True):
    """Starts runs of an endpoint: on a schedule (`cron` in a time zone, or `every_seconds`)
    or when files appear or change under a datastore prefix (`data`)."""

    __tablename__ = "triggers"
    __table_args__ = (UniqueConstraint("endpoint_id", "name", name="uq_triggers_endpoint_name"),
                      Index("ix_triggers_next_fire_at", "next_fire_at"))

    id: str = Field(default_factory=lambda: new_id("trg"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    endpoint_id: str = Field(foreign_key="endpoints.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)
    cron: str | None = Field(default=None, max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    every_seconds: int | None = None
    catchup: str = Field(default="skip", max_length=20)
    watch: str | None = Field(default=None, max_length=1100)
    parameter: str | None = Field(default=None, max_length=64)
    debounce_seconds: int | None = None
    each: bool = False
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column(False))
    version: int | None = None
    experiment: str | None = Field(default=None, max_length=100)
    enabled: bool = True
    overlap: str = Field(default="skip", max_length=20)
    # Who created it: its runs act with this principal's rights, checked at each firing.
    created_by: str = Field(max_length=40)
    # Schedules: the slots counted from here (every_seconds), and the first slot not yet
    # handled. Data triggers: when the datastore is looked at next.
    anchor_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    next_fire_at: datetime | None = Field(default=None, sa_column=_time_column())
    # Data triggers: whether the files already there were recorded (they fire nothing).
    baselined: bool = False
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    updated_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class TriggerFiring(SQLModel, table=True):
    """One firing of a trigger: a schedule slot or a data change, submitted or skipped
    (with the reason). The unique key makes it happen once, whatever the schedulers."""

    __tablename__ = "trigger_firings"
    __table_args__ = (UniqueConstraint("trigger_id", "key", name="uq_trigger_firings_trigger_key"),
                      Index("ix_trigger_firings_trigger_id_id", "trigger_id", "id"))

    id: str = Field(default_factory=lambda: new_id("trf"), primary_key=True, max_length=40)
    trigger_id: str = Field(foreign_key="triggers.id", max_length=40)
    # The slot's instant (UTC, ISO) or the sha256 of the file's path and content hash.
    key: str = Field(max_length=64)
    at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    slot: datetime | None = Field(default=None, sa_column=_time_column())
    path: str | None = Field(default=None, max_length=1100)
    sha256: str | None = Field(default=None, max_length=64)
    # submitted | skipped | waiting (overlap "queue": submitted once the previous run ends)
    outcome: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=2000)
    run_id: str | None = Field(default=None, max_length=40)


class TriggerFile(SQLModel, table=True):
    """A data trigger's cursor: each watched file's last seen version and content hash."""

    __tablename__ = "trigger_files"
    __table_args__ = (UniqueConstraint("trigger_id", "path", name="uq_trigger_files_trigger_path"),)

    id: str = Field(default_factory=lambda: new_id("trfile"), primary_key=True, max_length=40)
    trigger_id: str = Field(foreign_key="triggers.id", index=True, max_length=40)
    path: str = Field(max_length=1100)
    size: int = Field(sa_column=Column(BigInteger(), nullable=False))
    etag: str | None = Field(default=None, max_length=200)
    modified_at: datetime | None = Field(default=None, sa_column=_time_column())
    sha256: str = Field(max_length=64)
    # When this content was first seen (the burst settles `debounce_seconds` after the last).
    changed_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    fired: bool = False


__all__ = [
    "Datastore",
    "Deployment",
    "DeploymentEvent",
    "Endpoint",
    "EndpointVersion",
    "IdempotencyKey",
    "ModelVersion",
    "OutboxMessage",
    "Pipeline",
    "RevokedToken",
    "Run",
    "RunOutput",
    "RunStep",
    "ServicePrincipal",
    "SQLModel",
    "Trigger",
    "TriggerFile",
    "TriggerFiring",
    "User",
    "WorkerCheck",
    "Workspace",
]


class WebhookSubscription(SQLModel, table=True):
    """A URL that receives the workspace's events it subscribed to, signed with its secret."""

    __tablename__ = "webhook_subscriptions"

    id: str = Field(default_factory=lambda: new_id("wh"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, sa_column=_json_column(False))
    description: str | None = Field(default=None, max_length=1000)
    # The signing secret (whsec_...), sealed with a key derived from the secret key
    # (app.core.secretbox): a copy of the database alone does not give it.
    secret: str = Field(max_length=500)
    enabled: bool = True
    # Why the service disabled it (the receiver answered 410 Gone); null when enabled by hand.
    disabled_reason: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=60)
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
    updated_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class WebhookEvent(SQLModel, table=True):
    """Something that happened, recorded in the transaction that made it happen; its body
    is frozen then, so every attempt signs and sends the same bytes."""

    __tablename__ = "webhook_events"

    id: str = Field(default_factory=lambda: new_id("msg"), primary_key=True, max_length=40)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=40)
    type: str = Field(max_length=60)
    body: str = Field(sa_column=Column(Text(), nullable=False))
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: its attempts so far and when the next one is due."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "created_at"),
    )

    id: str = Field(default_factory=lambda: new_id("whd"), primary_key=True, max_length=40)
    subscription_id: str = Field(foreign_key="webhook_subscriptions.id", max_length=40)
    event_id: str = Field(foreign_key="webhook_events.id", index=True, max_length=40)
    event: str = Field(max_length=60)
    attempt: int = 0
    # Where in the retry schedule the next failure falls (a manual redelivery starts it over).
    retry_index: int = 0
    status_code: int | None = None
    duration_ms: int | None = None
    error: str | None = Field(default=None, max_length=500)
    delivered: bool = False
    # Null: nothing more to do (delivered, or the schedule ran out, or the subscription went away).
    next_attempt_at: datetime | None = Field(default=None, sa_column=_time_column())
    # A worker that took the delivery holds it until then; another may take it afterwards.
    leased_until: datetime | None = Field(default=None, sa_column=_time_column())
    last_attempt_at: datetime | None = Field(default=None, sa_column=_time_column())
    created_at: datetime = Field(default_factory=_created_at, sa_column=_time_column(False))
