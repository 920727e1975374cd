"""The data sets: UCI Adult as shipped, a 1,000-row sample and a 1,000,000-row resample.

Rows are sampled as lines of the UCI file, so every set has its format (no header,
", " separators, "?" for missing) and the example pipeline reads them all.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "income-prediction"
COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
           "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
           "native-country", "income"]


def adult_lines() -> list[bytes]:
    text = gzip.decompress((EXAMPLE / "data" / "adult.data.gz").read_bytes())
    return [line for line in text.split(b"\n") if line.strip()]


def write_adult(path: Path) -> Path:
    path.write_bytes(b"\n".join(adult_lines()) + b"\n")
    return path


def write_sample(path: Path, rows: int, seed: int = 0) -> Path:
    """`rows` lines of Adult: without replacement when there are enough, else resampled."""
    lines = adult_lines()
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(lines), size=rows, replace=rows > len(lines))
    chunk = 100_000  # bounded memory for the 1M-row file
    with open(path, "wb") as out:
        out.writelines(b"\n".join(lines[i] for i in picked[start:start + chunk]) + b"\n"
                       for start in range(0, rows, chunk))
    return path
