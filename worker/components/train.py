"""train_model: fit a scikit-learn Pipeline on raw rows.

The fitted artefact is a plain scikit-learn Pipeline (see `build_pipeline`), so a
saved model can be loaded with joblib and used on raw rows without this package.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from app.components.settings import ALGORITHM_TASKS, TrainModelSettings, validate_hyperparameters
from worker.components._common import (
    check_columns,
    dtype_name,
    examples,
    get_dataset,
    is_numeric,
    list_names,
    python_scalar,
    spacing_hint,
    value_counts,
)
from worker.components.context import StepContext, StepFailed

#: Algorithms whose numeric features are standardised after imputation.
SCALED_ALGORITHMS = frozenset({"logistic_regression", "linear_regression", "ridge"})
#: An integer label with at most this many distinct values is inferred as classification.
MAX_INFERRED_CLASSES = 20


@dataclass
class TrainedModel:
    """What train_model outputs: the fitted pipeline and what it was trained on."""

    pipeline: Pipeline
    label_column: str
    task: str  # "classification" | "regression"
    algorithm: str
    feature_columns: list[str]
    classes: list[Any] | None  # Python scalars, in the order of predict_proba's columns
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    training_rows: int = 0

    @property
    def numeric_columns(self) -> list[str]:
        return _columns_of(self.pipeline, "numeric")

    @property
    def categorical_columns(self) -> list[str]:
        return _columns_of(self.pipeline, "categorical")

    def metadata(self) -> dict[str, Any]:
        """Everything but the pipeline, JSON-serialisable."""
        return {
            "label_column": self.label_column,
            "task": self.task,
            "algorithm": self.algorithm,
            "feature_columns": list(self.feature_columns),
            "numeric_columns": self.numeric_columns,
            "categorical_columns": self.categorical_columns,
            "classes": None if self.classes is None else list(self.classes),
            "hyperparameters": dict(self.hyperparameters),
            "training_rows": self.training_rows,
        }


def _columns_of(pipeline: Pipeline, name: str) -> list[str]:
    preprocess = pipeline.named_steps["preprocess"]
    for transformer_name, _, columns in preprocess.transformers:
        if transformer_name == name:
            return list(columns)
    return []


def _estimator(algorithm: str, task: str, hp: dict[str, Any], seed: int) -> Any:
    classification = task == "classification"
    if algorithm == "logistic_regression":
        return LogisticRegression(C=hp["C"], max_iter=hp["max_iter"], random_state=seed)
    if algorithm == "boosted_decision_tree":
        cls = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
        return cls(
            learning_rate=hp["learning_rate"],
            max_iter=hp["max_iter"],
            max_leaf_nodes=hp["max_leaf_nodes"],
            max_depth=hp["max_depth"],
            l2_regularization=hp["l2_regularization"],
            min_samples_leaf=hp["min_samples_leaf"],
            random_state=seed,
        )
    if algorithm == "random_forest":
        cls = RandomForestClassifier if classification else RandomForestRegressor
        return cls(
            n_estimators=hp["n_estimators"],
            max_depth=hp["max_depth"],
            min_samples_leaf=hp["min_samples_leaf"],
            random_state=seed,
        )
    if algorithm == "decision_tree":
        cls = DecisionTreeClassifier if classification else DecisionTreeRegressor
        return cls(max_depth=hp["max_depth"], min_samples_leaf=hp["min_samples_leaf"], random_state=seed)
    if algorithm == "linear_regression":
        return LinearRegression(fit_intercept=hp["fit_intercept"])
    if algorithm == "ridge":
        return Ridge(alpha=hp["alpha"], random_state=seed)
    raise ValueError(f"unknown algorithm {algorithm!r}")


def build_pipeline(
    algorithm: str,
    task: str,
    hyperparameters: dict[str, Any],
    seed: int,
    numeric_columns: list[str],
    categorical_columns: list[str],
) -> Pipeline:
    """The unfitted pipeline train_model fits (the one recipe, documented in the catalogue).

    Pipeline([("preprocess", ColumnTransformer([
                  ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")),
                                        ("scale", StandardScaler())]),   # scale: linear models only
                   numeric_columns),
                  ("categorical", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                                            ("onehot", OneHotEncoder(handle_unknown="ignore"[,
                                                       sparse_output=False for boosted_decision_tree]))]),
                   categorical_columns)])),
              ("model", estimator)])

    `hyperparameters` may be partial: unset ones take their defaults. Raises ValueError
    for an unknown algorithm, an algorithm that does not do `task`, or bad hyperparameters.
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', not {task!r}")
    if algorithm in ALGORITHM_TASKS and task not in ALGORITHM_TASKS[algorithm]:
        raise ValueError(f"algorithm {algorithm!r} does not do {task}")
    if not numeric_columns and not categorical_columns:
        raise ValueError("no feature columns")
    hp = validate_hyperparameters(algorithm, hyperparameters)

    transformers = []
    if numeric_columns:
        numeric_steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
        if algorithm in SCALED_ALGORITHMS:
            numeric_steps.append(("scale", StandardScaler()))
        transformers.append(("numeric", Pipeline(numeric_steps), list(numeric_columns)))
    if categorical_columns:
        if algorithm == "boosted_decision_tree":
            encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        else:
            encoder = OneHotEncoder(handle_unknown="ignore")
        categorical = Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", encoder)])
        transformers.append(("categorical", categorical, list(categorical_columns)))
    return Pipeline(
        [
            ("preprocess", ColumnTransformer(transformers)),
            ("model", _estimator(algorithm, task, hp, seed)),
        ]
    )


def prepare_features(df: pd.DataFrame, categorical_columns: list[str]) -> pd.DataFrame:
    """The rows as the pipeline receives them from train_model and score_model.

    Boolean, object and category columns among `categorical_columns` become object
    columns whose missing values are NaN (scikit-learn's SimpleImputer refuses the
    bool dtype, and counts None as a category). Text columns read from CSV are
    left as they are, so for them this is the identity.
    """
    out = df
    for column in categorical_columns:
        series = df[column]
        dtype = series.dtype
        if (
            ptypes.is_bool_dtype(dtype)
            or ptypes.is_object_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            converted = series.astype(object)
            converted = converted.where(series.notna(), np.nan)
            if out is df:
                out = df.copy()
            out[column] = converted
    return out


def _mixed_types(series: pd.Series) -> list[str]:
    if not ptypes.is_object_dtype(series.dtype):
        return []
    kinds = {type(v).__name__ for v in series.dropna()}
    return sorted(kinds) if len(kinds) > 1 else []


def infer_task(label: pd.Series) -> tuple[str, str]:
    """(task, reason): a text or boolean label, or an integer label with at most 20
    distinct values, means classification; any other numeric label regression."""
    dtype = label.dtype
    if ptypes.is_bool_dtype(dtype):
        return "classification", "the label is boolean"
    if not ptypes.is_numeric_dtype(dtype):
        return "classification", f"the label is not numeric ({dtype})"
    if ptypes.is_integer_dtype(dtype):
        distinct = int(label.nunique())
        if distinct <= MAX_INFERRED_CLASSES:
            return "classification", f"the label is integer with {distinct} distinct values (<= {MAX_INFERRED_CLASSES})"
        return "regression", f"the label is integer with {distinct} distinct values (> {MAX_INFERRED_CLASSES})"
    return "regression", f"the label is numeric ({dtype})"


def train_model(ctx: StepContext, settings: TrainModelSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    df = get_dataset(inputs)
    label = settings.label_column
    if label not in df.columns:
        raise StepFailed(
            f"label column {label!r} not found; columns are: {list_names(df.columns)}{spacing_hint(df, [label])}"
        )
    if settings.feature_columns is not None:
        features = list(settings.feature_columns)
        check_columns(df, features, "feature column")
    else:
        features = [c for c in df.columns if c != label]
    if not features:
        raise StepFailed(f"no feature columns: the dataset has only the label column {label!r}")

    if len(df) == 0:
        raise StepFailed("the training dataset has no rows")
    has_label = df[label].notna()
    dropped = int((~has_label).sum())
    if dropped:
        ctx.log.info("dropped %d of %d rows whose label %r is missing", dropped, len(df), label)
        df = df.loc[has_label]
    if len(df) == 0:
        raise StepFailed(f"no rows to train on: the label column {label!r} is missing in every row")
    y = df[label]

    mixed = _mixed_types(y)
    if mixed:
        raise StepFailed(
            f"the label column {label!r} mixes value types ({', '.join(mixed)}); make it all text or all numbers"
        )

    task: str
    if settings.task is not None:
        task = settings.task
    else:
        task, reason = infer_task(y)
        ctx.log.info("task inferred as %s: %s (set task to override)", task, reason)
        if task not in ALGORITHM_TASKS[settings.algorithm]:
            suitable = [a for a, tasks in ALGORITHM_TASKS.items() if task in tasks]
            raise StepFailed(
                f"algorithm {settings.algorithm!r} does not do {task}, and the task was inferred as {task} "
                f"because {reason}; set task explicitly, or choose one of: {', '.join(suitable)}"
            )

    if task == "regression":
        if ptypes.is_bool_dtype(y.dtype) or not ptypes.is_numeric_dtype(y.dtype):
            raise StepFailed(
                f"regression needs a numeric label, but {label!r} is {dtype_name(y)} (e.g. {examples(y, 3)}); "
                "use task 'classification' or convert the column to numbers"
            )
        ctx.log.info(
            "label %r: mean %.6g, std %.6g, min %.6g, max %.6g",
            label, float(y.mean()), float(y.std(ddof=0)), float(y.min()), float(y.max()),
        )
    else:
        counts = value_counts(y)
        if len(counts) < 2:
            only = python_scalar(counts.index[0])
            raise StepFailed(
                f"the label column {label!r} has only one class ({only!r}); a classifier needs at least two"
            )
        ctx.log.info(
            "label %r: %d classes: %s",
            label, len(counts), list_names((f"{python_scalar(c)!r}: {int(n)}" for c, n in counts.items()), 20),
        )
        if len(counts) > 100 or len(counts) > len(y) / 2:
            ctx.log.warning(
                "label %r has %d distinct values for %d rows: is it really a class label? (set task 'regression' if not)",
                label, len(counts), len(y),
            )

    numeric: list[str] = []
    categorical: list[str] = []
    for column in features:
        series = df[column]
        if ptypes.is_datetime64_any_dtype(series.dtype) or ptypes.is_timedelta64_dtype(series.dtype):
            raise StepFailed(
                f"feature column {column!r} holds dates or durations ({dtype_name(series)}); "
                "exclude it with feature_columns or select_columns"
            )
        if _mixed_types(series):
            raise StepFailed(
                f"feature column {column!r} mixes value types ({', '.join(_mixed_types(series))}); "
                "make it all text or all numbers"
            )
        (numeric if is_numeric(series) else categorical).append(column)
        if series.notna().sum() == 0:
            ctx.log.warning("feature %r has no values in the training rows; the model ignores it", column)
    ctx.log.info(
        "features: %d numeric (%s), %d categorical (%s)",
        len(numeric), list_names(numeric) or "-", len(categorical), list_names(categorical) or "-",
    )

    hyperparameters = settings.effective_hyperparameters()
    pipeline = build_pipeline(settings.algorithm, task, hyperparameters, settings.seed, numeric, categorical)
    X = prepare_features(df[features], categorical)
    ctx.log.info(
        "fitting %s (%s) on %d rows with %s",
        settings.algorithm, task, len(df), ", ".join(f"{k}={v!r}" for k, v in hyperparameters.items()),
    )
    ctx.check_canceled()
    started = time.perf_counter()
    pipeline.fit(X, y)
    ctx.log.info("fitted in %.2f s", time.perf_counter() - started)

    classes = None
    if task == "classification":
        classes = [python_scalar(c) for c in pipeline.classes_]
    model = TrainedModel(
        pipeline=pipeline,
        label_column=label,
        task=task,
        algorithm=settings.algorithm,
        feature_columns=features,
        classes=classes,
        hyperparameters=hyperparameters,
        training_rows=len(df),
    )
    return {"model": model}
