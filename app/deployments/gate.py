"""The gate of a deployment that follows its model: the rule, the metric, and recording
its decision.

Scoring is done by the worker that ran the challenger (worker.gate), before the run
succeeds; the decision is written in the run's success transaction, so a run that
registered a version never leaves its followers undecided; its webhook event
(deployment.promoted or deployment.held) is written with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from app.core.clock import utcnow
from app.db.tables import Deployment, DeploymentEvent, ModelVersion
from app.deployments.views import to_out
from app.webhooks.events import emit

if TYPE_CHECKING:
    import pandas as pd

CLASSIFICATION_METRICS = ("roc_auc", "accuracy", "balanced_accuracy", "f1")


def default_metric(task: str | None, classes: list[Any] | None) -> str:
    if task == "regression":
        return "r2"
    return "roc_auc" if classes is not None and len(classes) == 2 else "accuracy"


def metric_of(gate: dict[str, Any] | None, task: str | None, classes: list[Any] | None) -> str:
    return (gate or {}).get("metric") or default_metric(task, classes)


def metric_problem(metric: str, task: str | None, classes: list[Any] | None) -> str | None:
    """Why `metric` cannot judge a model of this task, or None."""
    if task == "regression" and metric != "r2":
        return f"{metric} is a classification metric; the model is a regression (use r2)"
    if task == "classification" and metric == "r2":
        return "r2 is a regression metric; the model is a classifier (use roc_auc, accuracy, balanced_accuracy or f1)"
    if metric in ("roc_auc", "f1") and classes is not None and len(classes) != 2:
        return f"{metric} needs two classes; the model has {len(classes)} (use accuracy or balanced_accuracy)"
    return None


def positive_class(classes: list[Any]) -> Any:
    # As evaluate_model: the last class in sorted order.
    try:
        return sorted(classes)[-1]
    except TypeError:
        return sorted(classes, key=str)[-1]


def score(metric: str, pipeline: Any, frame: pd.DataFrame, label: str) -> float:
    """The model's `metric` on the rows of `frame` whose label is known."""
    import numpy as np
    from sklearn import metrics as skm

    rows = frame[frame[label].notna()]
    if rows.empty:
        raise ValueError(f"no row has a value in the label column {label!r}")
    truth = rows[label]
    if metric == "r2":
        return float(skm.r2_score(truth.astype(float), pipeline.predict(rows)))
    classes = list(pipeline.classes_)
    truth_text = truth.astype(str).str.strip()
    by_text = {str(c): c for c in classes}
    unknown = sorted(set(truth_text) - set(by_text))
    if unknown:
        raise ValueError(f"labels {unknown[:5]} of column {label!r} are not classes of the model ({list(by_text)[:10]})")
    y = np.asarray([by_text[t] for t in truth_text], dtype=object)
    probabilities = pipeline.predict_proba(rows)
    predicted = np.asarray(classes, dtype=object)[np.argmax(probabilities, axis=1)]
    if metric == "accuracy":
        return float(np.mean(predicted == y))
    if metric == "balanced_accuracy":
        return float(skm.balanced_accuracy_score(y.astype(str), predicted.astype(str)))
    positive = positive_class(classes)
    is_positive = np.asarray([v == positive for v in y])
    if metric == "f1":
        return float(skm.f1_score(is_positive, predicted == positive))
    if is_positive.all() or not is_positive.any():
        raise ValueError(f"roc_auc needs both classes among the rows; every label is "
                         f"{'' if is_positive.all() else 'not '}{positive!r}")
    return float(skm.roc_auc_score(is_positive, probabilities[:, classes.index(positive)]))


@dataclass
class Decision:
    """What the gate concluded for one follower, before the challenger is registered."""

    deployment_id: str
    champion_version: int
    promote: bool
    message: str
    metrics: dict[str, Any] | None = field(default=None)


def followers(session: Session, workspace_id: str, model: str) -> list[Deployment]:
    """The enabled deployments that follow `model`, by name."""
    return list(session.exec(select(Deployment).where(
        Deployment.workspace_id == workspace_id, Deployment.model == model,
        Deployment.follow == True, Deployment.enabled == True).order_by(Deployment.name)))  # noqa: E712


# How far below its own recorded score the champion may fall on the gate's rows before
# the gate judges the rows, not the models (see `incomparable`).
MAX_CHAMPION_DROP = 0.2
# Metrics whose value at training (evaluate_model on the test split, in the version's
# metrics) means the same as the gate's: f1 there may name another positive class.
RECORDED_METRICS = ("roc_auc", "accuracy", "r2")


def chance(metric: str, classes: list[Any] | None) -> float | None:
    """What guessing scores, for the metrics where that does not depend on the rows."""
    if metric == "roc_auc":
        return 0.5
    if metric == "balanced_accuracy" and classes:
        return 1 / len(classes)
    return None


def incomparable(metric: str, champion: float, recorded: float | None, classes: list[Any] | None) -> str | None:
    """Why the champion's score says the rows cannot judge a challenger, or None.

    The champion was accepted by someone allowed to deploy it; rows on which it scores
    below chance, or far below what it scored on its own test split at training, are
    not like the data it was judged on (labels flipped, another population, a replaced
    file): a challenger that does well on them is not better, it agrees with the rows."""
    floor = chance(metric, classes)
    if floor is not None and not champion >= floor:
        return (f"the champion scores {metric} {champion:.4f} on these rows, below chance ({floor:.2f}): their "
                "labels disagree with the data it was trained on (flipped or mislabelled?), so they cannot judge "
                "a challenger; check the rows, or set the version by hand")
    if recorded is not None and metric in RECORDED_METRICS and math.isfinite(recorded) \
            and not champion >= recorded - MAX_CHAMPION_DROP:
        return (f"the champion scores {metric} {champion:.4f} on these rows, {recorded - champion:.4f} below the "
                f"{recorded:.4f} it scored on its own test split at training (at most {MAX_CHAMPION_DROP} "
                "is allowed): the rows are not like the data it was judged on, so they cannot judge a "
                "challenger; check the rows, or set the version by hand")
    return None


def recorded_score(metrics: dict[str, Any] | None, metric: str) -> float | None:
    """The version's `metric` as evaluated on its test split at training, if recorded."""
    value = (metrics or {}).get(metric)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def passes(challenger: float, champion: float, min_delta: float) -> bool:
    return math.isfinite(challenger) and challenger >= champion + min_delta - 1e-12


def record(session: Session, run_id: str, registered: ModelVersion, decision: Decision) -> None:
    """Applies a decision in the caller's transaction. The deployment's row is locked: if
    its version changed while the gate scored (a manual pin, another run), the comparison
    was against another champion and the challenger is held."""
    deployment = session.exec(select(Deployment).where(Deployment.id == decision.deployment_id)
                              .with_for_update()).first()
    if deployment is None or not deployment.follow or not deployment.enabled:
        return  # deleted, disabled or unfollowed meanwhile: nothing to decide
    promote, message = decision.promote, decision.message
    if deployment.version != decision.champion_version:
        promote = False
        message = (f"held: the deployment moved to version {deployment.version} while version "
                   f"{decision.champion_version} was being compared; retrain or set the version by hand")
    event = DeploymentEvent(deployment_id=deployment.id, from_version=deployment.version,
                            to_version=registered.version if promote else deployment.version,
                            reason="promoted" if promote else "held", message=message,
                            metrics=decision.metrics, run_id=run_id)
    if promote:
        deployment.version = registered.version
        deployment.updated_at = utcnow()
        session.add(deployment)
    else:
        event.message = f"version {registered.version} held: {message}" if not message.startswith("held") else message
    session.add(event)
    emit(session, deployment.workspace_id, "deployment.promoted" if promote else "deployment.held",
         lambda: _event_data(session, deployment, event))


def _event_data(session: Session, deployment: Deployment, event: DeploymentEvent) -> dict[str, Any]:
    """The deployment as the API shows it, and the change: as its history shows it."""
    session.flush()
    return {**to_out(session, deployment).model_dump(mode="json"),
            "change": {"at": event.at, "from_version": event.from_version, "to_version": event.to_version,
                       "reason": event.reason, "message": event.message, "metrics": event.metrics,
                       "run_id": event.run_id}}
