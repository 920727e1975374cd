"""Summaries of repeated measurements: speed is reported, never asserted."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def summary(values: Sequence[float], unit: str) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "unit": unit,
    }


def scaled(values: Sequence[float], factor: float) -> list[float]:
    return [v * factor for v in values]
