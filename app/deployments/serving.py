"""Scoring rows with a registered model: its input schema, rows checked against it, and
models kept loaded per process.

A model file is loaded only after its sha256 check, once per process, and kept (least
recently used dropped first). A request resolves the version it serves once and keeps
that model object to the end: a switch to another version never fails a request in
flight, the next requests load the new one.
"""

from __future__ import annotations

import collections
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Gauge

from app.core import tabular
from app.core.errors import InvalidInput, Problem
from app.core.settings import Settings
from app.core.tabular import TableLimits, TableRefused
from app.db.tables import ModelVersion
from app.storage import artifacts

if TYPE_CHECKING:
    from app.deployments.scorer import Columns

MAX_REPORTED_PROBLEMS = 50


def input_schema(details: dict[str, Any]) -> list[dict[str, str]]:
    """[{name, kind}] of the feature columns, as recorded when the model was trained."""
    numeric = set(details.get("numeric_columns") or ())
    categorical = set(details.get("categorical_columns") or ())
    known = bool(numeric or categorical)
    out = []
    for name in details.get("feature_columns") or ():
        kind = "number" if name in numeric else "category" if name in categorical else "any"
        out.append({"name": name, "kind": kind if known else "any"})
    return out


@dataclass(frozen=True)
class LoadedModel:
    name: str
    version: int
    pipeline: Any
    task: str | None
    schema: list[dict[str, str]]
    scorer: Any = None  # app.deployments.scorer: compiled for boosted trees, else scikit-learn's path

    @property
    def columns(self) -> list[str]:
        return [c["name"] for c in self.schema]


def load(settings: Settings, mv: ModelVersion) -> LoadedModel:
    """The model after its sha256 check (what is unpickled is the very bytes that were hashed)."""
    import joblib

    from app.deployments import scorer

    found = artifacts.verified(settings, mv.artifact_path, mv.sha256)
    with found.open() as handle:
        pipeline = joblib.load(handle)
    details = mv.details or {}
    schema = input_schema(details)
    return LoadedModel(mv.name, mv.version, pipeline, details.get("task"), schema,
                       scorer.build(pipeline, schema, details.get("task")))


ModelKey = tuple[str, str, int]  # workspace, model name, version: a registered version never changes


LOADS = Counter("retrainer_model_loads_total", "Model versions loaded into this process's prediction cache")
EVICTIONS = Counter("retrainer_model_evictions_total", "Model versions dropped from this process's prediction cache")
CACHED = Gauge("retrainer_models_cached", "Model versions held in this process's prediction cache")


class ModelCache:
    """Loaded models of one process, by (workspace, model, version), shared fairly: when
    full, the least recently used model of the workspace that holds the most goes first.
    A workspace cycling through many deployments so evicts its own models, never the one
    model of another workspace (unless there are more workspaces than places)."""

    def __init__(self, size: int, loader: Callable[[Settings, ModelVersion], LoadedModel] = load) -> None:
        self.size, self.loader = size, loader
        self._models: OrderedDict[ModelKey, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[ModelKey, threading.Lock] = {}

    def loaded(self, key: ModelKey) -> LoadedModel | None:
        """The model if this process holds it already (never loads: for the event loop)."""
        with self._lock:
            found = self._models.get(key)
            if found is not None:
                self._models.move_to_end(key)
            return found

    def get(self, settings: Settings, key: ModelKey, fetch: Callable[[], ModelVersion]) -> LoadedModel:
        """The loaded model; `fetch()` reads its registry row, on a miss only."""
        with self._lock:
            found = self._models.get(key)
            if found is not None:
                self._models.move_to_end(key)
                return found
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:  # one load per version, however many requests ask at once
            with self._lock:
                found = self._models.get(key)
            if found is None:
                _one_native_thread()
                found = self.loader(settings, fetch())
                LOADS.inc()
                with self._lock:
                    self._models[key] = found
                    while len(self._models) > self.size:
                        del self._models[self._victim()]
                        EVICTIONS.inc()
                    CACHED.set(len(self._models))
            with self._lock:
                self._loading.pop(key, None)
            return found

    def has_room(self) -> bool:
        """Whether a model can be loaded without pushing one out (loading in advance asks:
        a process warming up never evicts a model that requests are using)."""
        with self._lock:
            return len(self._models) < self.size

    def keys(self) -> list[ModelKey]:
        """What is loaded, least recently used first."""
        with self._lock:
            return list(self._models)

    def _victim(self) -> ModelKey:
        """The least recently used model of the workspace holding the most (the caller holds the lock)."""
        held = collections.Counter(key[0] for key in self._models)
        most = max(held.values())
        return next(key for key in self._models if held[key[0]] == most)


_limited = False


def _one_native_thread() -> None:
    """Scoring in an API process uses one native thread: the API runs a process per core,
    and OpenMP threads per request would fight over the cores (requests run in parallel)."""
    global _limited
    if not _limited:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)
        _limited = True


def _loc(row: int, column: str) -> list[str | int]:
    return ["body", "rows", row, column]


def _problems_error(problems: list[Problem], rows: int) -> InvalidInput:
    shown = problems[:MAX_REPORTED_PROBLEMS]
    more = f" (the first {len(shown)} of {len(problems)} shown)" if len(problems) > len(shown) else ""
    return InvalidInput(f"{len(problems)} problem(s) in the {rows} row(s){more}; each names the row and the column",
                        errors=shown)


def _check_count(rows: int, limit: int) -> None:
    if rows > limit:
        raise InvalidInput(f"{rows} rows in one request; at most {limit} (RETRAINER_PREDICT_MAX_ROWS): split them",
                           errors=[{"loc": ["body", "rows"], "msg": f"at most {limit} rows per request"}])


_ABSENT = object()
_NUMBER_TYPES = (int, float)
_CATEGORY_TYPES = (str, bool)


def frame_from_rows(rows: Sequence[dict[str, Any]], schema: list[dict[str, str]], limit: int) -> Columns:
    """The rows as the model's input columns; every row that lacks a column or holds a value
    of the wrong kind is a problem naming the row and the column. Other columns are ignored."""
    import numpy as np

    _check_count(len(rows), limit)
    out: dict[str, Any] = {}
    for column in schema:
        name, kind = column["name"], column["kind"]
        values = [row.get(name, _ABSENT) for row in rows]
        fast = _fast_column(values, kind)
        if fast is None:  # something may be wrong in this column: find every problem, row by row
            problems = _row_problems(rows, schema)
            if problems:
                raise _problems_error(problems, len(rows))
            fast = np.array([np.nan if v is None else v for v in values], dtype=_dtype(kind))
        out[name] = fast
    return out


def _fast_column(values: list[Any], kind: str) -> Any:
    """The column's values as an array when every one is of its kind (None: missing), else None."""
    import numpy as np

    if kind == "number":
        if all(v is None or type(v) in _NUMBER_TYPES for v in values):
            try:
                array = np.array(values, dtype=np.float64)  # None becomes NaN
            except OverflowError:
                return None
            if not np.isfinite(array).all() and any(v is not None and not math.isfinite(v) for v in values):
                return None  # NaN or an infinity sent as a value (a missing value is null)
            return array
        return None
    if kind == "category":
        if all(v is None or type(v) in _CATEGORY_TYPES for v in values):
            return np.array([np.nan if v is None else v for v in values], dtype=object)
        return None
    if any(v is _ABSENT or isinstance(v, dict | list) for v in values):
        return None
    return np.array([np.nan if v is None else v for v in values], dtype=object)


def _row_problems(rows: Sequence[dict[str, Any]], schema: list[dict[str, str]]) -> list[Problem]:
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        for column in schema:
            name, kind = column["name"], column["kind"]
            if name not in row:
                problems.append({"loc": _loc(i, name), "msg": f"missing: the model needs column {name!r} "
                                 f"({kind}; null for a missing value)"})
                continue
            value = row[name]
            if value is None:
                continue
            if kind == "number":
                if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
                    problems.append({"loc": _loc(i, name), "msg": f"{_shown(value)} is not a number; "
                                     f"column {name!r} holds numbers (or null)"})
            elif kind == "category":
                if not isinstance(value, str | bool):
                    problems.append({"loc": _loc(i, name), "msg": f"{_shown(value)} is not a category; "
                                     f"column {name!r} holds strings (or null)"})
            elif isinstance(value, dict | list):
                problems.append({"loc": _loc(i, name), "msg": f"column {name!r} holds plain values, not objects or lists"})
    return problems


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _dtype(kind: str) -> str:
    return "float64" if kind == "number" else "object"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# Columns a CSV body may have beyond the model's inputs (a label, an id...), as JSON
# rows may carry keys the model ignores. A header with more is refused before parsing.
CSV_EXTRA_COLUMNS = 16


def frame_from_csv(body: bytes, schema: list[dict[str, str]], limit: int) -> Columns:
    """A text/csv body (first line: the column names) as the model's input frame. Its
    header is checked first (app.core.tabular): a name given twice, or more columns than
    the model reads and CSV_EXTRA_COLUMNS, is a 422 before anything is parsed."""
    import numpy as np
    import pandas as pd

    # One row more than the limit is read, so that _check_count refuses it as for JSON rows.
    limits = TableLimits(max_rows=limit + 1, max_columns=len(schema) + CSV_EXTRA_COLUMNS, max_bytes=len(body),
                         rows_setting="RETRAINER_PREDICT_MAX_ROWS",
                         columns_setting=f"the model reads {len(schema)} columns; at most "
                                         f"{CSV_EXTRA_COLUMNS} others are accepted")
    try:
        raw = tabular.read_csv(io.BytesIO(body), "the CSV body", limits, dtype=str, keep_default_na=False,
                               skipinitialspace=True)
    except TableRefused as exc:
        loc: list[str | int] = ["body", "header"] if exc.column is None else ["body", "header", exc.column]
        raise InvalidInput(str(exc), errors=[{"loc": loc, "msg": str(exc)}]) from None
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput("the CSV body cannot be read: " + first[:300],
                           errors=[{"loc": ["body"], "msg": "send CSV text whose first line names the columns"}]) from None
    _check_count(len(raw), limit)
    if raw.empty:
        raise InvalidInput("the CSV body holds no rows", errors=[{"loc": ["body", "rows"], "msg": "at least one row"}])
    problems: list[Problem] = []
    frame: dict[str, Any] = {}
    for column in schema:
        name, kind = column["name"], column["kind"]
        if name not in raw.columns:
            problems.append({"loc": _loc(0, name), "msg": f"missing: the header names no column {name!r}; "
                             "every row needs it (leave a cell empty for a missing value)"})
            continue
        text = raw[name]
        missing = text.isna() | (text == "") | text.isin(["NA", "NaN", "nan", "null"])
        if kind == "number":
            numbers = pd.to_numeric(text.where(~missing), errors="coerce")
            # inf, Infinity and 1e999 are not numbers a JSON body could send either.
            bad = (numbers.isna() | ~np.isfinite(numbers.fillna(0))) & ~missing
            for i in np.flatnonzero(bad.to_numpy())[:MAX_REPORTED_PROBLEMS]:
                problems.append({"loc": _loc(int(i), name), "msg": f"{_shown(text.iloc[i])} is not a number; "
                                 f"column {name!r} holds numbers (or an empty cell)"})
            frame[name] = numbers.to_numpy(dtype="float64")
        else:
            frame[name] = text.where(~missing, np.nan).to_numpy(dtype="object")
    if problems:
        raise _problems_error(problems, len(raw))
    return frame


def check_answer_size(model: LoadedModel, table: Columns, max_probabilities: int) -> None:
    """Refuses, before scoring, rows whose answer would hold more than `max_probabilities`
    probabilities (one per row and class): the answer grows with rows x classes."""
    if not hasattr(model.pipeline, "predict_proba") or model.task == "regression":
        return
    classes = len(getattr(model.pipeline, "classes_", ()))
    rows = len(next(iter(table.values()))) if table else 0
    if classes and rows * classes > max_probabilities:
        fit = max(1, max_probabilities // classes)
        message = (f"{rows} rows x {classes} classes is {rows * classes} probabilities; an answer holds at most "
                   f"{max_probabilities} (RETRAINER_PREDICT_MAX_PROBABILITIES): send at most {fit} rows per request")
        raise InvalidInput(message, errors=[{"loc": ["body", "rows"], "msg": f"at most {fit} rows per request "
                                                                             f"for a model of {classes} classes"}])


def predict(model: LoadedModel, table: Columns) -> dict[str, Any]:
    """Predictions (and, for classifiers, classes and probabilities in their order)."""
    import numpy as np

    try:
        if hasattr(model.pipeline, "predict_proba") and model.task != "regression":
            probabilities = model.scorer.proba(table)
            classes = list(model.pipeline.classes_)
            picked = np.asarray(classes, dtype=object)[np.argmax(probabilities, axis=1)]
            return {"predictions": [_plain(v) for v in picked], "classes": [_plain(c) for c in classes],
                    "probabilities": probabilities.tolist()}
        values = model.scorer.predict(table)
    except (ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput("the model cannot score these rows: " + first[:300],
                           errors=[{"loc": ["body", "rows"], "msg": "check the rows against input_schema"}]) from None
    return {"predictions": [_plain(v) for v in values]}


def _plain(value: Any) -> Any:
    """A numpy scalar as the JSON value it stands for."""
    return value.item() if hasattr(value, "item") else value
