"""Implementations of the built-in components (the catalogue is app.components.catalog).

Each implementation is `fn(ctx: StepContext, settings: <its settings model>, inputs:
dict[str, Any]) -> dict[str, Any]`: `inputs` and the result are keyed by port name;
a dataset is a pandas DataFrame, a model a TrainedModel, metrics a JSON-able dict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from worker.components.context import StepContext, StepFailed
from worker.components.data import export_data, import_data
from worker.components.evaluate import evaluate_model, score_model, score_registered_model
from worker.components.train import TrainedModel, build_pipeline, train_model
from worker.components.transform import clean_missing_data, normalize_data, select_columns, split_data

Implementation = Callable[[StepContext, Any, dict[str, Any]], dict[str, Any]]

IMPLEMENTATIONS: dict[str, Implementation] = {
    "import_data": import_data,
    "export_data": export_data,
    "select_columns": select_columns,
    "clean_missing_data": clean_missing_data,
    "normalize_data": normalize_data,
    "split_data": split_data,
    "train_model": train_model,
    "score_model": score_model,
    "score_registered_model": score_registered_model,
    "evaluate_model": evaluate_model,
}

__all__ = [
    "IMPLEMENTATIONS",
    "Implementation",
    "StepContext",
    "StepFailed",
    "TrainedModel",
    "build_pipeline",
]
