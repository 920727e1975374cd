"""What a component sees of the run it is part of: data paths, its log, cancellation.

The executor builds one StepContext per step. Components never open a path that
did not come through `input_path` or `output_path`: those resolve
`datastore://<name>/<path>` strictly inside the datastore's root.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class StepLimits:
    """Bounds the operator sets (RETRAINER_*), so that no data makes a step unbounded."""

    max_confusion_matrix_classes: int = 50
    max_decompressed_bytes: int = 2 * 1024**3
    max_data_rows: int = 50_000_000


class StepFailed(Exception):
    """A failure the user can act on; the message is shown as the run's error.

    Say what is wrong and how to fix it, e.g.
    "label column 'income' not found; columns are: age, workclass, ...".
    """


@dataclass
class StepContext:
    run_id: str
    step: str
    log: logging.Logger
    # Resolve a data path for reading: returns an existing file inside its datastore,
    # or raises StepFailed naming the path and the reason.
    input_path: Callable[[str], Path]
    # Resolve a data path for writing: parent directories created, inside its datastore.
    output_path: Callable[[str], Path]
    # Call between long stretches of work: raises RunInactive (from app.runs.store) once the
    # run was canceled or taken over by another attempt, and the executor stops the step.
    check_canceled: Callable[[], None] = field(default=lambda: None)
    limits: StepLimits = field(default_factory=StepLimits)
