"""Output for people (aligned tables, short times and sizes) and for scripts (--json)."""

from __future__ import annotations

import json
from typing import Any

from app.submit import out


def print_json(data: Any) -> None:
    out(json.dumps(data, indent=2, sort_keys=True))


def table(headers: list[str], rows: list[list[Any]]) -> None:
    """Columns aligned for a person; the last column is never padded."""
    text = [[("" if cell is None else str(cell)) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in text]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out(line([h.upper() for h in headers]))
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
