"""Logged predictions: the rows a monitored deployment scored and its answers, kept as
Parquet in the artifact store under `<workspace>/predictions/<deployment id>/<day>/<time>-<n>.parquet`.

A prediction only appends to a bounded in-process buffer; a background thread writes the
buffer out every `prediction_log_flush_seconds`, or as soon as it holds
`prediction_log_flush_rows` rows, and once more at shutdown. A full buffer drops the
request's rows and counts them (retrainer_prediction_log_dropped_rows_total): the log is a
sample for statistics, and a prediction is not slowed or failed to keep it complete.

The day folder is the day a batch was written, never earlier than its rows' time: a window
[since, until] is read from the folders of since's day to until's day, rows filtered by
their own time. Folders older than `prediction_log_retention_days` are deleted (by each API
process, hourly, for the deployments it logged).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import Counter

from app.core.clock import utcnow
from app.core.settings import Settings
from app.storage.base import ObjectStore, StorageError
from app.storage.registry import artifact_store

log = logging.getLogger("retrainer.predictions")

LOGGED = Counter("retrainer_prediction_log_rows_total", "Prediction rows written to the prediction log")
DROPPED = Counter("retrainer_prediction_log_dropped_rows_total",
                  "Prediction rows not logged: the buffer was full, or writing a batch failed")

# Columns a batch adds to the model's inputs; a feature cannot be named like them (a name
# starting with "__" is not one a CSV header or a training set gives in practice).
ID, AT, VERSION, PREDICTION = "__id", "__at", "__version", "__prediction"
SCORE = "__score"  # binary classifiers: the probability of the positive class (for roc_auc)
PRUNE_EVERY_SECONDS = 3600
LIST_PAGE = 1000


def folder(workspace_id: str, deployment_id: str) -> str:
    return f"{workspace_id}/predictions/{deployment_id}"


@dataclass
class Batch:
    """One request's logged rows (those the sample kept)."""

    workspace_id: str
    deployment_id: str
    version: int
    at: datetime
    ids: list[str]
    columns: dict[str, Any]  # column -> numpy array of the kept rows
    kinds: dict[str, str]
    predictions: list[Any]
    scores: list[float] | None = None


_PREDICTION_ID = re.compile(r"^prd_([0-9a-f]{11})[0-9a-f]{16}_(\d{1,7})$")


def new_ids(count: int, at: datetime) -> list[str]:
    """Ids of a request's rows: the request's time (milliseconds, hex) and a random part,
    then the row's position. The time tells feedback which batch files may hold the row."""
    base = f"prd_{int(at.timestamp() * 1000):011x}{secrets.token_hex(8)}"
    return [f"{base}_{i}" for i in range(count)]


def id_time(prediction_id: str) -> datetime | None:
    """When the prediction was logged (to the millisecond), or None: not an id we gave."""
    match = _PREDICTION_ID.match(prediction_id)
    if match is None:
        return None
    try:
        return datetime.fromtimestamp(int(match.group(1), 16) / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


class PredictionLog:
    """The buffer of one API process and the thread that writes it out."""

    def __init__(self, settings: Settings, store: Callable[[], ObjectStore] | None = None) -> None:
        self.settings = settings
        self._store = store or (lambda: artifact_store(settings))
        self._lock = threading.Lock()
        self._batches: list[Batch] = []
        self._rows = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._written: set[tuple[str, str]] = set()
        self._pruned_at = 0.0
        self._sequence = itertools.count()

    def append(self, batch: Batch) -> bool:
        """Takes the batch if the buffer has room (False: dropped and counted). Never blocks
        for longer than a list append under a lock."""
        count = len(batch.ids)
        with self._lock:
            if self._rows + count > self.settings.prediction_log_buffer_rows:
                DROPPED.inc(count)
                return False
            self._batches.append(batch)
            self._rows += count
            full = self._rows >= self.settings.prediction_log_flush_rows
        if full:
            self._wake.set()
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="retrainer-prediction-log", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Writes what is buffered, then stops the thread."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.flush()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.settings.prediction_log_flush_seconds)
            self._wake.clear()
            try:
                self.flush()
                if time.monotonic() - self._pruned_at >= PRUNE_EVERY_SECONDS:
                    self._pruned_at = time.monotonic()
                    self.prune()
            except Exception:  # the thread must outlive any one failure
                log.warning("the prediction log could not be written", exc_info=True)

    def flush(self) -> int:
        """Writes the buffered rows, one Parquet file per deployment and version; the rows
        written."""
        with self._lock:
            batches, self._batches, self._rows = self._batches, [], 0
        groups: dict[tuple[str, str, int], list[Batch]] = {}
        for batch in batches:
            groups.setdefault((batch.workspace_id, batch.deployment_id, batch.version), []).append(batch)
        written = 0
        for (workspace_id, deployment_id, _version), group in groups.items():
            rows = sum(len(b.ids) for b in group)
            try:
                self._write(workspace_id, deployment_id, group)
            except (StorageError, OSError, ValueError, TypeError) as exc:
                DROPPED.inc(rows)
                log.warning("%d logged predictions of deployment %s were lost: %s", rows, deployment_id, exc)
                continue
            LOGGED.inc(rows)
            written += rows
            self._written.add((workspace_id, deployment_id))
        return written

    def _write(self, workspace_id: str, deployment_id: str, group: list[Batch]) -> None:
        import numpy as np
        import pandas as pd

        first = group[0]
        data: dict[str, Any] = {
            ID: [i for b in group for i in b.ids],
            AT: pd.to_datetime([b.at for b in group for _ in b.ids], utc=True),
            VERSION: np.concatenate([np.full(len(b.ids), b.version, dtype=np.int64) for b in group]),
        }
        for name, kind in first.kinds.items():
            values = np.concatenate([np.asarray(b.columns[name]) for b in group])
            if kind == "number":
                data[name] = values.astype(np.float64)
            else:  # text, so that a column of strings and booleans is one Parquet type
                data[name] = [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]
        predictions = [p for b in group for p in b.predictions]
        data[PREDICTION] = predictions if all(isinstance(p, int | float) and not isinstance(p, bool)
                                              for p in predictions) else [str(p) for p in predictions]
        if all(b.scores is not None for b in group):
            data[SCORE] = np.asarray([s for b in group for s in b.scores or []], dtype=np.float64)
        buffer = io.BytesIO()
        pd.DataFrame(data).to_parquet(buffer, index=False)
        now = utcnow()
        key = (f"{folder(workspace_id, deployment_id)}/{now:%Y-%m-%d}/{now:%H%M%S%f}-"
               f"{next(self._sequence)}-{secrets.token_hex(4)}.parquet")
        self._store().put_bytes(key, buffer.getvalue(), "application/vnd.apache.parquet")

    def prune(self) -> None:
        """Deletes the day folders older than the retention of the deployments this process logged."""
        cutoff = f"{utcnow() - timedelta(days=self.settings.prediction_log_retention_days):%Y-%m-%d}"
        store = self._store()
        for workspace_id, deployment_id in list(self._written):
            prefix = folder(workspace_id, deployment_id) + "/"
            while True:
                page = store.list(prefix, None, LIST_PAGE)
                old = [o.key for o in page if o.key[len(prefix):].split("/")[0] < cutoff]
                for key in old:
                    store.delete(key)
                if len(old) < len(page) or len(page) < LIST_PAGE:
                    break


def window_keys(store: ObjectStore, workspace_id: str, deployment_id: str, since: datetime,
                until: datetime) -> Iterator[str]:
    """The batch files that may hold rows logged in [since, until], oldest first."""
    base = folder(workspace_id, deployment_id)
    day = since.date()
    while day <= until.date():
        prefix, after = f"{base}/{day:%Y-%m-%d}/", None
        while True:
            page = store.list(prefix, after, LIST_PAGE)
            for info in page:
                yield info.key
            if len(page) < LIST_PAGE:
                break
            after = page[-1].key
        day += timedelta(days=1)


def read_window(store: ObjectStore, workspace_id: str, deployment_id: str, since: datetime, until: datetime,
                max_rows: int) -> Any:
    """The rows logged in [since, until] (a DataFrame; the newest max_rows at most)."""
    import pandas as pd

    keys = list(window_keys(store, workspace_id, deployment_id, since, until))
    frames: list[pd.DataFrame] = []
    rows = 0
    for key in reversed(keys):  # newest first, up to max_rows
        with store.open_random(key) as handle:
            frame = pd.read_parquet(handle)
        at = frame[AT]
        frame = frame[(at >= pd.Timestamp(since)) & (at <= pd.Timestamp(until))]
        if frame.empty:
            continue
        frames.append(frame)
        rows += len(frame)
        if rows >= max_rows:
            break
    if not frames:
        return pd.DataFrame({ID: [], AT: [], VERSION: [], PREDICTION: []})
    return pd.concat(frames[::-1], ignore_index=True).tail(max_rows)


def batch_keys_after(store: ObjectStore, workspace_id: str, deployment_id: str, at: datetime,
                     horizon: timedelta, limit: int) -> list[str]:
    """The batch files written in [at - 5 s, at + horizon] (their names start with the time
    they were written; 5 s for clocks of several hosts): the files that may hold a row
    logged at `at`. At most `limit`."""
    base = folder(workspace_id, deployment_id)
    start, end = at - timedelta(seconds=5), at + horizon
    keys: list[str] = []
    day = start.date()
    while day <= end.date() and len(keys) < limit:
        prefix = f"{base}/{day:%Y-%m-%d}/"
        after = prefix + (f"{start:%H%M%S%f}" if day == start.date() else "")
        last = prefix + (f"{end:%H%M%S%f}~" if day == end.date() else "~")
        while len(keys) < limit:
            page = store.list(prefix, after, LIST_PAGE)
            inside = [i.key for i in page if i.key <= last]
            keys += inside[:limit - len(keys)]
            if len(page) < LIST_PAGE or len(inside) < len(page):
                break
            after = page[-1].key
        day += timedelta(days=1)
    return keys


def read_rows(store: ObjectStore, key: str, wanted: set[str]) -> list[dict[str, Any]]:
    """The logged rows of one batch file whose id is in `wanted`: id, time, version,
    prediction and score (inputs are not read)."""
    import pyarrow.parquet as pq

    with store.open_random(key) as handle:
        parquet = pq.ParquetFile(handle)
        names = [c for c in (ID, AT, VERSION, PREDICTION, SCORE) if c in parquet.schema_arrow.names]
        table = parquet.read(columns=names)
    out: list[dict[str, Any]] = []
    columns = {name: table.column(name).to_pylist() for name in names}
    for i, row_id in enumerate(columns[ID]):
        if row_id in wanted:
            out.append({name: columns[name][i] for name in names})
    return out
