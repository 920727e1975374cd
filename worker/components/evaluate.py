"""score_model and evaluate_model."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype, is_object_dtype
from sklearn import metrics as skm

from app.components.settings import EvaluateModelSettings, ScoreModelSettings, ScoreRegisteredModelSettings
from worker.components import insights
from worker.components._common import (
    dtype_name,
    examples,
    get_dataset,
    is_numeric,
    list_names,
    python_scalar,
    spacing_hint,
)
from worker.components.context import StepContext, StepFailed
from worker.components.train import TrainedModel, prepare_features

SCORED_LABEL = "scored_label"
PROBABILITY_PREFIX = "scored_probability_"


def probability_column(cls: Any) -> str:
    """The column score_model writes the probability of class `cls` to."""
    return f"{PROBABILITY_PREFIX}{cls}"


# --------------------------------------------------------------------- score_model


def score_registered_model(ctx: StepContext, settings: ScoreRegisteredModelSettings,
                           inputs: dict[str, Any]) -> dict[str, Any]:
    model = ctx.load_model(settings.model)
    ctx.log.info("scoring with %s (%s, trained on %s rows)", settings.model, model.algorithm, model.training_rows)
    return score_model(ctx, ScoreModelSettings(include_features=settings.include_features),
                       {"model": model, "data": get_dataset(inputs)})


def score_model(ctx: StepContext, settings: ScoreModelSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    model = inputs.get("model")
    if model is None:
        raise StepFailed("input 'model' is not connected")
    if not isinstance(model, TrainedModel):
        raise StepFailed(f"input 'model' must be a model from train_model, got {type(model).__name__}")
    df = get_dataset(inputs)

    missing = [c for c in model.feature_columns if c not in df.columns]
    if missing:
        raise StepFailed(
            f"the data lacks {len(missing)} of the model's feature columns: {list_names(missing)}; "
            f"the model was trained on: {list_names(model.feature_columns)}"
        )
    if len(df) == 0:
        raise StepFailed("the dataset to score has no rows")
    for column in model.numeric_columns:
        series = df[column]
        if not is_numeric(series) and series.notna().any():
            raise StepFailed(
                f"column {column!r} was numeric in training but is {dtype_name(series)} here "
                f"(e.g. {examples(series, 3)}); prepare the data to score like the training data"
            )

    X = prepare_features(df[model.feature_columns], model.categorical_columns)
    ctx.check_canceled()
    if model.task == "classification":
        probabilities = model.pipeline.predict_proba(X)
        predicted = predicted_classes(model.pipeline, X, probabilities)
    else:
        probabilities, predicted = None, model.pipeline.predict(X)

    if settings.include_features:
        out = df.copy()
    elif model.label_column in df.columns:
        out = df[[model.label_column]].copy()
    else:
        out = pd.DataFrame(index=df.index)
    stale = [c for c in out.columns if c == SCORED_LABEL or str(c).startswith(PROBABILITY_PREFIX)]
    if stale:
        ctx.log.info("replacing earlier scores: %s", list_names(stale))
        out = out.drop(columns=stale)

    out[SCORED_LABEL] = predicted
    if probabilities is not None:
        for index, cls in enumerate(model.classes or []):
            out[probability_column(cls)] = probabilities[:, index]
    out.attrs["label_column"] = model.label_column
    out.attrs["task"] = model.task
    out.attrs["classes"] = None if model.classes is None else list(model.classes)
    # Read by evaluate_model, which sees only the scored rows, not the model.
    out.attrs["feature_importances"] = insights.feature_importances(model.pipeline)

    ctx.log.info("scored %d rows with %s (%s)", len(out), model.algorithm, model.task)
    if model.task == "classification":
        counts = pd.Series(predicted).value_counts()
        ctx.log.info(
            "predicted classes: %s",
            list_names((f"{python_scalar(c)!r}: {int(n)}" for c, n in counts.items()), 20),
        )
    if model.label_column not in df.columns:
        ctx.log.info("the data has no label column %r: evaluate_model needs it", model.label_column)
    return {"scored": out}


def predicted_classes(pipeline: Any, X: pd.DataFrame, probabilities: np.ndarray) -> np.ndarray:
    """What `pipeline.predict(X)` answers, from the probabilities it gave on X: one pass
    through the pipeline instead of two (its transforms' input checks and every tree: about
    half of the score step).

    Each classifier train_model fits predicts the class of the highest score, and
    predict_proba maps a row's scores to probabilities monotonically (sigmoid, softmax, or a
    division by the row's total): a class whose probability is strictly the highest had the
    highest score, so it is the predicted class. Where the highest probability is shared
    (e.g. [0.5, 0.5], which a binary boosted model's score of +1e-17 also gives, predicted as
    the second class), those rows are predicted by the pipeline itself."""
    classes = np.asarray(pipeline.classes_)
    if probabilities.ndim != 2 or probabilities.shape != (len(X), len(classes)):
        return np.asarray(pipeline.predict(X))
    best = np.argmax(probabilities, axis=1)
    top = probabilities[np.arange(len(best)), best]
    tied = (probabilities == top[:, None]).sum(axis=1) != 1  # NaN: none equal
    predicted = classes[best]
    if tied.any():
        predicted = predicted.copy()
        predicted[tied] = pipeline.predict(X.iloc[np.flatnonzero(tied)])
    return predicted


# ------------------------------------------------------------------ evaluate_model


def _number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _sorted(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _classes(df: pd.DataFrame, probability_columns: list[str], y_true: pd.Series) -> list[Any]:
    """The model's classes, in the order of the probability columns."""
    names = [c[len(PROBABILITY_PREFIX):] for c in probability_columns]
    recorded = df.attrs.get("classes")
    if isinstance(recorded, list) and recorded and ([str(c) for c in recorded] == names or not names):
        return list(recorded)
    if not names:  # scores without probabilities: the classes seen
        seen = pd.concat([y_true, df.loc[y_true.index, SCORED_LABEL]]).dropna().unique()
        return _sorted([python_scalar(v) for v in seen])
    # E.g. after a Parquet or CSV round trip: match the names with the values' text.
    values = {str(python_scalar(v)): python_scalar(v) for v in pd.concat([y_true, df[SCORED_LABEL]]).dropna().unique()}
    return [values.get(name, name) for name in names]


def _near_classes(values: list[Any], classes: list[Any]) -> str:
    """A hint when values differ from classes only by spaces or a trailing '.'."""
    by_text = {str(c): c for c in classes}
    near = [(v, by_text[str(v).strip().rstrip(".").strip()]) for v in values
            if str(v).strip().rstrip(".").strip() in by_text]
    if not near:
        return ""
    return "; " + list_names(f"{v!r} looks like {c!r}" for v, c in near) + " (clean the labels first)"


def _align(series: pd.Series, by_text: dict[str, Any]) -> np.ndarray:
    """Values as the class objects they stand for (so 1, '1' and np.int64(1) agree)."""
    # Not dtype=object: scikit-learn cannot tell the target type of an object array of numbers.
    if _is_text(series) and not series.isna().any():
        # Each distinct text once (a row's value is its text): the same array as the loop
        # below, whose dtype numpy finds from the same distinct values.
        codes, uniques = pd.factorize(series)
        return np.asarray([by_text.get(value, value) for value in uniques.tolist()])[codes]
    return np.asarray([by_text.get(str(python_scalar(v)), python_scalar(v)) for v in series])


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return isinstance(dtype, pd.StringDtype) or (is_object_dtype(dtype) and infer_dtype(series, skipna=False) == "string")


def _distinct(values: np.ndarray) -> Any:
    """What a set of the values' text needs to look at: a text array's distinct values
    (text is equal when its text is), any other array's every value."""
    return np.unique(values) if values.dtype.kind == "U" else values


def _precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray, **options: Any) -> dict[str, float]:
    """precision_score, recall_score and f1_score with these options, from the one call each
    of them makes (each counted the confusion matrix again, validating the labels each time)."""
    precision, recall, f1, _ = skm.precision_recall_fscore_support(y_true, y_pred, zero_division=0, **options)
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1)}


def _classification_metrics(
    ctx: StepContext, settings: EvaluateModelSettings, df: pd.DataFrame, y_series: pd.Series, probability_columns: list[str]
) -> dict[str, Any]:
    classes = _classes(df, probability_columns, y_series)
    by_text = {str(c): c for c in classes}
    y_true = _align(y_series, by_text)
    predicted = df.loc[y_series.index, SCORED_LABEL]
    if predicted.isna().any():
        raise StepFailed(f"{int(predicted.isna().sum())} rows have no {SCORED_LABEL}; score them again")
    y_pred = _align(predicted, by_text)
    known = set(by_text)
    extra = _sorted(list({python_scalar(v) for v in [*_distinct(y_true), *_distinct(y_pred)] if str(v) not in known}))
    if extra:
        hint = _near_classes(extra, classes)
        if not any(str(v) in known for v in y_true):
            raise StepFailed(
                f"none of the values of {y_series.name!r} is a class of the model "
                f"({list_names(repr(c) for c in classes)}); they are: {list_names(repr(v) for v in extra)}{hint}"
            )
        ctx.log.warning(
            "values the model has no class for (counted as errors): %s%s", list_names(repr(v) for v in extra), hint
        )
    labels = [*classes, *extra]
    compared = labels
    if len({isinstance(v, str) for v in labels}) > 1:
        # Numbered classes and text values: compare everything as text.
        y_true, y_pred = y_true.astype(str), y_pred.astype(str)
        compared = [str(v) for v in labels]
    metrics: dict[str, Any] = {"task": "classification", "label_column": str(y_series.name), "rows": len(y_true)}
    metrics["accuracy"] = float(skm.accuracy_score(y_true, y_pred))

    probabilities = None
    if probability_columns:
        probabilities = df.loc[y_series.index, probability_columns].to_numpy(dtype=float)
        if np.isnan(probabilities).any():
            ctx.log.warning("some probabilities are missing: roc_auc and log_loss are left out")
            probabilities = None
    else:
        ctx.log.warning("no %s* columns: roc_auc and log_loss are left out", PROBABILITY_PREFIX)
    present = {str(v) for v in _distinct(y_true)}

    if len(classes) == 2:
        if settings.positive_class is not None:
            if str(settings.positive_class) not in by_text:
                raise StepFailed(
                    f"positive_class {settings.positive_class!r} is not a class; classes are: {list_names(repr(c) for c in classes)}"
                )
            positive = by_text[str(settings.positive_class)]
        else:
            positive = _sorted(classes)[-1]
        metrics["average"] = "binary"
        metrics["positive_class"] = positive
        positive_compared = compared[classes.index(positive)]
        if extra:
            options: dict[str, Any] = {"labels": [positive_compared], "average": "micro"}
        else:
            options = {"pos_label": positive_compared, "average": "binary"}
        metrics.update(_precision_recall_f1(y_true, y_pred, **options))
        if probabilities is not None:
            is_positive = (y_true == str(positive) if y_true.dtype.kind == "U"
                           else np.array([str(v) == str(positive) for v in y_true], dtype=bool))
            if is_positive.all() or not is_positive.any():
                ctx.log.warning(
                    "roc_auc is left out: the true labels are %s the positive class %r",
                    "all" if is_positive.all() else "never", positive,
                )
            else:
                scores = probabilities[:, classes.index(positive)]
                metrics["roc_auc"] = float(skm.roc_auc_score(is_positive, scores))
                metrics["average_precision"] = float(skm.average_precision_score(is_positive, scores))
                metrics["roc_curve"] = insights.roc_curve(is_positive, scores)
                metrics["pr_curve"] = insights.pr_curve(is_positive, scores)
    else:
        metrics["average"] = "macro"
        metrics.update(_precision_recall_f1(y_true, y_pred, average="macro"))
        if probabilities is not None:
            absent = [c for c in classes if str(c) not in present]
            if absent or extra:
                ctx.log.warning(
                    "roc_auc is left out: it needs every class, and only the model's classes, in the true labels%s",
                    f" (absent: {list_names(repr(c) for c in absent)})" if absent else "",
                )
            else:
                try:
                    metrics["roc_auc"] = float(
                        skm.roc_auc_score(y_true, probabilities, multi_class="ovr", average="macro", labels=classes)
                    )
                except ValueError as exc:
                    ctx.log.warning("roc_auc is left out: %s", exc)

    if probabilities is not None:
        if extra:
            ctx.log.warning("log_loss is left out: the true labels hold values the model has no class for")
        else:
            try:
                metrics["log_loss"] = float(skm.log_loss(y_true, probabilities, labels=classes))
            except ValueError as exc:
                ctx.log.warning("log_loss is left out: %s", exc)

    limit = ctx.limits.max_confusion_matrix_classes
    if len(labels) > limit:
        # K x K numbers, kept in the run, its step and its model version: bounded.
        metrics["confusion_matrix"] = None
        metrics["confusion_matrix_note"] = (f"left out: {len(labels)} classes is more than "
                                            f"{limit} (RETRAINER_MAX_CONFUSION_MATRIX_CLASSES)")
        ctx.log.info("confusion matrix %s", metrics["confusion_matrix_note"])
        return metrics
    matrix = skm.confusion_matrix(y_true, y_pred, labels=compared)
    metrics["confusion_matrix"] = {
        "labels": [python_scalar(v) for v in labels],
        "matrix": [[int(n) for n in row] for row in matrix],
    }
    return metrics


def _regression_metrics(ctx: StepContext, df: pd.DataFrame, y_series: pd.Series) -> dict[str, Any]:
    label = str(y_series.name)
    if not is_numeric(y_series):
        raise StepFailed(
            f"the label column {label!r} is {dtype_name(y_series)}, not numeric (e.g. {examples(y_series, 3)}); "
            "regression metrics need numbers"
        )
    predicted = df.loc[y_series.index, SCORED_LABEL]
    if not is_numeric(predicted):
        raise StepFailed(f"{SCORED_LABEL} is not numeric ({dtype_name(predicted)}): is this a classification model?")
    if predicted.isna().any():
        raise StepFailed(f"{int(predicted.isna().sum())} rows have no {SCORED_LABEL}; score them again")
    y_true = y_series.to_numpy(dtype=float)
    y_pred = predicted.to_numpy(dtype=float)
    metrics: dict[str, Any] = {"task": "regression", "label_column": label, "rows": len(y_true)}
    metrics["mae"] = float(skm.mean_absolute_error(y_true, y_pred))
    metrics["rmse"] = float(skm.root_mean_squared_error(y_true, y_pred))
    if len(y_true) < 2:
        ctx.log.warning("r2 is left out: it needs at least 2 rows")
    else:
        r2 = _number(skm.r2_score(y_true, y_pred))
        if r2 is None:
            ctx.log.warning("r2 is left out: it is not defined here")
        else:
            metrics["r2"] = r2
    metrics["residuals"] = insights.residuals(y_true, y_pred)
    return metrics


def evaluate_model(ctx: StepContext, settings: EvaluateModelSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    df = get_dataset(inputs, "scored")
    if SCORED_LABEL not in df.columns:
        raise StepFailed(
            f"the dataset has no {SCORED_LABEL} column; connect the 'scored' output of score_model "
            f"(columns are: {list_names(df.columns)})"
        )
    probability_columns = [c for c in df.columns if str(c).startswith(PROBABILITY_PREFIX)]
    recorded_task = df.attrs.get("task")
    if recorded_task in ("classification", "regression"):
        task = recorded_task
    else:
        task = "classification" if probability_columns else "regression"
        if not probability_columns and not is_numeric(df[SCORED_LABEL]):
            task = "classification"
        ctx.log.info("task taken as %s from the columns", task)

    label = settings.label_column or df.attrs.get("label_column")
    if not label:
        raise StepFailed(
            "set label_column: this dataset does not record which column holds the true values "
            f"(it does when it comes straight from score_model); columns are: {list_names(df.columns)}"
        )
    if label not in df.columns:
        raise StepFailed(
            f"label column {label!r} not found; columns are: {list_names(df.columns)}{spacing_hint(df, [label])}"
        )

    y_series = df[label]
    missing = int(y_series.isna().sum())
    if missing:
        ctx.log.info("left out %d rows whose label %r is missing", missing, label)
        y_series = y_series.dropna()
    if len(y_series) == 0:
        raise StepFailed(f"no rows to evaluate: the label column {label!r} has no values")

    if task == "classification":
        metrics = _classification_metrics(ctx, settings, df, y_series, probability_columns)
    else:
        metrics = _regression_metrics(ctx, df, y_series)
    importances = df.attrs.get("feature_importances")
    if isinstance(importances, dict):
        metrics["feature_importances"] = importances
    for key, value in list(metrics.items()):
        if isinstance(value, float) and not math.isfinite(value):
            ctx.log.warning("%s is left out: it is not a finite number here", key)
            del metrics[key]
    shown = [k for k in ("accuracy", "f1", "roc_auc", "log_loss", "mae", "rmse", "r2") if k in metrics]
    ctx.log.info(
        "%s on %d rows: %s",
        task, metrics["rows"], ", ".join(f"{k} {metrics[k]:.4f}" for k in shown),
    )
    return {"metrics": metrics}
