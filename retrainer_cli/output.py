"""Output for people (aligned tables, short times and sizes, metrics) and for scripts (--json)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import typer
from retrainer_client.models.headline_metric import HeadlineMetric

# The metrics people look at first, in the spec's order (the HeadlineMetric schema; the
# generator keeps enum members in the spec's order, see openapi/templates).
HEADLINE_METRICS = tuple(metric.value for metric in HeadlineMetric)


def out(line: str = "") -> None:
    typer.echo(line)


def err(line: str) -> None:
    typer.echo(line, err=True)


def print_json(data: Any) -> None:
    out(json.dumps(data, indent=2, sort_keys=True))


def table(headers: list[str], rows: list[list[Any]], upper: bool = True) -> None:
    """Columns aligned for a person; the last column is never padded. Headers are upper-cased
    unless `upper` is false (headers that are ids)."""
    text = [[("" if cell is None else str(cell)) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in text]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out(line([h.upper() if upper else h for h in headers]))
    for row in text:
        out(line(row))


def when(value: str | None) -> str:
    return (value or "-").replace("T", " ")[:19]


def size(nbytes: int | None) -> str:
    if nbytes is None:
        return "-"
    value, unit = float(nbytes), 0
    units = ["B", "KB", "MB", "GB", "TB"]
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{int(value)} B" if unit == 0 else f"{value:.1f} {units[unit]}"


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def duration(started: str | None, finished: str | None) -> str | None:
    start, end = _parse_time(started), _parse_time(finished)
    if start is None or end is None:
        return None
    seconds = max(0.0, (end - start).total_seconds())
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"
    return str(value)


def compact_metrics(metrics: Any) -> str:
    """`roc_auc=0.9231 accuracy=0.8712 ...`: the numeric metrics, headline ones first.
    Metrics of several evaluate steps ({step: {...}}) are prefixed with the step."""
    if not isinstance(metrics, dict):
        return ""

    def flat(values: dict[str, Any], prefix: str = "") -> list[str]:
        numeric = {k: v for k, v in values.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "rows"}
        keys = [k for k in HEADLINE_METRICS if k in numeric] + \
               [k for k in numeric if k not in HEADLINE_METRICS]
        return [f"{prefix}{k}={_number(numeric[k])}" for k in keys]

    parts = flat(metrics)
    for key, value in metrics.items():
        if isinstance(value, dict) and any(isinstance(v, (int, float)) for v in value.values()) \
                and key not in ("confusion_matrix",):
            parts += flat(value, prefix=f"{key}.")
    return " ".join(parts)
