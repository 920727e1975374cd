"""Reference profiles of training rows, and how far other rows have drifted from one.

A profile is small and JSON (it is stored with the model version): per column its kind,
its missing rate and either the inner edges of its quantile bins with each bin's count
(numbers) or the counts of its most frequent values and of the rest, "other"
(categories). Comparing rows with it needs nothing but the profile:

- numbers: the population stability index (PSI) over the reference's bins, missing values
  a bin of their own;
- categories: the Jensen-Shannon distance (base 2, so within [0, 1]) over the reference's
  values, "other" and missing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

BINS = 10                 # quantile bins of a number
TOP_CATEGORIES = 10       # categories kept by name; the rest are "other" (fewer: less noise on few rows)
MAX_COLUMNS = 200         # columns profiled (a wider model is profiled on its first 200)
MAX_VALUE_CHARS = 100     # a category longer than this is cut (keys of the profile stay small)
# A bin with no row in one of the two sides would make PSI infinite: its share is taken as this.
EPSILON = 1e-4


def _category_key(value: Any) -> str:
    text = str(value)
    return text[:MAX_VALUE_CHARS]


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number_profile(values: Sequence[Any]) -> dict[str, Any]:
    array = np.asarray(values, dtype=np.float64)
    present = array[np.isfinite(array)]
    missing = int(len(array) - len(present))
    edges: list[float] = []
    if len(present):
        quantiles = np.quantile(present, np.linspace(0, 1, BINS + 1)[1:-1])
        edges = sorted({float(q) for q in quantiles})
    counts = np.bincount(np.searchsorted(edges, present, side="right"), minlength=len(edges) + 1)
    return {"kind": "number", "missing": missing, "edges": edges, "counts": [int(c) for c in counts]}


def _text_counts(values: Iterable[Any]) -> tuple[dict[str, int], int] | None:
    """(counts by key, missing) counted by pandas' hash table, when the values are all text
    or missing: a pandas text column (str dtype, NaN for missing: what CSV text reads as),
    or an object array or list of str with None or NaN for missing. None for any other
    values, counted one by one. Text is grouped by equality, so the counts are the loop's;
    on Adult's 9 text columns (26,048 rows) 6 ms against 50-70 (docs/benchmarks.md)."""
    import pandas as pd
    from pandas.api.types import infer_dtype

    if isinstance(values, pd.Series):
        dtype = values.dtype
        if not isinstance(dtype, pd.StringDtype) or dtype.na_value is pd.NA:
            return None  # pd.NA: the loop counts it as the value "<NA>"
        found, missing = values.value_counts(sort=False), int(values.isna().sum())
    else:
        if not isinstance(values, np.ndarray | list | tuple) or len(values) == 0:
            return None
        array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if array.ndim != 1 or array.dtype != object or infer_dtype(array, skipna=True) != "string":
            return None
        absent = pd.isna(array)  # None and NaN, but also pd.NA or NaT, which the loop counts as values
        missing = int(absent.sum())
        if missing and not all(_is_missing(v) for v in array[absent]):
            return None
        found = pd.Series(array[~absent] if missing else array, dtype=object).value_counts(sort=False)
    counts: dict[str, int] = {}
    for value, count in found.items():
        key = _category_key(value)
        counts[key] = counts.get(key, 0) + int(count)
    return counts, missing


def category_profile(values: Iterable[Any]) -> dict[str, Any]:
    counted = _text_counts(values)
    if counted is not None:
        counts, missing = counted
    else:
        counts, missing = {}, 0
        for value in values:
            if _is_missing(value):
                missing += 1
                continue
            key = _category_key(value)
            counts[key] = counts.get(key, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CATEGORIES]
    kept = dict(top)
    other = sum(n for k, n in counts.items() if k not in kept)
    return {"kind": "category", "missing": missing, "values": kept, "other": other}


def build(columns: dict[str, Sequence[Any]], kinds: dict[str, str], prediction: Sequence[Any] | None = None,
          prediction_kind: str | None = None) -> dict[str, Any]:
    """The profile of `columns` (name -> values), each of kind "number" or "category"."""
    rows = len(next(iter(columns.values()))) if columns else 0
    out: dict[str, Any] = {"rows": rows, "bins": BINS, "top_categories": TOP_CATEGORIES, "columns": {}}
    for name in list(kinds)[:MAX_COLUMNS]:
        values = columns[name]
        out["columns"][name] = number_profile(values) if kinds[name] == "number" else category_profile(values)
    if prediction is not None and prediction_kind is not None:
        out["prediction"] = number_profile(prediction) if prediction_kind == "number" else category_profile(prediction)
    return out


def _shares(counts: Sequence[float]) -> np.ndarray:
    array = np.asarray(counts, dtype=np.float64)
    total = array.sum()
    return array / total if total > 0 else array


def _number_counts(reference: dict[str, Any], values: Sequence[Any]) -> tuple[list[float], list[float]]:
    """(reference, current) counts over the reference's bins, missing last."""
    array = np.asarray(values, dtype=np.float64)
    present = array[np.isfinite(array)]
    edges = reference["edges"]
    current = np.bincount(np.searchsorted(edges, present, side="right"), minlength=len(edges) + 1)
    return ([*reference["counts"], reference["missing"]],
            [*(float(c) for c in current), float(len(array) - len(present))])


def _category_counts(reference: dict[str, Any], values: Iterable[Any]) -> tuple[list[float], list[float]]:
    """(reference, current) counts over the reference's values, then other, then missing."""
    names = list(reference["values"])
    index = {name: i for i, name in enumerate(names)}
    current = [0.0] * (len(names) + 2)
    for value in values:
        if _is_missing(value):
            current[-1] += 1
        else:
            current[index.get(_category_key(value), len(names))] += 1
    return [*(float(reference["values"][n]) for n in names), float(reference["other"]),
            float(reference["missing"])], current


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    e = np.maximum(_shares(expected), EPSILON)
    a = np.maximum(_shares(actual), EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def js(expected: Sequence[float], actual: Sequence[float]) -> float:
    from scipy.spatial.distance import jensenshannon

    value = float(jensenshannon(_shares(expected), _shares(actual), base=2))
    return 0.0 if math.isnan(value) else value


def _edge(value: float) -> str:
    return f"{value:.4g}"


def bin_labels(reference: dict[str, Any]) -> list[str]:
    """The names of the bins `compare` counts in, in its order (what a chart labels)."""
    if reference["kind"] == "number":
        edges = [_edge(e) for e in reference["edges"]]
        if not edges:
            return ["all values", "missing"]
        inner = [f"{low} to {high}" for low, high in itertools.pairwise(edges)]
        return [f"below {edges[0]}", *inner, f"{edges[-1]} or more", "missing"]
    return [*reference["values"], "other", "missing"]


def compare(reference: dict[str, Any], values: Sequence[Any]) -> dict[str, Any]:
    """{metric, value, missing, reference_missing, bins} of `values` against one column's
    profile; bins: [{label, reference, current}] with each side's share of its rows."""
    ref_rows = sum(reference["counts"]) + reference["missing"] if reference["kind"] == "number" \
        else sum(reference["values"].values()) + reference["other"] + reference["missing"]
    if reference["kind"] == "number":
        expected, actual = _number_counts(reference, values)
        metric, value = "psi", psi(expected, actual)
    else:
        expected, actual = _category_counts(reference, values)
        metric, value = "js", js(expected, actual)
    rows = sum(actual)
    bins = [{"label": label, "reference": round(float(e), 6), "current": round(float(a), 6)}
            for label, e, a in zip(bin_labels(reference), _shares(expected), _shares(actual), strict=True)]
    return {"metric": metric, "value": round(value, 6), "bins": bins,
            "missing_rate": round(actual[-1] / rows, 6) if rows else None,
            "reference_missing_rate": round(reference["missing"] / ref_rows, 6) if ref_rows else None}
