"""select_columns, clean_missing_data, normalize_data, split_data."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from app.components.settings import (
    CleanMissingDataSettings,
    NormalizeDataSettings,
    SelectColumnsSettings,
    SplitCondition,
    SplitDataSettings,
)
from worker.components._common import (
    check_columns,
    dtype_name,
    examples,
    get_dataset,
    is_numeric,
    list_names,
    python_scalar,
    value_counts,
)
from worker.components.context import StepContext, StepFailed

# ------------------------------------------------------------------ select_columns


def select_columns(ctx: StepContext, settings: SelectColumnsSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    df = get_dataset(inputs)
    check_columns(df, settings.columns)
    if settings.mode == "include":
        out = df[list(settings.columns)].copy()
    else:
        if len(settings.columns) == df.shape[1]:
            raise StepFailed("excluding every column would leave no columns; exclude fewer columns")
        out = df.drop(columns=list(settings.columns))
    ctx.log.info("kept %d of %d columns: %s", out.shape[1], df.shape[1], list_names(out.columns))
    return {"data": out}


# -------------------------------------------------------------- clean_missing_data


def _accepts(series: pd.Series, value: Any) -> bool:
    """Whether `value` can fill `series` without changing the column's kind."""
    dtype = series.dtype
    if ptypes.is_object_dtype(dtype):
        return True
    if isinstance(value, bool):
        return ptypes.is_bool_dtype(dtype)
    if isinstance(value, (int, float)):
        return is_numeric(series)
    # text
    return isinstance(dtype, pd.CategoricalDtype) or ptypes.is_string_dtype(dtype)


def _fill(series: pd.Series, value: Any) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype) and value not in series.cat.categories:
        series = series.cat.add_categories([value])
    return series.fillna(value)


def _no_values_error(column: str, mode: str) -> StepFailed:
    what = {"mean": "mean", "median": "median", "mode": "most frequent value"}[mode]
    return StepFailed(
        f"column {column!r} has no values at all, so it has no {what}; drop it with select_columns "
        "(mode 'exclude') or fill it with mode 'constant'"
    )


def clean_missing_data(
    ctx: StepContext, settings: CleanMissingDataSettings, inputs: dict[str, Any]
) -> dict[str, Any]:
    df = get_dataset(inputs)
    named = settings.columns is not None
    columns = list(settings.columns) if settings.columns is not None else list(df.columns)
    check_columns(df, columns)
    mode = settings.mode
    missing = {column: int(df[column].isna().sum()) for column in columns}

    if mode == "drop_rows":
        drop = df[columns].isna().any(axis=1)
        dropped = int(drop.sum())
        if dropped == len(df) and len(df) > 0:
            worst = max(missing, key=missing.get)  # type: ignore[arg-type]
            raise StepFailed(
                f"every one of the {len(df)} rows has a missing value in {list_names(columns)} "
                f"(e.g. {worst!r}: {missing[worst]} missing); dropping rows would leave none. Drop the "
                "emptiest columns with select_columns, or fill them instead"
            )
        out = df.loc[~drop].copy()
        per_column = list_names(f"{c}: {n}" for c, n in missing.items() if n)
        ctx.log.info(
            "dropped %d of %d rows with missing values%s; %d rows left",
            dropped, len(df), f" ({per_column})" if per_column else "", len(out),
        )
        return {"data": out}

    out = df.copy()
    targets = columns
    if mode in ("mean", "median"):
        not_numeric = [c for c in columns if not is_numeric(df[c])]
        if named and not_numeric:
            raise StepFailed(
                f"mode {mode!r} needs numeric columns; not numeric: "
                + list_names(f"{c!r} ({dtype_name(df[c])})" for c in not_numeric)
                + ". Use mode 'mode' or 'constant' for them"
            )
        targets = [c for c in columns if c not in not_numeric]
        skipped = [c for c in not_numeric if missing[c]]
        ctx.log.info("%s applies to the numeric columns: %s", mode, list_names(targets) or "none")
        if skipped:
            ctx.log.info("not numeric, left as they are: %s", list_names(f"{c} ({missing[c]} missing)" for c in skipped))
    elif mode == "constant":
        value = settings.value
        incompatible = [c for c in columns if missing[c] and not _accepts(df[c], value)]
        if named and incompatible:
            raise StepFailed(
                f"cannot fill {list_names(f'{c!r} ({dtype_name(df[c])})' for c in incompatible)} with "
                f"{value!r} ({type(value).__name__}): the types differ; choose a value of the column's type"
            )
        if incompatible:
            ctx.log.info(
                "value %r does not fit these columns, left as they are: %s",
                value, list_names(f"{c} ({dtype_name(df[c])})" for c in incompatible),
            )
        targets = [c for c in columns if c not in incompatible]

    changed = 0
    for column in targets:
        count = missing[column]
        if not count:
            continue
        series = df[column]
        if mode == "constant":
            fill = settings.value
        else:
            if series.notna().sum() == 0:
                raise _no_values_error(column, mode)
            if mode == "mean":
                fill = float(series.mean())
            elif mode == "median":
                fill = float(series.median())
            else:
                fill = python_scalar(series.mode(dropna=True).iloc[0])
        out[column] = _fill(series, fill)
        changed += count
        ctx.log.info("%s: filled %d missing values with %s %r", column, count, mode, fill)
    ctx.log.info("filled %d missing values in total", changed)
    return {"data": out}


# ------------------------------------------------------------------ normalize_data


def normalize_data(ctx: StepContext, settings: NormalizeDataSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    df = get_dataset(inputs)
    if settings.columns is not None:
        columns = list(settings.columns)
        check_columns(df, columns)
        not_numeric = [c for c in columns if not is_numeric(df[c])]
        if not_numeric:
            raise StepFailed(
                "normalize_data needs numeric columns; not numeric: "
                + list_names(f"{c!r} ({dtype_name(df[c])})" for c in not_numeric)
            )
    else:
        columns = [c for c in df.columns if is_numeric(df[c])]
        if not columns:
            raise StepFailed(f"no numeric columns to normalize; columns are: {list_names(df.columns)}")

    out = df.copy()
    for column in columns:
        x = df[column].astype("float64")
        if x.notna().sum() == 0:
            ctx.log.warning("%s: no values, left missing", column)
            out[column] = x
            continue
        if settings.method == "zscore":
            center, scale = float(x.mean()), float(x.std(ddof=0))
            described = f"mean {center:.6g}, std {scale:.6g}"
        else:
            center, scale = float(x.min()), float(x.max() - x.min())
            described = f"min {center:.6g}, max {center + scale:.6g}"
        if scale == 0 or not np.isfinite(scale):
            ctx.log.warning("%s: constant column (%s), set to 0", column, described)
            out[column] = x * 0.0
        else:
            out[column] = (x - center) / scale
            ctx.log.info("%s: %s with %s", column, settings.method, described)
    return {"data": out}


# ----------------------------------------------------------------------- split_data


def _coerce_condition_value(series: pd.Series, value: Any, operator: str, column: str) -> Any:
    if is_numeric(series):
        if isinstance(value, bool):
            raise StepFailed(f"column {column!r} is numeric; compare it with a number, not {value!r}")
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                raise StepFailed(
                    f"column {column!r} is numeric ({dtype_name(series)}) but the condition's value {value!r} "
                    "is not a number"
                ) from None
        return value
    if ptypes.is_bool_dtype(series.dtype):
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise StepFailed(f"column {column!r} is boolean; compare it with true or false, not {value!r}")
        return value
    if ptypes.is_datetime64_any_dtype(series.dtype):
        try:
            return pd.Timestamp(value)
        except (ValueError, TypeError):
            raise StepFailed(f"column {column!r} holds dates; {value!r} is not a date") from None
    if ptypes.is_string_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype):
        if not isinstance(value, str):
            if operator in ("<", "<=", ">", ">="):
                raise StepFailed(f"column {column!r} holds text; compare it with text, not {value!r}")
            return str(value)
    return value


def _condition_mask(df: pd.DataFrame, condition: SplitCondition) -> pd.Series:
    column = condition.column
    check_columns(df, [column])
    series = df[column]
    op = condition.operator
    if isinstance(condition.value, list):
        value: Any = [_coerce_condition_value(series, v, op, column) for v in condition.value]
    else:
        value = _coerce_condition_value(series, condition.value, op, column)
    try:
        if op == "==":
            result = series == value
        elif op == "!=":
            result = series != value
        elif op == "<":
            result = series < value
        elif op == "<=":
            result = series <= value
        elif op == ">":
            result = series > value
        elif op == ">=":
            result = series >= value
        elif op == "in":
            result = series.isin(value)
        else:
            result = ~series.isin(value)
    except TypeError as exc:
        raise StepFailed(
            f"cannot evaluate {condition.describe()}: column {column!r} ({dtype_name(series)}) and "
            f"{condition.value!r} cannot be compared ({exc})"
        ) from None
    # A missing value never matches, whatever the operator.
    return result.fillna(False).astype(bool) & series.notna()


def _split_by_condition(ctx: StepContext, df: pd.DataFrame, condition: SplitCondition) -> tuple[pd.DataFrame, pd.DataFrame]:
    mask = _condition_mask(df, condition)
    matched, total = int(mask.sum()), len(df)
    series = df[condition.column]
    missing = int(series.isna().sum())
    note = f" ({missing} rows have no {condition.column!r} and never match)" if missing else ""
    if matched == 0:
        raise StepFailed(
            f"condition {condition.describe()} matched none of the {total} rows{note}, so train would be empty; "
            f"frequent values of {condition.column!r}: {examples(series)}"
        )
    if matched == total:
        raise StepFailed(
            f"condition {condition.describe()} matched all {total} rows, so test would be empty; "
            f"frequent values of {condition.column!r}: {examples(series)}"
        )
    ctx.log.info("condition %s matched %d of %d rows%s", condition.describe(), matched, total, note)
    return df.loc[mask].copy(), df.loc[~mask].copy()


def _split_by_fraction(
    ctx: StepContext, df: pd.DataFrame, settings: SplitDataSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import train_test_split

    total = len(df)
    fraction = settings.fraction
    # The same arithmetic as scikit-learn's _validate_shuffle_split with train_size only.
    n_train = math.floor(fraction * total)
    n_test = total - n_train
    if n_train == 0 or n_test == 0:
        empty = "train" if n_train == 0 else "test"
        raise StepFailed(
            f"a fraction of {fraction} of {total} rows puts {n_train} rows in train and {n_test} in test, "
            f"so {empty} would be empty; use more rows or another fraction"
        )
    stratify = None
    if settings.stratify_column is not None:
        column = settings.stratify_column
        check_columns(df, [column], "stratify column")
        stratify = df[column]
        missing = int(stratify.isna().sum())
        if missing:
            raise StepFailed(
                f"stratify column {column!r} has {missing} missing values; drop or fill them first (clean_missing_data)"
            )
        counts = value_counts(stratify)
        rare = counts[counts < 2]
        if len(rare):
            raise StepFailed(
                f"cannot stratify on {column!r}: "
                + list_names(f"class {python_scalar(c)!r} has {int(n)} row" for c, n in rare.items())
                + "; each class needs at least 2 rows. Remove those rows or split without stratify_column"
            )
        if n_train < len(counts) or n_test < len(counts):
            raise StepFailed(
                f"cannot stratify on {column!r}: {len(counts)} classes but train would get {n_train} and "
                f"test {n_test} rows; each needs at least one row per class"
            )
    try:
        train, test = train_test_split(
            df, train_size=fraction, random_state=settings.seed, shuffle=settings.shuffle, stratify=stratify
        )
    except ValueError as exc:
        raise StepFailed(f"cannot split {total} rows with fraction {fraction}: {exc}") from None
    return train, test


def split_data(ctx: StepContext, settings: SplitDataSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    df = get_dataset(inputs)
    if settings.mode == "condition":
        assert settings.condition is not None  # the settings model guarantees it
        train, test = _split_by_condition(ctx, df, settings.condition)
    else:
        train, test = _split_by_fraction(ctx, df, settings)
    ctx.log.info("train: %d rows, test: %d rows", len(train), len(test))
    if settings.mode == "fraction" and settings.stratify_column is not None:
        share = train[settings.stratify_column].value_counts(normalize=True)
        ctx.log.info(
            "train class shares of %s: %s",
            settings.stratify_column,
            list_names(f"{python_scalar(c)}: {p:.3f}" for c, p in share.items()),
        )
    return {"train": train, "test": test}
