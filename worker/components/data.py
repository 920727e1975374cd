"""import_data and export_data: datasets from and to files in a datastore.

Files are read straight from their store (a folder or a bucket): CSV as a stream,
Parquet by seeks (ranged reads in a bucket: the footer, then only the column
chunks). What is parsed is the pinned version that was hashed (worker.executor)."""

from __future__ import annotations

import json
from typing import Any, BinaryIO

import pandas as pd

from app.components.settings import COMPRESSED_CSV, ExportDataSettings, ImportDataSettings
from app.core import tabular
from app.core.tabular import TableLimits, TableRefused
from worker.components._common import get_dataset, list_names
from worker.components.context import InputFile, StepContext, StepFailed


def _limits(ctx: StepContext) -> TableLimits:
    return TableLimits(max_rows=ctx.limits.max_data_rows, max_columns=ctx.limits.max_data_columns,
                       max_bytes=ctx.limits.max_decompressed_bytes)


def _read_csv(raw: BinaryIO, fmt: str, settings: ImportDataSettings, limits: TableLimits) -> pd.DataFrame:
    """The file through the one bounded reader (app.core.tabular): header checked first,
    decompressed and parsed within the limits."""
    try:
        # Never guessed from the name: a file is decompressed only when its format says so.
        source = tabular.decompressing(raw, COMPRESSED_CSV.get(fmt), limits, settings.path)
        try:
            return tabular.read_csv(
                source, settings.path, limits,
                sep=settings.separator,
                has_header=settings.has_header,
                skipinitialspace=settings.skip_initial_space,
                na_values=settings.na_values or None,
                keep_default_na=True,
                encoding=settings.encoding,
                skip_rows=settings.skip_rows,
            )
        finally:
            if source is not raw:
                source.close()
    except TableRefused as exc:
        raise StepFailed(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise StepFailed(
            f"cannot decode {settings.path} as {settings.encoding}: byte "
            f"{exc.object[exc.start:exc.start + 1]!r} at position {exc.start} is invalid; "
            "set encoding to the file's encoding (e.g. 'latin-1' or 'cp1252')"
        ) from None
    except (EOFError, OSError) as exc:  # a compressed format whose bytes are not that
        raise StepFailed(f"cannot decompress {settings.path} as {settings.resolved_format}: {exc}; "
                         "check the file and its format") from None
    except pd.errors.EmptyDataError:
        skipped = f" after skipping {settings.skip_rows} lines" if settings.skip_rows else ""
        raise StepFailed(f"the file {settings.path} has no data{skipped}") from None
    except pd.errors.ParserError as exc:
        raise StepFailed(
            f"cannot parse {settings.path} as CSV with separator {settings.separator!r}: {exc}. "
            "Check separator, skip_rows and has_header"
        ) from None


def _read_parquet(handle: BinaryIO, settings: ImportDataSettings, ctx: StepContext) -> pd.DataFrame:
    import pyarrow

    csv_defaults = ImportDataSettings.model_fields
    ignored = [
        name
        for name in ("has_header", "column_names", "separator", "skip_initial_space", "na_values", "encoding", "skip_rows")
        if name in settings.model_fields_set and getattr(settings, name) != csv_defaults[name].get_default(call_default_factory=True)
    ]
    if ignored:
        ctx.log.warning("Parquet file: ignoring the CSV settings %s", ", ".join(ignored))
    try:
        return tabular.read_parquet(handle, settings.path, _limits(ctx))
    except TableRefused as exc:
        raise StepFailed(str(exc)) from None
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        raise StepFailed(
            f"cannot read {settings.path} as Parquet: {exc}; if it is a CSV file, set format to 'csv'"
        ) from None


def import_data(ctx: StepContext, settings: ImportDataSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    data: InputFile = ctx.input_file(settings.path)
    fmt = settings.resolved_format
    if data.size == 0:
        raise StepFailed(f"the file {settings.path} is empty")
    ctx.check_canceled()

    if fmt == "parquet":
        with data.open_random() as handle:
            df = _read_parquet(handle, settings, ctx)
    else:
        with data.open_stream() as raw:
            df = _read_csv(raw, fmt, settings, _limits(ctx))
        names = settings.column_names
        if names is not None:
            if len(names) != df.shape[1]:
                raise StepFailed(
                    f"column_names has {len(names)} names but {settings.path} has {df.shape[1]} columns; "
                    "give one name per column (check separator too)"
                )
            df.columns = list(names)
        elif not settings.has_header:
            df.columns = [f"column_{i}" for i in range(1, df.shape[1] + 1)]
            ctx.log.info("no header: columns named column_1 ... column_%d", df.shape[1])

    if df.shape[1] == 0:
        raise StepFailed(f"the file {settings.path} has no columns")
    if len(df) == 0:
        raise StepFailed(f"the file {settings.path} has no rows" + (" (only a header)" if fmt == "csv" else ""))

    ctx.log.info("read %d rows x %d columns from %s (%s)", len(df), df.shape[1], settings.path, fmt)
    ctx.log.info("dtypes: %s", list_names((f"{c}: {t}" for c, t in df.dtypes.items()), 100))
    missing = df.isna().sum()
    missing = missing[missing > 0]
    if len(missing):
        ctx.log.info("missing values: %s", list_names((f"{c}: {int(n)}" for c, n in missing.items()), 100))
    return {"data": df}


def _json_safe_attrs(df: pd.DataFrame, ctx: StepContext) -> pd.DataFrame:
    # pandas stores attrs as JSON in the Parquet metadata and fails when they are not JSON.
    if not df.attrs:
        return df
    try:
        json.dumps(df.attrs)
    except (TypeError, ValueError):
        ctx.log.warning("dataset attributes are not JSON; not writing them")
        df = df.copy(deep=False)
        df.attrs = {}
    return df


def export_data(ctx: StepContext, settings: ExportDataSettings, inputs: dict[str, Any]) -> dict[str, Any]:
    import pyarrow

    df = get_dataset(inputs)
    fmt = settings.resolved_format
    target = ctx.output_file(settings.path)
    if target.exists() and not settings.overwrite:
        raise StepFailed(f"{settings.path} already exists; set overwrite to true or choose another path")
    ctx.check_canceled()

    # Atomic on both stores: a temporary file renamed when whole, or a multipart upload
    # completed only when whole (and aborted if writing fails).
    with target.writer() as handle:
        if fmt == "parquet":
            frame = _json_safe_attrs(df, ctx)
            if not all(isinstance(c, str) for c in frame.columns):
                frame = frame.rename(columns=str)
            try:
                frame.to_parquet(handle, index=False)
            except (pyarrow.ArrowException, ValueError, TypeError) as exc:
                raise StepFailed(
                    f"cannot write {settings.path} as Parquet: {exc}. A column mixing text and numbers "
                    "cannot be stored in Parquet: clean it first, or write CSV"
                ) from None
        else:
            df.to_csv(handle, index=False, compression=COMPRESSED_CSV.get(fmt), mode="wb")
    ctx.log.info("wrote %d rows x %d columns to %s (%s)", len(df), df.shape[1], settings.path, fmt)
    return {}
