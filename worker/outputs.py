"""What a step writes to and reads back from the artifact store, and its log.

Each output is streamed to the artifact store (datasets as Parquet, models pickled for joblib.load,
metrics as JSON) with its size and sha256 computed as it is written; one read back (a
reused step's, a registered model) is checked against its sha256 before anything is
unpickled. A step's logging and warnings go to its log in the artifact store.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import logging
import pickle
import platform
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from app.core.settings import Settings
from app.storage import artifacts
from app.storage.logs import StoredLogHandler
from app.storage.registry import artifact_store

if TYPE_CHECKING:
    from worker.components.train import TrainedModel

MEDIA = {"dataset": ("parquet", "application/vnd.apache.parquet"),
         "model": ("joblib", "application/octet-stream"),
         "metrics": ("json", "application/json")}
_LIBRARIES = ("scikit-learn", "pandas", "numpy", "scipy", "joblib", "pyarrow", "retrainer")


@functools.cache
def library_versions() -> dict[str, str]:
    """The versions recorded with a model; read from package metadata once per process (a
    worker child does not change its libraries while it runs)."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


@contextmanager
def step_logger(settings: Settings, key: str, run_id: str, step: str) -> Iterator[logging.Logger]:
    """A logger writing to the step's log in the artifact store; warnings raised meanwhile
    land there too."""
    logger = logging.getLogger(f"retrainer.step.{run_id}.{step}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = StoredLogHandler(artifact_store(settings), key, settings.log_flush_seconds)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)

    def _show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
              file: TextIO | None = None, line: str | None = None) -> None:
        logger.warning("%s: %s (%s:%s)", category.__name__, message, Path(filename).name, lineno)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show
            yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()
        logging.Logger.manager.loggerDict.pop(logger.name, None)


def store_output(settings: Settings, key: str, step: str, port: str, kind: str, value: Any) -> dict[str, Any]:
    """Streams the output into the artifact store at `key` (atomically) and returns the
    record of what was written."""
    media_type = MEDIA[kind][1]
    with artifact_store(settings).writer(key, media_type) as handle:
        if kind == "dataset":
            frame = value.copy(deep=False)
            frame.columns = [str(c) for c in frame.columns]  # Parquet needs string column names
            frame.to_parquet(handle, index=False)
        elif kind == "model":
            # The C pickler: joblib.dump pickles in pure Python (about 200 ms against 5 ms for
            # the income model, docs/benchmarks.md) and the file is a pickle that joblib.load
            # reads all the same (it is still served and loaded as a joblib file).
            pickle.dump(value.pipeline, handle, protocol=5)
        else:
            handle.write(json.dumps(value, indent=2, sort_keys=True, default=str).encode("utf-8"))
    return {"step": step, "port": port, "type": kind, "path": key, "media_type": media_type,
            "size": handle.size, "sha256": handle.sha256,
            "details": value.metadata() if kind == "model" else None}


def trained_model(handle: BinaryIO, details: dict[str, Any]) -> TrainedModel:
    """A TrainedModel from its joblib file and the details recorded with it."""
    import joblib

    from worker.components.train import TrainedModel

    names = {f.name for f in dataclasses.fields(TrainedModel)} - {"pipeline"}
    return TrainedModel(pipeline=joblib.load(handle), **{k: v for k, v in details.items() if k in names})


def load_output(settings: Settings, path: str, sha256: str, kind: str, details: dict[str, Any] | None) -> Any:
    """An earlier step's output (its record's path, sha256, type and details), read back
    after its sha256 check."""
    found = artifacts.verified(settings, path, sha256)  # checked before anything is unpickled
    with found.open() as handle:  # reads the very version that was hashed
        if kind == "dataset":
            import pandas as pd

            return pd.read_parquet(handle)
        if kind == "model":
            return trained_model(handle, details or {})
        return json.load(io.TextIOWrapper(handle, encoding="utf-8"))
