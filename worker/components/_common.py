"""Helpers shared by the component implementations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from pandas.api import types as ptypes

from worker.components.context import StepFailed

_MAX_LISTED = 30


def list_names(names: Iterable[Any], limit: int = _MAX_LISTED) -> str:
    """'a, b, c' (at most `limit` names, then '... (N more)')."""
    names = [str(name) for name in names]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... ({len(names) - limit} more)"


def get_dataset(inputs: dict[str, Any], port: str = "data") -> pd.DataFrame:
    """The DataFrame on input `port`, or StepFailed when it is not connected."""
    value = inputs.get(port)
    if value is None:
        raise StepFailed(f"input {port!r} is not connected")
    if not isinstance(value, pd.DataFrame):
        raise StepFailed(f"input {port!r} must be a dataset, got {type(value).__name__}")
    return value


def spacing_hint(df: pd.DataFrame, names: Iterable[str]) -> str:
    """A hint when a wanted name differs from a column's name only by surrounding spaces."""
    near = [
        column
        for name in names
        for column in df.columns
        if isinstance(column, str) and column != name and column.strip() == str(name).strip()
    ]
    if not near:
        return ""
    return (
        f" (note the spaces in {list_names(repr(c) for c in near)}: import with skip_initial_space, "
        "or name the column exactly)"
    )


def check_columns(df: pd.DataFrame, columns: Iterable[str], what: str = "column") -> None:
    """StepFailed naming the unknown columns and the available ones."""
    unknown = [column for column in columns if column not in df.columns]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise StepFailed(
            f"{what}{plural} {list_names(repr(c) for c in unknown)} not found; "
            f"columns are: {list_names(df.columns)}{spacing_hint(df, unknown)}"
        )


def is_numeric(series: pd.Series) -> bool:
    """Numeric and not boolean."""
    return ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype)


def dtype_name(series: pd.Series) -> str:
    return str(series.dtype)


def python_scalar(value: Any) -> Any:
    """A numpy scalar as the equivalent Python scalar (JSON-serialisable)."""
    item = getattr(value, "item", None)
    if item is not None and callable(item):
        try:
            return item()
        except (ValueError, TypeError):
            return value
    return value


def value_counts(series: pd.Series) -> pd.Series:
    """Counts of the values present (a category column also counts its unused categories)."""
    counts = series.value_counts()
    return counts[counts > 0]


def examples(series: pd.Series, limit: int = 5) -> str:
    """The most frequent values of a column, as reprs: "'a', 'b', ..."."""
    values = value_counts(series).index[:limit]
    text = ", ".join(repr(python_scalar(v)) for v in values)
    return text or "(no values)"
