"""What evaluate_model keeps for a person to read: ROC and precision-recall curves (each
point one of scikit-learn's, at most 200 of them), residuals of a regressor as a
bounded summary, and the learner's top feature importances."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from app.components.settings import EvaluateModelSettings, ScoreModelSettings, TrainModelSettings
from tests.components.helpers import adult_like, regression_frame
from worker.components.evaluate import evaluate_model, score_model
from worker.components.insights import MAX_CURVE_POINTS, MAX_IMPORTANCES
from worker.components.train import train_model

TOLERANCE = 1e-6  # residuals and importances are rounded to 6 decimals
CURVE_TOLERANCE = 5.01e-5  # curves to 4


def _evaluate(ctx, scored: pd.DataFrame) -> dict:
    metrics = evaluate_model(ctx, EvaluateModelSettings(), {"scored": scored})["metrics"]
    json.dumps(metrics, allow_nan=False)  # stored as JSON: no NaN or infinity
    return metrics


def _scored_binary(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Scores with many distinct values (a curve of about n points) and ties."""
    rng = np.random.default_rng(seed)
    truth = rng.random(n) < 0.3
    scores = np.clip(0.35 * truth + rng.normal(0.4, 0.2, n), 0, 1)
    scores[: n // 10] = np.round(scores[: n // 10], 1)  # some ties
    frame = pd.DataFrame({
        "label": np.where(truth, "yes", "no"),
        "scored_label": np.where(scores > 0.5, "yes", "no"),
        "scored_probability_no": 1 - scores,
        "scored_probability_yes": scores,
    })
    frame.attrs = {"label_column": "label", "task": "classification", "classes": ["no", "yes"]}
    return frame, truth, scores


def _each_point_is_one_of(kept: dict, reference: dict) -> None:
    """Every kept point equals one of scikit-learn's points (all coordinates at once)."""
    names = list(kept)
    full = np.column_stack([np.nan_to_num(np.asarray(reference[k], dtype=float), posinf=1e300) for k in names])
    for i in range(len(kept[names[0]])):
        point = np.array([1e300 if kept[k][i] is None else kept[k][i] for k in names], dtype=float)
        close = np.all(np.isclose(full, point, atol=CURVE_TOLERANCE, rtol=0) | (full == point), axis=1)
        assert close.any(), f"point {i} {dict(zip(names, point, strict=True))} is not on scikit-learn's curve"


def test_roc_and_pr_curves_are_scikit_learns_thinned(ctx):
    scored, truth, scores = _scored_binary(3000)
    metrics = _evaluate(ctx, scored)
    fpr, tpr, roc_thresholds = skm.roc_curve(truth, scores)
    precision, recall, pr_thresholds = skm.precision_recall_curve(truth, scores)
    assert len(fpr) > MAX_CURVE_POINTS and len(precision) > MAX_CURVE_POINTS  # so thinning happens

    roc = metrics["roc_curve"]
    assert 10 < len(roc["fpr"]) <= MAX_CURVE_POINTS
    assert len(roc["fpr"]) == len(roc["tpr"]) == len(roc["thresholds"])
    _each_point_is_one_of(roc, {"fpr": fpr, "tpr": tpr, "thresholds": roc_thresholds})
    assert (roc["fpr"][0], roc["tpr"][0]) == (0, 0) and (roc["fpr"][-1], roc["tpr"][-1]) == (1, 1)
    assert roc["thresholds"][0] is None  # scikit-learn's first threshold is infinite
    assert np.all(np.diff(roc["fpr"]) >= 0) and np.all(np.diff(roc["tpr"]) >= 0)
    # Thinned, the curve still has (almost) the area scikit-learn computes.
    assert abs(np.trapezoid(roc["tpr"], roc["fpr"]) - metrics["roc_auc"]) < 0.005
    assert metrics["roc_auc"] == skm.roc_auc_score(truth, scores)

    pr = metrics["pr_curve"]
    assert 10 < len(pr["precision"]) <= MAX_CURVE_POINTS
    assert len(pr["precision"]) == len(pr["recall"]) == len(pr["thresholds"])
    _each_point_is_one_of(pr, {"precision": precision, "recall": recall,
                               "thresholds": np.append(pr_thresholds, np.inf)})
    assert (pr["recall"][0], pr["recall"][-1]) == (1, 0) and pr["precision"][-1] == 1
    assert pr["thresholds"][-1] is None  # the last point has no threshold
    assert metrics["average_precision"] == skm.average_precision_score(truth, scores)


def test_a_short_curve_is_kept_whole(ctx):
    scored, truth, scores = _scored_binary(60, seed=3)
    metrics = _evaluate(ctx, scored)
    fpr, tpr, _ = skm.roc_curve(truth, scores)
    np.testing.assert_allclose(metrics["roc_curve"]["fpr"], fpr, atol=CURVE_TOLERANCE)
    np.testing.assert_allclose(metrics["roc_curve"]["tpr"], tpr, atol=CURVE_TOLERANCE)
    precision, recall, _ = skm.precision_recall_curve(truth, scores)
    np.testing.assert_allclose(metrics["pr_curve"]["precision"], precision, atol=CURVE_TOLERANCE)
    np.testing.assert_allclose(metrics["pr_curve"]["recall"], recall, atol=CURVE_TOLERANCE)


def test_multiclass_has_a_confusion_matrix_and_no_binary_curves(ctx):
    rng = np.random.default_rng(0)
    labels = rng.choice(["a", "b", "c"], 90)
    probabilities = rng.dirichlet([1, 1, 1], 90)
    scored = pd.DataFrame({"y": labels, "scored_label": np.array(["a", "b", "c"])[probabilities.argmax(axis=1)],
                           **{f"scored_probability_{c}": probabilities[:, i] for i, c in enumerate("abc")}})
    scored.attrs = {"label_column": "y", "task": "classification", "classes": ["a", "b", "c"]}
    metrics = _evaluate(ctx, scored)
    assert "roc_curve" not in metrics and "pr_curve" not in metrics
    assert metrics["confusion_matrix"]["labels"] == ["a", "b", "c"]
    assert np.asarray(metrics["confusion_matrix"]["matrix"]).sum() == 90


def test_regressor_residuals_are_a_bounded_summary(ctx):
    df = regression_frame(400)
    model = train_model(ctx, TrainModelSettings(label_column="y", algorithm="ridge"), {"data": df.iloc[:300]})["model"]
    scored = score_model(ctx, ScoreModelSettings(), {"model": model, "data": df.iloc[300:]})["scored"]
    metrics = _evaluate(ctx, scored)
    residuals = (scored["y"] - scored["scored_label"]).to_numpy()
    summary = metrics["residuals"]
    counts, edges = np.histogram(residuals, bins=len(summary["counts"]))
    assert summary["counts"] == counts.tolist() and sum(summary["counts"]) == 100
    np.testing.assert_allclose(summary["edges"], edges, atol=TOLERANCE)
    for q, value in summary["quantiles"].items():
        assert abs(value - np.quantile(residuals, float(q))) < TOLERANCE
    assert abs(summary["mean"] - residuals.mean()) < TOLERANCE
    # Ridge gives coefficients: the importances name the encoded features.
    names = [f["feature"] for f in metrics["feature_importances"]["top"]]
    assert metrics["feature_importances"]["kind"] == "absolute coefficient"
    assert "x1" in names[:2] and "color_red" in names


def test_feature_importances_are_the_learners_top_50(ctx):
    df = adult_like(300, seed=2)
    model = train_model(ctx, TrainModelSettings(label_column="income", algorithm="random_forest",
                                                hyperparameters={"n_estimators": 10}), {"data": df})["model"]
    scored = score_model(ctx, ScoreModelSettings(), {"model": model, "data": df})["scored"]
    metrics = _evaluate(ctx, scored)
    importances = metrics["feature_importances"]
    estimator = model.pipeline.named_steps["model"]
    assert importances["kind"] == "impurity decrease"
    assert importances["features"] == len(estimator.feature_importances_)
    top = importances["top"]
    assert len(top) == min(MAX_IMPORTANCES, importances["features"])
    expected = np.sort(estimator.feature_importances_)[::-1][: len(top)]
    np.testing.assert_allclose([f["importance"] for f in top], expected, atol=TOLERANCE)
    assert all("__" not in f["feature"] for f in top)


def test_boosted_trees_give_no_importances(ctx):
    df = adult_like(200, seed=4)
    model = train_model(ctx, TrainModelSettings(label_column="income", algorithm="boosted_decision_tree",
                                                hyperparameters={"max_iter": 10}), {"data": df})["model"]
    scored = score_model(ctx, ScoreModelSettings(), {"model": model, "data": df})["scored"]
    metrics = _evaluate(ctx, scored)
    assert "feature_importances" not in metrics
    assert len(metrics["roc_curve"]["fpr"]) <= MAX_CURVE_POINTS
