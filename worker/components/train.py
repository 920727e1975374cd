"""train_model: fit a scikit-learn Pipeline on raw rows.

The fitted artefact is a plain scikit-learn Pipeline (see `build_pipeline`), so a
saved model can be loaded with joblib and used on raw rows without this package.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
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
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from app.components.settings import (
    ALGORITHM_TASKS,
    TrainModelSettings,
    validate_hyperparameters,
)
from app.core import profile as profiles
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
#: HistGradientBoosting's native categorical support takes at most max_bins (255, the
#: default we keep) categories per column; a column with more is grouped (see build_pipeline).
MAX_NATIVE_CATEGORIES = 255


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
    # app.core.profile: the training rows' distribution, which drift is measured against.
    reference_profile: dict[str, Any] | None = None

    @property
    def numeric_columns(self) -> list[str]:
        return _columns_of(self.pipeline, "numeric")

    @property
    def categorical_columns(self) -> list[str]:
        encoded = set(_columns_of(self.pipeline, "categorical"))
        return [c for c in self.feature_columns if c in encoded]  # in the data's order

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
            "reference_profile": self.reference_profile,
        }


def _columns_of(pipeline: Pipeline, name: str) -> list[str]:
    """The columns of the transformers called `name` or `name_*` (boosted trees split the
    categorical columns in two: a model saved before that has one "categorical" only)."""
    preprocess = pipeline.named_steps["preprocess"]
    return [
        column
        for transformer_name, _, columns in preprocess.transformers
        if transformer_name == name or transformer_name.startswith(name + "_")
        for column in columns
    ]


def _estimator(algorithm: str, task: str, hp: dict[str, Any], seed: int) -> Any:
    classification = task == "classification"
    if algorithm == "logistic_regression":
        return LogisticRegression(C=hp["C"], max_iter=hp["max_iter"], random_state=seed)
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
    many_categories: Sequence[str] = (),
) -> Pipeline:
    """The unfitted pipeline train_model fits (the recipe documented in the catalogue).

    Every algorithm but boosted_decision_tree:

    Pipeline([("preprocess", ColumnTransformer([
                  ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")),
                                        ("scale", StandardScaler())]),   # scale: linear models only
                   numeric_columns),
                  ("categorical", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                                            ("onehot", OneHotEncoder(handle_unknown="ignore"))]),
                   categorical_columns)])),
              ("model", estimator)])

    boosted_decision_tree: see `_boosted_pipeline`. `many_categories` names the categorical
    columns with more than MAX_NATIVE_CATEGORIES distinct values in the training rows; only
    boosted_decision_tree treats them apart.

    `hyperparameters` may be partial: unset ones take their defaults. Raises ValueError
    for an unknown algorithm, an algorithm that does not do `task`, or bad hyperparameters.
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', not {task!r}")
    if algorithm in ALGORITHM_TASKS and task not in ALGORITHM_TASKS[algorithm]:
        raise ValueError(f"algorithm {algorithm!r} does not do {task}")
    if not numeric_columns and not categorical_columns:
        raise ValueError("no feature columns")
    unknown = [c for c in many_categories if c not in categorical_columns]
    if unknown:
        raise ValueError(f"many_categories must be categorical columns; not: {', '.join(map(str, unknown))}")
    hp = validate_hyperparameters(algorithm, hyperparameters)
    if algorithm == "boosted_decision_tree":
        return _boosted_pipeline(task, hp, seed, numeric_columns, categorical_columns, many_categories)

    transformers = []
    if numeric_columns:
        numeric_steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
        if algorithm in SCALED_ALGORITHMS:
            numeric_steps.append(("scale", StandardScaler()))
        transformers.append(("numeric", Pipeline(numeric_steps), list(numeric_columns)))
    if categorical_columns:
        encoder = OneHotEncoder(handle_unknown="ignore")
        categorical = Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", encoder)])
        transformers.append(("categorical", categorical, list(categorical_columns)))
    return Pipeline(
        [
            ("preprocess", ColumnTransformer(transformers)),
            ("model", _estimator(algorithm, task, hp, seed)),
        ]
    )


def _ordinal_encoder(max_categories: int | None = None) -> OrdinalEncoder:
    # Unseen categories and missing values both become NaN, which HistGradientBoosting
    # scores as missing: a row with a new category still gets a prediction.
    return OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=np.nan,
        encoded_missing_value=np.nan,
        max_categories=max_categories,
    )


def _boosted_pipeline(
    task: str,
    hp: dict[str, Any],
    seed: int,
    numeric_columns: list[str],
    categorical_columns: list[str],
    many_categories: Sequence[str],
) -> Pipeline:
    """HistGradientBoosting with its native support for categories and missing values:

    Pipeline([("preprocess", ColumnTransformer([
                  ("numeric", "passthrough", numeric_columns),
                  ("categorical", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=nan,
                                                 encoded_missing_value=nan), <the other categorical columns>),
                  ("categorical_grouped", OrdinalEncoder(..., max_categories=255), many_categories),
              ]).set_output(transform="pandas")),
              ("model", HistGradientBoosting...(categorical_features=<the encoded columns' positions>,
                                                early_stopping=False, ...))])

    One-hot encoding made the fit 3-5x slower (one histogram per dummy column) for a ROC AUC
    no better on UCI Adult. Why each part:
    - numeric columns pass through: the trees learn where missing values go, better than a median;
    - max_categories=255 keeps a column with more categories than max_bins native: its 254 most
      frequent values keep their own code and the rarer ones share one;
    - pandas output: nullable numeric columns (Int64, Float64 with pd.NA) pass through, which a
      numpy output refuses;
    - early_stopping=False: exactly max_iter trees on every training row. scikit-learn's
      "auto" would, above 10,000 rows only, hold out 10% of them and stop earlier; the
      pipeline's split_data already holds out the rows that evaluate the model.
    """
    many = [c for c in categorical_columns if c in set(many_categories)]
    few = [c for c in categorical_columns if c not in set(many)]
    transformers: list[tuple[str, Any, list[str]]] = []
    if numeric_columns:
        transformers.append(("numeric", "passthrough", list(numeric_columns)))
    if few:
        transformers.append(("categorical", _ordinal_encoder(), few))
    if many:
        transformers.append(("categorical_grouped", _ordinal_encoder(MAX_NATIVE_CATEGORIES), many))
    encoded = list(range(len(numeric_columns), len(numeric_columns) + len(few) + len(many)))
    cls = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    estimator = cls(
        learning_rate=hp["learning_rate"],
        max_iter=hp["max_iter"],
        max_leaf_nodes=hp["max_leaf_nodes"],
        max_depth=hp["max_depth"],
        l2_regularization=hp["l2_regularization"],
        min_samples_leaf=hp["min_samples_leaf"],
        categorical_features=encoded or None,
        early_stopping=False,
        random_state=seed,
    )
    preprocess = ColumnTransformer(transformers).set_output(transform="pandas")
    return Pipeline([("preprocess", preprocess), ("model", estimator)])


def prepare_features(df: pd.DataFrame, categorical_columns: list[str]) -> pd.DataFrame:
    """The rows as the pipeline receives them from train_model and score_model.

    Every column among `categorical_columns` but text read from CSV (pandas' str dtype,
    missing values NaN, passed as it is) becomes an object column whose missing values
    are NaN: scikit-learn's SimpleImputer refuses the bool dtype and counts None as a
    category, and the encoders fitted on text fail on a column that arrives as numbers
    (e.g. a text column with no value in the rows to score, which pandas reads as float).
    """
    out = df
    for column in categorical_columns:
        series = df[column]
        dtype = series.dtype
        if isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA:
            continue
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
        if not series.notna().any():
            # Left out of the pipeline: the imputers would drop it, and HistGradientBoosting's
            # binning fails on a numeric column without a value.
            ctx.log.warning("feature %r has no values in the training rows; the model ignores it", column)
            continue
        (numeric if is_numeric(series) else categorical).append(column)
    if not numeric and not categorical:
        raise StepFailed(
            f"no feature column has a value in the training rows ({list_names(features)} are all missing)"
        )
    ctx.log.info(
        "features: %d numeric (%s), %d categorical (%s)",
        len(numeric), list_names(numeric) or "-", len(categorical), list_names(categorical) or "-",
    )
    many_categories = []
    if settings.algorithm == "boosted_decision_tree":
        for column in categorical:
            distinct = int(df[column].nunique())
            if distinct > MAX_NATIVE_CATEGORIES:
                many_categories.append(column)
                ctx.log.info(
                    "feature %r has %d distinct values (> %d): its %d most frequent keep a category "
                    "of their own, the other values share one",
                    column, distinct, MAX_NATIVE_CATEGORIES, MAX_NATIVE_CATEGORIES - 1,
                )

    hyperparameters = settings.effective_hyperparameters()
    pipeline = build_pipeline(
        settings.algorithm, task, hyperparameters, settings.seed, numeric, categorical, many_categories
    )
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
        reference_profile=reference_profile(pipeline, X, numeric, categorical, task),
    )
    return {"model": model}


#: Rows the prediction profile is computed on: a seeded sample of the training rows when
#: there are more (the columns' profiles count every row). Predicting is the cost: on UCI
#: Adult (26,048 training rows) predicting 20,000 of them was about a fifth of the train step
#: (docs/benchmarks.md). Why 5,000: the profile is at most 10 quantile bins, or 10 classes and
#: "other", so a number's bin holds about 500 sampled rows and any share has a standard error
#: of at most 0.7 points; simulated against the profile of all 26,048 rows, the value drift
#: measures on a 1,000-row window of the same population moved by at most 0.007 (PSI,
#: threshold 0.2) and 0.010-0.016 (JS distance of 2 and 12 classes, threshold 0.1) in 95 % of
#: draws: less than the window's own noise (0.017 and 0.028-0.057 at 1,000 rows; at the 100
#: rows of RETRAINER_DRIFT_MIN_ROWS, 0.18 and 0.08-0.19). 20,000 moved it by 0.002-0.005.
MAX_PROFILED_PREDICTIONS = 5_000


def reference_profile(pipeline: Pipeline, X: pd.DataFrame, numeric: list[str], categorical: list[str],
                      task: str) -> dict[str, Any]:
    """The training rows' profile (app.core.profile), and that of the model's predictions on
    them (a sample of at most MAX_PROFILED_PREDICTIONS rows)."""
    kinds = {c: "number" if c in set(numeric) else "category" for c in X.columns if c in set(numeric) | set(categorical)}
    columns = {c: (X[c].to_numpy(dtype="float64", na_value=np.nan) if kinds[c] == "number"
                   else _category_values(X[c])) for c in kinds}
    sample = X if len(X) <= MAX_PROFILED_PREDICTIONS else X.sample(MAX_PROFILED_PREDICTIONS, random_state=0)
    predictions = pipeline.predict(sample)
    return profiles.build(columns, kinds, [python_scalar(p) for p in predictions],
                          "number" if task == "regression" else "category")


def _category_values(series: pd.Series) -> Any:
    """A categorical column as app.core.profile counts it: CSV text (pandas' str dtype, NaN
    for missing, left as it is by prepare_features) as the column itself, whose values it
    counts in C; any other column as an object array."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA:
        return series
    return series.astype(object).to_numpy()
