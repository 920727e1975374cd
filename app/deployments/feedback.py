"""Ground truth: true labels attached to logged predictions, and the live metrics they give.

A label is stored in the database keyed by (deployment, prediction id), with what the log
holds of the prediction (version, answer, score, time), read back once from the batch
files when the label arrives: live metrics are then a bounded query, never a scan of the
log. A prediction id carries the time it was logged, so only the batch files written
within a few minutes after it are read (`FEEDBACK_HORIZON`); one written later (a
storage outage held it back) is not found and its id is answered as unknown.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.core.clock import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.settings import Settings
from app.db.tables import Deployment, PredictionFeedback
from app.deployments import drift as drifts
from app.deployments import gate as gates
from app.deployments import predlog
from app.deployments import repository as repo
from app.deployments.schemas import FeedbackOut, FeedbackRequest, PerformanceOut, VersionPerformance
from app.models_registry import service as models
from app.storage.registry import artifact_store

MAX_FILES = 2000  # batch files read for one request, at most
MAX_SPANS = 100  # separate stretches of the log one request may name
LISTED = 50  # unknown ids named in a 422, at most


def _deployment(session: Session, workspace_id: str, name: str) -> Deployment:
    deployment = repo.by_name(session, workspace_id, name)
    if deployment is None:
        raise NotFound(f"no deployment named {name!r} in this workspace")
    return deployment


def horizon(settings: Settings) -> timedelta:
    return timedelta(seconds=120 + 3 * settings.prediction_log_flush_seconds)


def _spans(settings: Settings, ids: set[str]) -> list[datetime]:
    """The distinct request times of the ids, inside the log's retention (an id outside it is
    unknown: nothing is read for it), of at most MAX_SPANS stretches of the log."""
    now = utcnow()
    oldest = now - timedelta(days=settings.prediction_log_retention_days)
    times = sorted({at for i in ids if (at := predlog.id_time(i)) is not None and oldest <= at <= now + timedelta(minutes=5)})
    starts: list[datetime] = []
    for at in times:  # requests close together share the batch files read for them
        if not starts or at > starts[-1] + horizon(settings):
            starts.append(at)
    if len(starts) > MAX_SPANS:
        raise InvalidInput(f"these predictions were made at {len(starts)} moments far apart; send the labels of at "
                           f"most {MAX_SPANS} of them per request (split the items by when they were predicted)",
                           errors=[{"loc": ["body", "items"], "msg": "too many separate moments in one request"}])
    return starts


def _logged(settings: Settings, workspace_id: str, deployment_id: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The logged rows of these ids (id -> row), read from the batch files that may hold them."""
    store = artifact_store(settings)
    keys: list[str] = []
    for at in _spans(settings, ids):
        for key in predlog.batch_keys_after(store, workspace_id, deployment_id, at, 2 * horizon(settings),
                                            MAX_FILES - len(keys)):
            if key not in keys:
                keys.append(key)
        if len(keys) >= MAX_FILES:
            break
    found: dict[str, dict[str, Any]] = {}
    for key in keys:
        for row in predlog.read_rows(store, key, ids - found.keys()):
            found[row[predlog.ID]] = row
        if len(found) == len(ids):
            break
    return found


def _unknown(body: FeedbackRequest, unknown: set[str]) -> InvalidInput:
    positions = [(i, item.prediction_id) for i, item in enumerate(body.items) if item.prediction_id in unknown]
    named = sorted(unknown)[:LISTED]
    more = f" and {len(unknown) - LISTED} more" if len(unknown) > LISTED else ""
    return InvalidInput(
        f"{len(unknown)} prediction id(s) are not logged predictions of this deployment: {', '.join(named)}{more}",
        errors=[{"loc": ["body", "items", i, "prediction_id"],
                 "msg": f"{prediction_id!r} is not a logged prediction of this deployment (unknown, from another "
                        "deployment, not logged yet: wait a few seconds, or older than the log's retention)"}
                for i, prediction_id in positions[:LISTED]])


def record(session: Session, settings: Settings, workspace_id: str, name: str, body: FeedbackRequest) -> FeedbackOut:
    """Attaches the labels (the last one wins for an id given twice); all or nothing: one
    unknown id refuses the request (422, naming them)."""
    deployment = _deployment(session, workspace_id, name)
    labels = {item.prediction_id: item.label for item in body.items}
    known = repo.feedback_of(session, deployment.id, list(labels))
    deployment_id = deployment.id
    session.rollback()  # reading the log needs no transaction
    missing = set(labels) - known.keys()
    logged = _logged(settings, workspace_id, deployment_id, missing) if missing else {}
    unknown = missing - logged.keys()
    if unknown:
        raise _unknown(body, unknown)
    recorded = unchanged = 0
    known = repo.feedback_of(session, deployment_id, list(labels))
    for prediction_id, label in labels.items():
        row = known.get(prediction_id)
        if row is None:
            source = logged[prediction_id]
            row = PredictionFeedback(deployment_id=deployment_id, prediction_id=prediction_id,
                                     version=int(source[predlog.VERSION]), predicted_at=source[predlog.AT],
                                     prediction=source[predlog.PREDICTION], score=source.get(predlog.SCORE),
                                     label=label)
            if repo.add_feedback(session, row):
                recorded += 1
                continue
            row = repo.feedback_of(session, deployment_id, [prediction_id])[prediction_id]  # sent concurrently
        if row.label == label:
            unchanged += 1
        else:
            row.label = label
            session.add(row)
            recorded += 1
    return FeedbackOut(recorded=recorded, unchanged=unchanged)


# Live metrics -----------------------------------------------------------------------------


def _metrics(metric: str, task: str | None, classes: list[Any] | None,
             rows: list[tuple[int, Any, float | None, Any]]) -> tuple[float | None, float | None]:
    """(the gate's metric, accuracy) of (version, prediction, score, label) rows."""
    import numpy as np
    from sklearn import metrics as skm

    if task == "regression":
        truth = np.asarray([float(r[3]) for r in rows])
        predicted = np.asarray([float(r[1]) for r in rows])
        return (float(skm.r2_score(truth, predicted)) if len(rows) > 1 else None), None
    truth_text = np.asarray([str(r[3]) for r in rows], dtype=object)
    predicted_text = np.asarray([str(r[1]) for r in rows], dtype=object)
    accuracy = float(skm.accuracy_score(truth_text, predicted_text))
    value: float | None = accuracy
    if metric == "balanced_accuracy":
        value = float(skm.balanced_accuracy_score(truth_text, predicted_text))
    elif metric in ("f1", "roc_auc"):
        positive = str(gates.positive_class(classes)) if classes else None
        is_positive = truth_text == positive
        if metric == "f1":
            value = float(skm.f1_score(is_positive, predicted_text == positive))
        elif is_positive.all() or not is_positive.any() or any(r[2] is None for r in rows):
            value = None  # roc_auc needs both classes among the labels, and the scores
        else:
            value = float(skm.roc_auc_score(is_positive, np.asarray([r[2] for r in rows], dtype=float)))
    return value, accuracy


def performance(session: Session, settings: Settings, workspace_id: str, name: str, window_text: str | None,
                since: datetime | None, until: datetime | None) -> PerformanceOut:
    deployment = _deployment(session, workspace_id, name)
    start, end = drifts.window(settings, window_text, since, until)
    rows = repo.feedback_in(session, deployment.id, start, end, settings.drift_max_rows)
    by_version: dict[int, list[tuple[int, Any, float | None, Any]]] = {}
    for row in rows:
        by_version.setdefault(row[0], []).append(row)
    out: dict[str, VersionPerformance] = {}
    for version, group in sorted(by_version.items()):
        mv = models.version(session, workspace_id, deployment.model, version)
        details = (mv.details if mv else None) or {}
        task, classes = details.get("task"), details.get("classes")
        metric = gates.metric_of(deployment.gate, task, classes)
        value, accuracy = _metrics(metric, task, classes, group)
        out[str(version)] = VersionPerformance(version=version, rows=len(group), metric=metric, value=value,
                                               accuracy=accuracy)
    return PerformanceOut(rows=len(rows), since=start, until=end, metrics=out)
