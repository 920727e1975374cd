"""Shared helpers of the component tests: a StepContext on a temp datastore, small data."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from app.datastores.paths import DataPathError, resolve
from app.storage.base import StorageError
from app.storage.local import LocalStore
from worker.components.context import InputFile, OutputFile, StepContext, StepFailed

PREFIX = "datastore://default/"


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def text(self) -> str:
        return "\n".join(record.getMessage() for record in self.records)


def make_ctx(root: Path, name: str = "step") -> tuple[StepContext, ListHandler]:
    """A StepContext whose datastore 'default' is the folder `root` (a real LocalStore of the
    storage layer, as the executor uses), and the handler holding its log."""
    store = LocalStore(root, pins=root.parent / f".pins-{root.name}")

    def input_file(path: str) -> InputFile:
        try:
            ref = resolve({"default": store}, path, mode="read")
            return store.pin(path, ref.key)
        except (DataPathError, StorageError) as exc:
            raise StepFailed(str(exc)) from None

    def output_file(path: str) -> OutputFile:
        try:
            ref = resolve({"default": store}, path, mode="write")
        except DataPathError as exc:
            raise StepFailed(str(exc)) from None
        return OutputFile(path, store, ref.key)

    logger = logging.getLogger(f"tests.components.{name}.{id(root)}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = ListHandler()
    logger.addHandler(handler)
    ctx = StepContext(run_id="run-1", step=name, log=logger, input_file=input_file, output_file=output_file)
    return ctx, handler


ADULT_COLUMNS = [
    "age", "workclass", "education-num", "sex", "hours-per-week", "native-country", "income",
]


def adult_like(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A small frame shaped like UCI Adult: ints, text with missing values, a text label
    that depends on the features (learnable, but not perfectly)."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    education = rng.integers(1, 17, n)
    hours = rng.integers(10, 70, n)
    sex = rng.choice(["Male", "Female"], n)
    workclass = rng.choice(["Private", "Self-emp", "State-gov", None], n, p=[0.6, 0.2, 0.15, 0.05])
    country = rng.choice(["United-States", "Mexico", "India", None], n, p=[0.7, 0.15, 0.1, 0.05])
    score = 0.04 * (age - 40) + 0.35 * (education - 9) + 0.05 * (hours - 40) + (sex == "Male") * 0.5
    score = score + rng.normal(0, 1.0, n)
    income = np.where(score > 0.8, ">50K", "<=50K")
    return pd.DataFrame(
        {
            "age": age,
            "workclass": workclass,
            "education-num": education,
            "sex": sex,
            "hours-per-week": hours,
            "native-country": country,
            "income": income,
        }
    )


def write_adult_file(df: pd.DataFrame, path: Path) -> None:
    """Write like the UCI files: no header, ', ' between fields, '?' for missing."""
    lines = []
    for row in df.itertuples(index=False):
        lines.append(", ".join("?" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in row))
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")


def regression_frame(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0, 1, n)
    x2 = rng.uniform(0, 10, n)
    color = rng.choice(["red", "green", "blue"], n)
    y = 3 * x1 - 0.5 * x2 + np.where(color == "red", 2.0, 0.0) + rng.normal(0, 0.3, n)
    x2[::17] = np.nan
    return pd.DataFrame({"x1": x1, "x2": x2, "color": color, "y": y})
