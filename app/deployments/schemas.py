"""Request and response bodies of the deployment routes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.paging import Page
from app.datastores.paths import parse_data_path

DEPLOYMENT_NAME = r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$"
MAX_VERSION = 2**31 - 1
GateMetric = Literal["roc_auc", "accuracy", "balanced_accuracy", "f1", "r2"]
Reason = Literal["created", "manual", "promoted", "held", "rollback"]


class Gate(BaseModel):
    """When a followed model registers a new version, champion and challenger are scored on
    the same rows; the challenger serves only if its metric >= the champion's + min_delta."""

    model_config = ConfigDict(extra="forbid")

    metric: GateMetric | None = Field(
        default=None, description="Higher is better. Default: roc_auc for binary classification, "
                                  "accuracy for multiclass, r2 for regression")
    min_delta: float = Field(default=0.0, ge=-1.0, le=1.0, allow_inf_nan=False,
                             description="How much better the challenger must be (may be negative)")
    holdout: str | None = Field(
        default=None, max_length=1100,
        description="datastore:// path of a CSV (with a header) or Parquet file holding the features and "
                    "the label; without it, the test split recorded by the champion's own run (never the "
                    "challenger's). A champion scoring below chance, or more than 0.2 below its recorded "
                    "score, on these rows holds the gate")

    @field_validator("holdout")
    @classmethod
    def _data_path(cls, value: str | None) -> str | None:
        if value is not None:
            parsed = parse_data_path(value)
            if isinstance(parsed, str):
                raise ValueError(parsed)
        return value


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    psi: float = Field(default=0.2, gt=0, le=100, allow_inf_nan=False,
                       description="A number column drifted when its population stability index is at least this")
    js: float = Field(default=0.1, gt=0, le=1, allow_inf_nan=False,
                      description="A category column drifted when its Jensen-Shannon distance (base 2) is at "
                                  "least this")


class Retrain(BaseModel):
    """The run a drift episode submits: one per episode, at most one per cooldown. It acts
    for the principal that set it (who needs runs:write), and names itself on the run as
    its trigger: {"id": deployment id, "name": deployment name, "kind": "drift", "check"}."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(min_length=1, max_length=200, description="The endpoint to run (id or name), in this "
                                                                    "workspace")
    parameters: dict[str, Any] = Field(default_factory=dict, description="As in a run request")
    cooldown_seconds: int = Field(default=86_400, ge=60, le=365 * 86_400,
                                  description="No second retrain within this many seconds of the last one")

    @field_validator("parameters")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 100 or len(json.dumps(value, default=str)) > 64 * 1024:
            raise ValueError("at most 100 parameters and 64 KiB of JSON")
        return value


class Monitor(BaseModel):
    """What a deployment watches: its predictions logged (a sample of them) to measure drift."""

    model_config = ConfigDict(extra="forbid")

    log_predictions: bool = Field(default=True, description="Log the rows scored and the answers, off the "
                                                            "request path, to the artifact store")
    sample: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False,
                          description="The share of the rows logged, drawn at random per row")
    check_every_seconds: int | None = Field(
        default=3600, ge=1, le=30 * 86_400,
        description="How often the scheduler checks drift over the last 24 hours of logged rows (at least "
                    "RETRAINER_MIN_TRIGGER_SECONDS); null: no scheduled checks")
    thresholds: Thresholds = Field(default_factory=Thresholds)
    retrain: Retrain | None = Field(default=None, description="The run a drift episode submits (null: none)")


class DeploymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    name: str = Field(pattern=DEPLOYMENT_NAME, description="Unique in the workspace; the prediction route's name")
    model: str = Field(min_length=1, max_length=200, description="A registered model's name")
    version: int | None = Field(default=None, ge=1, le=MAX_VERSION,
                                description="The version to serve; with follow: the first champion "
                                            "(default: the latest)")
    follow: bool = Field(default=False, description="Move to each new version of the model that passes the gate")
    gate: Gate | None = Field(default=None, description="With follow: true (default gate when left out)")
    monitor: Monitor | None = Field(default=None, description="Log predictions and measure drift (null: not)")
    enabled: bool = True


class DeploymentPatch(BaseModel):
    """Fields left out are left as they are."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=MAX_VERSION,
                                description="Serve this version now (lower than the current one: a rollback)")
    follow: bool | None = None
    gate: Gate | None = None
    monitor: Monitor | None = Field(default=None, description="null: stop logging predictions")
    enabled: bool | None = None


class InputColumn(BaseModel):
    name: str
    kind: Literal["number", "category", "any"] = Field(
        description="number: a JSON number (or null); category: a string or boolean (or null); "
                    "any: a model registered before kinds were recorded")


class ModelRef(BaseModel):
    name: str
    version: int


class DeploymentOut(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    id: str = Field(description="The runs a drift episode submits name it as their trigger (GET /runs?trigger_id=)")
    name: str
    model: str
    version: int = Field(description="The version serving now")
    follow: bool
    gate: Gate | None
    monitor: Monitor | None
    enabled: bool
    task: str | None = Field(description="classification or regression")
    label_column: str | None
    classes: list[Any] | None
    input_schema: list[InputColumn] = Field(description="The columns a row must hold, recorded at training")
    predict_url: str
    created_at: datetime
    updated_at: datetime


class DeploymentPage(Page[DeploymentOut]):
    pass


class HistoryEntry(BaseModel):
    at: datetime
    from_version: int | None
    to_version: int | None
    reason: Reason
    message: str | None = Field(description="Why, in words: what changed, or why the gate held")
    metrics: dict[str, Any] | None = Field(
        description="When the gate scored: {metric, rows, rows_from, champion: {...}, challenger: {...}}")
    run_id: str | None = Field(description="The run that registered the challenger")


class HistoryPage(Page[HistoryEntry]):
    pass


class PredictRequest(BaseModel):
    """Or a text/csv body whose first line names the columns."""

    model_config = ConfigDict(extra="forbid")

    rows: list[dict[str, Any]] = Field(min_length=1, description="One object per row: column -> value")


class PredictOut(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    model: ModelRef = Field(description="The model version that answered")
    predictions: list[Any]
    classes: list[Any] | None = Field(default=None, description="Classifiers: the order of each probabilities row")
    probabilities: list[list[float]] | None = None
    prediction_ids: list[str | None] | None = Field(
        default=None, description="With monitor.log_predictions: one per row, the id its feedback names; null "
                                  "for a row the sample left out")


class DriftBin(BaseModel):
    label: str = Field(description="A number column's bin (the reference's quantiles), or a category; "
                                   "\"other\" and \"missing\" last")
    reference: float = Field(description="The share of the training rows in this bin")
    current: float = Field(description="The share of the logged rows in this bin")


class DriftColumn(BaseModel):
    name: str
    kind: Literal["number", "category"]
    metric: Literal["psi", "js"]
    value: float
    threshold: float
    drifted: bool
    missing_rate: float | None = Field(description="Of the logged rows")
    reference_missing_rate: float | None = Field(description="Of the training rows")
    bins: list[DriftBin] = Field(default_factory=list, description="What the metric compares, bin by bin")


class DriftOut(BaseModel):
    rows: int = Field(description="Logged rows in the window")
    reference_rows: int = Field(description="Training rows of the serving version")
    version: int = Field(description="The serving version, whose reference profile the rows are compared with")
    since: datetime
    until: datetime
    enough_rows: bool = Field(description="false: fewer rows than RETRAINER_DRIFT_MIN_ROWS; nothing is measured")
    message: str | None = None
    drifted: bool
    columns: list[DriftColumn]
    prediction: DriftColumn | None = Field(
        default=None, description="The predictions of the serving version's logged rows against its predictions "
                                  "on its training rows")


class RunDeploymentEffect(BaseModel):
    """What a run did to a deployment that follows the model it registered."""

    deployment: str
    reason: Literal["promoted", "held"]
    from_version: int | None
    to_version: int | None
    message: str | None
    metrics: dict[str, Any] | None


class DriftCheckOut(BaseModel):
    id: str
    at: datetime = Field(description="When the check was recorded")
    since: datetime | None = Field(default=None, description="The window measured (the last 24 hours)")
    until: datetime | None = None
    version: int
    rows: int
    enough_rows: bool
    drifted: bool
    episode_started: bool = Field(description="This check began a drift episode (the webhook event "
                                              "deployment.drift_detected was sent for it)")
    episode_id: str | None = Field(description="The check that began the episode this one is part of")
    columns: list[DriftColumn]
    prediction: DriftColumn | None = None
    message: str | None = None
    run_id: str | None = Field(description="The retrain run this check submitted")
    retrain_note: str | None = Field(description="Why no retrain was submitted (cooldown, refused, ...)")


class DriftCheckPage(Page[DriftCheckOut]):
    pass


MAX_FEEDBACK_ITEMS = 1000
Label = Annotated[str, Field(max_length=200)] | int | float | bool


class FeedbackItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prediction_id: str = Field(min_length=1, max_length=60, description="From a predict answer's prediction_ids")
    label: Label = Field(description="The true label (a class, or a number for a regression)")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[FeedbackItem] = Field(min_length=1, max_length=MAX_FEEDBACK_ITEMS)


class FeedbackOut(BaseModel):
    recorded: int = Field(description="Items whose label was recorded or changed")
    unchanged: int = Field(description="Items already recorded with the same label")


class VersionPerformance(BaseModel):
    version: int
    rows: int = Field(description="Labelled predictions of this version in the window")
    metric: str = Field(description="The gate's metric")
    value: float | None = Field(description="The gate's metric (null when it cannot be computed, e.g. one class)")
    accuracy: float | None = Field(description="Classifiers")


class PerformanceOut(BaseModel):
    rows: int = Field(description="Labelled predictions in the window")
    since: datetime
    until: datetime
    metrics: dict[str, VersionPerformance] = Field(description="Per serving version (its number as the key)")
