"""What evaluate_model stores for a person to read beside its numbers: the ROC and
precision-recall curves of a binary classifier, a summary of a regressor's residuals,
and the features the learner weighed most.

Everything here is bounded: the metrics are kept in the run, its step, its model
version and every listing of runs, so a curve keeps at most MAX_CURVE_POINTS points,
residuals are a fixed-size histogram and a few quantiles, importances the top
MAX_IMPORTANCES. Numbers are rounded (a chart needs no more).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn import metrics as skm

MAX_CURVE_POINTS = 200
MAX_IMPORTANCES = 50
RESIDUAL_BINS = 20
RESIDUAL_QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
DIGITS = 6
# Rates and thresholds lie in [0, 1]: 4 decimals are finer than any chart draws them, and
# halve what every listing of runs carries.
CURVE_DIGITS = 4


def _rounded(values: Any, digits: int = DIGITS) -> list[float | None]:
    """JSON numbers: a value that is not finite (the ROC curve's first threshold is
    infinite) becomes null."""
    return [round(float(v), digits) if math.isfinite(float(v)) else None for v in values]


def kept_points(count: int, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Indices of at most `limit` points spread evenly along a curve of `count` points,
    its first and last always among them."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))


def roc_curve(is_positive: np.ndarray, scores: np.ndarray) -> dict[str, list[float | None]]:
    fpr, tpr, thresholds = skm.roc_curve(is_positive, scores)
    keep = kept_points(len(fpr))
    return {"fpr": _rounded(fpr[keep], CURVE_DIGITS), "tpr": _rounded(tpr[keep], CURVE_DIGITS),
            "thresholds": _rounded(thresholds[keep], CURVE_DIGITS)}


def pr_curve(is_positive: np.ndarray, scores: np.ndarray) -> dict[str, list[float | None]]:
    precision, recall, thresholds = skm.precision_recall_curve(is_positive, scores)
    # The last point (recall 0, precision 1) has no threshold: null keeps the lists aligned.
    thresholds = np.append(thresholds, np.inf)
    keep = kept_points(len(precision))
    return {"precision": _rounded(precision[keep], CURVE_DIGITS), "recall": _rounded(recall[keep], CURVE_DIGITS),
            "thresholds": _rounded(thresholds[keep], CURVE_DIGITS)}


def residuals(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """y_true - y_pred as a histogram of RESIDUAL_BINS bins and a few quantiles."""
    values = y_true - y_pred
    counts, edges = np.histogram(values, bins=RESIDUAL_BINS)
    return {
        "edges": _rounded(edges),
        "counts": [int(n) for n in counts],
        "quantiles": {str(q): round(float(np.quantile(values, q)), DIGITS) for q in RESIDUAL_QUANTILES},
        "mean": round(float(values.mean()), DIGITS),
    }


def _feature_names(pipeline: Any, count: int) -> list[str]:
    try:
        names = [str(n) for n in pipeline.named_steps["preprocess"].get_feature_names_out()]
    except (AttributeError, KeyError, ValueError, TypeError):
        names = []
    if len(names) != count:
        return [f"feature {i}" for i in range(count)]
    # "numeric__age" reads as "age", "categorical__sex_Male" as "sex_Male".
    return [n.split("__", 1)[1] if "__" in n else n for n in names]


def feature_importances(pipeline: Any) -> dict[str, Any] | None:
    """The learner's own importances (trees: impurity decrease; linear models: the
    absolute coefficient of each encoded feature, the numbers scaled), top MAX_IMPORTANCES,
    or None when the learner gives none (boosted_decision_tree)."""
    estimator = getattr(pipeline, "named_steps", {}).get("model")
    if estimator is None:
        return None
    if hasattr(estimator, "feature_importances_"):
        values, kind = np.asarray(estimator.feature_importances_, dtype=float), "impurity decrease"
    elif hasattr(estimator, "coef_"):
        coef = np.abs(np.atleast_2d(np.asarray(estimator.coef_, dtype=float)))
        values, kind = coef.mean(axis=0), "absolute coefficient"
    else:
        return None
    names = _feature_names(pipeline, len(values))
    order = np.argsort(-values, kind="stable")[:MAX_IMPORTANCES]
    return {
        "kind": kind,
        "features": len(values),
        "top": [{"feature": names[i], "importance": round(float(values[i]), DIGITS)}
                for i in order if math.isfinite(float(values[i]))],
    }
