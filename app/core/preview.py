"""A table's preview: its first rows and, per column, its kind, missing count and a small
distribution, computed on at most PreviewLimits.max_rows rows read through the one
bounded reader (app.core.tabular) within PreviewLimits.max_bytes.

The answer is bounded whatever the file: at most MAX_COLUMNS columns, `rows` rows of
cells cut to MAX_CELL_CHARS characters, HISTOGRAM_BINS bins or TOP_VALUES values a column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from pydantic import BaseModel, Field

from app.core import tabular
from app.core.tabular import TableLimits

if TYPE_CHECKING:
    import pandas as pd

MAX_COLUMNS = 100
MAX_CELL_CHARS = 200
HISTOGRAM_BINS = 10
TOP_VALUES = 5


class PreviewFailed(ValueError):
    """The file cannot be read as the format it was taken for; the message says why and what to set."""


class Bin(BaseModel):
    low: float
    high: float
    count: int


class ValueCount(BaseModel):
    value: str
    count: int


class ColumnSummary(BaseModel):
    name: str
    kind: Literal["number", "boolean", "datetime", "text", "empty"]
    dtype: str = Field(description="The column's type as read (pandas dtype)")
    missing: int = Field(description="Missing values among the rows read")
    distinct: int = Field(description="Distinct values among the rows read")
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    histogram: list[Bin] | None = Field(default=None, description="Numbers: counts in equal-width bins")
    top: list[ValueCount] | None = Field(default=None, description="Other kinds: the most frequent values")
    others: int | None = Field(default=None, description="Non-missing values not among `top`")


class Preview(BaseModel):
    format: str
    columns: list[ColumnSummary] = Field(description=f"At most {MAX_COLUMNS} columns, in the file's order")
    columns_total: int
    rows: list[list[Any]] = Field(description="The first rows, one value per column of `columns` "
                                              f"(text cut at {MAX_CELL_CHARS} characters)")
    rows_read: int = Field(description="Rows the column summaries cover")
    complete: bool = Field(description="Whether the summaries cover every row of the file")


@dataclass(frozen=True)
class PreviewLimits:
    rows: int  # shown
    max_rows: int  # read for the summaries (RETRAINER_PREVIEW_MAX_ROWS)
    max_bytes: int  # read (decompressed, decoded) at most (RETRAINER_PREVIEW_MAX_BYTES)
    max_columns: int  # in the header (RETRAINER_MAX_DATA_COLUMNS)

    def table(self) -> TableLimits:
        return TableLimits(max_rows=self.max_rows, max_columns=self.max_columns, max_bytes=self.max_bytes,
                           rows_setting="RETRAINER_PREVIEW_MAX_ROWS", bytes_setting="RETRAINER_PREVIEW_MAX_BYTES")


def preview_csv(raw: BinaryIO, what: str, limits: PreviewLimits, *, compression: str | None = None,
                sep: str = ",", has_header: bool = True, fmt: str = "csv") -> Preview:
    import pandas as pd

    table = limits.table()
    try:
        # Only the head is read: the decompression cap leaves room for the reader's buffer.
        slack = TableLimits(max_rows=table.max_rows, max_columns=table.max_columns,
                            max_bytes=limits.max_bytes + 1024 * 1024, bytes_setting=table.bytes_setting)
        source = tabular.decompressing(raw, compression, slack, what)
        head, cut = tabular.head_bytes(source, what, limits.max_bytes)
        frame = tabular.read_csv(head, what, table, sep=sep, has_header=has_header, head=True)
    except UnicodeDecodeError as exc:
        raise PreviewFailed(f"{what} is not UTF-8 text (byte {exc.object[exc.start:exc.start + 1]!r} at "
                            f"{exc.start}); is it a {fmt} file?") from None
    except (EOFError, OSError) as exc:
        raise PreviewFailed(f"cannot decompress {what} as {fmt}: {exc}; check the format") from None
    except pd.errors.EmptyDataError:
        raise PreviewFailed(f"{what} has no data") from None
    except pd.errors.ParserError as exc:
        raise PreviewFailed(f"cannot read {what} as CSV with separator {sep!r}: {exc}; "
                            "check the separator and the format") from None
    if not has_header:
        frame.columns = [f"column_{i}" for i in range(1, frame.shape[1] + 1)]
    complete = not cut and len(frame) < limits.max_rows
    return summarize(frame, fmt, limits.rows, complete=complete)


def preview_parquet(handle: BinaryIO, what: str, limits: PreviewLimits) -> Preview:
    import pyarrow

    try:
        count = _parquet_rows(handle)
        frame = tabular.read_parquet(handle, what, limits.table(), head=True)
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, tabular.TableRefused):
            raise
        raise PreviewFailed(f"cannot read {what} as Parquet: {exc}; if it is a CSV file, set format to 'csv'") from None
    return summarize(frame, "parquet", limits.rows, complete=len(frame) >= count)


def _parquet_rows(handle: BinaryIO) -> int:
    import pyarrow.parquet as pq

    rows = int(pq.ParquetFile(handle).metadata.num_rows)
    handle.seek(0)
    return rows


def summarize(frame: pd.DataFrame, fmt: str, rows: int, *, complete: bool) -> Preview:
    shown = frame.iloc[:, :MAX_COLUMNS]
    return Preview(
        format=fmt,
        columns=[_column(str(name), shown.iloc[:, i]) for i, name in enumerate(shown.columns)],
        columns_total=frame.shape[1],
        rows=[[_cell(v) for v in row] for row in shown.head(rows).itertuples(index=False, name=None)],
        rows_read=len(frame),
        complete=complete,
    )


def _kind(series: pd.Series) -> str:
    from pandas.api import types

    if series.isna().all():
        return "empty"
    if types.is_bool_dtype(series):
        return "boolean"
    if types.is_numeric_dtype(series):
        return "number"
    if types.is_datetime64_any_dtype(series):
        return "datetime"
    return "text"


def _column(name: str, series: pd.Series) -> ColumnSummary:
    kind = _kind(series)
    present = series.dropna()
    summary = ColumnSummary(name=name, kind=kind, dtype=str(series.dtype), missing=int(series.isna().sum()),
                            distinct=int(present.astype(str).nunique()) if kind == "text" else int(present.nunique()))
    if kind == "number":
        values = present.astype(float)
        values = values[values.map(math.isfinite)]
        if len(values):
            summary.min, summary.max, summary.mean = float(values.min()), float(values.max()), float(values.mean())
            summary.histogram = _histogram(values.to_numpy())
        return summary
    if kind != "empty":
        counts = present.astype(str).str.slice(0, MAX_CELL_CHARS).value_counts()
        summary.top = [ValueCount(value=str(v), count=int(n)) for v, n in counts.head(TOP_VALUES).items()]
        summary.others = int(counts.iloc[TOP_VALUES:].sum())
    return summary


def _histogram(values: Any) -> list[Bin]:
    import numpy as np

    counts, edges = np.histogram(values, bins=HISTOGRAM_BINS)
    return [Bin(low=float(edges[i]), high=float(edges[i + 1]), count=int(n)) for i, n in enumerate(counts)]


def _cell(value: Any) -> Any:
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool | int | float | str) and not isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        try:
            item = value.item()
        except (ValueError, TypeError):
            item = None
        if isinstance(item, bool | int):
            return item
        if isinstance(item, float):
            return item if math.isfinite(item) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS - 1] + "…"
