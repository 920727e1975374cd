"""What a component sees of the run it is part of: data files, its log, cancellation.

The executor builds one StepContext per step. Components never open a file that
did not come through `input_file` or `output_file`: those resolve
`datastore://<name>/<path>` strictly inside the datastore (a folder or a bucket
prefix), and read and write through the storage layer (app.storage).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from app.storage.base import HashingWriter, ObjectStore


@dataclass(frozen=True)
class StepLimits:
    """Bounds the operator sets (RETRAINER_*), so that no data makes a step unbounded."""

    max_confusion_matrix_classes: int = 50
    max_decompressed_bytes: int = 2 * 1024**3
    max_data_rows: int = 50_000_000
    max_data_columns: int = 10_000


class StepFailed(Exception):
    """A failure the user can act on; the message is shown as the run's error.

    Say what is wrong and how to fix it, e.g.
    "label column 'income' not found; columns are: age, workclass, ...".
    """


class InputFile(Protocol):
    """A data file as it was pinned when the step started: `sha256` and `size` are those of
    the bytes its readers give (a local snapshot, or reads conditional on the ETag)."""

    uri: str
    sha256: str
    size: int

    def open_stream(self) -> BinaryIO: ...

    def open_random(self) -> BinaryIO: ...


@dataclass
class OutputFile:
    """A data file a step writes: atomically (a renamed temporary file, or a multipart
    upload completed only when whole)."""

    uri: str
    store: ObjectStore
    key: str

    def exists(self) -> bool:
        return self.store.stat(self.key) is not None

    def writer(self) -> AbstractContextManager[HashingWriter]:
        return self.store.writer(self.key)


def _no_registry(ref: str) -> Any:
    raise StepFailed(f"{ref}: this worker has no model registry")


@dataclass
class StepContext:
    run_id: str
    step: str
    log: logging.Logger
    # A data path to read: the pinned file inside its datastore, or StepFailed naming the
    # path and the reason.
    input_file: Callable[[str], InputFile]
    # A data path to write, inside its datastore (folders it names are created as needed).
    output_file: Callable[[str], OutputFile]
    # Call between long stretches of work: raises RunInactive (from app.runs.store) once the
    # run was canceled or taken over by another attempt, and the executor stops the step.
    check_canceled: Callable[[], None] = field(default=lambda: None)
    limits: StepLimits = field(default_factory=StepLimits)
    # A registered model by reference (model://NAME/VERSION or model://NAME/latest): the
    # TrainedModel after its sha256 check, or StepFailed saying why not.
    load_model: Callable[[str], Any] = field(default=_no_registry)
