"""The one bounded reader of tabular data (CSV and Parquet), used by every caller that
parses a user's table: a predict body (app.deployments.serving), import_data and the
gate's holdout (worker). Each check happens before the work it guards:

- a CSV header is read on its own first (by the csv module, in linear time) and
  refused when it names a column twice or has more columns than allowed: pandas
  renames duplicate names in quadratic time, and each column costs it dearly;
- a compressed stream is decompressed within a byte cap;
- Parquet is read batch by batch, string columns as dictionaries, counting rows and
  decoded bytes as it goes: a file of a few megabytes that decodes to gigabytes
  (a compressible column, dictionary encoding) is refused before it is allocated.

A refusal is a TableRefused whose message names the table, the cap and what to do;
each caller turns it into its own answer (a 422, a failed step, a held gate).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    import pandas as pd

# Rows decoded at a time from Parquet: small enough that one batch of flat columns is
# a few megabytes at most, large enough that the per-batch cost stays negligible.
PARQUET_BATCH_ROWS = 64 * 1024
# The header may take this much per allowed column (plus a base) before it is refused.
HEADER_BYTES_PER_COLUMN = 256
HEADER_BASE_BYTES = 64 * 1024


class TableRefused(ValueError):
    """A table over a cap, or with a header that names a column twice."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class TableLimits:
    """What one table may hold. `*_setting` is what the message tells the user to raise
    (or, for columns, why there is a bound)."""

    max_rows: int
    max_columns: int
    max_bytes: int
    rows_setting: str = "RETRAINER_MAX_DATA_ROWS"
    columns_setting: str = "RETRAINER_MAX_DATA_COLUMNS"
    bytes_setting: str = "RETRAINER_MAX_DECOMPRESSED_BYTES"


def check_names(names: Iterable[str], what: str, limits: TableLimits, *, unique: bool = True) -> None:
    """Refuses more columns than allowed, and (with `unique`) a name given twice."""
    seen: set[str] = set()
    count = 0
    for name in names:
        count += 1
        if count > limits.max_columns:
            raise TableRefused(f"{what} has more than {limits.max_columns} columns "
                               f"({limits.columns_setting}); drop the columns that are not needed")
        if unique and name != "":
            if name in seen:
                raise TableRefused(f"{what} names the column {_shown(name)} twice; every column needs "
                                   "its own name", column=name)
            seen.add(name)


class Capped(io.RawIOBase):
    """A decompressing reader that refuses to give more than `limit` bytes."""

    def __init__(self, source: BinaryIO, limit: int, what: str, setting: str = "RETRAINER_MAX_DECOMPRESSED_BYTES") -> None:
        self.source, self.limit, self.what, self.setting, self.count = source, limit, what, setting, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise TableRefused(f"{self.what} decompresses to more than {self.limit} bytes "
                               f"({self.setting}); split it or raise the limit")
        buffer[:len(data)] = data
        return len(data)


def decompressing(raw: BinaryIO, kind: str | None, limits: TableLimits, what: str) -> BinaryIO:
    """`raw` itself (kind None), or its gzip / bz2 decompression within limits.max_bytes."""
    import bz2
    import gzip

    if kind is None:
        return raw
    stream = gzip.GzipFile(fileobj=raw, mode="rb") if kind == "gzip" else bz2.BZ2File(raw, "rb")
    return io.BufferedReader(Capped(stream, limits.max_bytes, what, limits.bytes_setting))  # type: ignore[arg-type]


class _Recorder(io.RawIOBase):
    """Reads the source and keeps what it read, up to `limit` bytes."""

    def __init__(self, source: BinaryIO, limit: int, what: str) -> None:
        self.source, self.limit, self.what = source, limit, what
        self.kept = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(min(len(buffer), 64 * 1024))
        self.kept += data
        if len(self.kept) > self.limit:
            raise TableRefused(f"{self.what}: its header is longer than {self.limit} bytes (at most "
                               f"{HEADER_BYTES_PER_COLUMN} bytes per column, {self.limit} in all); "
                               "check the separator and the header line")
        buffer[:len(data)] = data
        return len(data)


class _Replay(io.RawIOBase):
    """The bytes read already, then the rest of the source."""

    def __init__(self, head: bytes, source: BinaryIO) -> None:
        self.head, self.source, self.position = head, source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.position < len(self.head):
            data = self.head[self.position:self.position + len(buffer)]
            self.position += len(data)
        else:
            data = self.source.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def csv_header(source: BinaryIO, what: str, limits: TableLimits, *, sep: str = ",", encoding: str = "utf-8",
               skip_rows: int = 0, has_header: bool = True, skipinitialspace: bool = False) -> tuple[list[str], BinaryIO]:
    """The first record after `skip_rows` (the column names, or the first row without a
    header), checked against the limits before anything else parses the stream; and a
    stream that gives the whole input again, from its first byte."""
    recorder = _Recorder(source, HEADER_BASE_BYTES + HEADER_BYTES_PER_COLUMN * limits.max_columns, what)
    text = io.TextIOWrapper(io.BufferedReader(recorder), encoding=encoding, newline="")
    try:
        first: list[str] | None = None
        if len(sep) == 1:
            records = csv.reader(text, delimiter=sep, skipinitialspace=skipinitialspace)
            try:
                for _ in range(skip_rows + 1):
                    first = next(records, None)
            except csv.Error as exc:
                raise TableRefused(f"{what}: its header cannot be read: {exc}") from None
        else:  # a literal multi-character separator (pandas' python engine does not quote either)
            for _ in range(skip_rows + 1):
                line = text.readline()
                first = line.rstrip("\r\n").split(sep) if line else None
        names = first or []
        check_names(names, what, limits, unique=has_header)
    finally:
        text.detach()  # the source stays open: it is the caller's
    return names, io.BufferedReader(_Replay(bytes(recorder.kept), source))


def head_bytes(source: BinaryIO, what: str, max_bytes: int) -> tuple[BinaryIO, bool]:
    """At most `max_bytes` of a (decompressed) text stream, cut after its last complete
    line when there was more; and whether it was cut. For a preview: a file of any size
    (or one endless line) costs at most `max_bytes`."""
    data = source.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return io.BytesIO(data), False
    end = data.rfind(b"\n", 0, max_bytes)
    if end < 0:
        raise TableRefused(f"{what} has a line longer than {max_bytes} bytes "
                           "(RETRAINER_PREVIEW_MAX_BYTES); check the separator and the line endings")
    return io.BytesIO(data[:end + 1]), True


def read_csv(source: BinaryIO, what: str, limits: TableLimits, *, sep: str = ",", encoding: str = "utf-8",
             skip_rows: int = 0, has_header: bool = True, skipinitialspace: bool = False,
             head: bool = False, **options: Any) -> pd.DataFrame:
    """A CSV stream as a frame: its header checked first, at most limits.max_rows rows
    (one more is refused naming the setting; with `head`, the first max_rows rows are
    the answer)."""
    import re

    import pandas as pd

    _, stream = csv_header(source, what, limits, sep=sep, encoding=encoding, skip_rows=skip_rows,
                           has_header=has_header, skipinitialspace=skipinitialspace)
    if len(sep) > 1:
        # pandas reads a multi-character separator as a regular expression: keep it literal.
        options.update(sep=re.escape(sep), engine="python")
    else:
        options["sep"] = sep
    frame = pd.read_csv(stream, compression=None, nrows=limits.max_rows + 1, header=0 if has_header else None,
                        skipinitialspace=skipinitialspace, encoding=encoding, skiprows=skip_rows, **options)
    if len(frame) > limits.max_rows:
        if head:
            return frame.iloc[:limits.max_rows]
        raise TableRefused(f"{what} has more than {limits.max_rows} rows ({limits.rows_setting})")
    return frame


def read_parquet(handle: BinaryIO, what: str, limits: TableLimits, *, head: bool = False) -> pd.DataFrame:
    """A Parquet file as a frame, refused as soon as its rows or decoded bytes pass the
    limits: the footer is checked first, then every batch as it is decoded. With `head`,
    the first limits.max_rows rows are the answer (read batch by batch, the decoded
    bytes still capped) however many the file holds."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    file = pq.ParquetFile(handle)  # the footer only: one ranged read in a bucket
    meta, schema = file.metadata, file.schema_arrow
    check_names(schema.names, what, limits)
    if meta.num_rows > limits.max_rows and not head:
        raise TableRefused(f"{what} has {meta.num_rows} rows, more than {limits.max_rows} ({limits.rows_setting})")
    declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if declared > limits.max_bytes and not head:
        raise TableRefused(f"{what} decompresses to {declared} bytes, more than {limits.max_bytes} "
                           f"({limits.bytes_setting})")
    # Strings are read as dictionaries (what the file holds, not each value repeated per
    # row), and their decoded size is counted before they are decoded.
    textual = [f.name for f in schema if _is_text(f.type)]
    plain = [f.name for f in schema if _is_text(f.type) and not pa.types.is_dictionary(f.type)]
    if plain:
        file = pq.ParquetFile(handle, read_dictionary=plain)
    batches, rows, decoded = [], 0, 0
    size = min(PARQUET_BATCH_ROWS, limits.max_rows) if head else PARQUET_BATCH_ROWS
    for batch in file.iter_batches(batch_size=size, use_pandas_metadata=True):
        if head and rows + batch.num_rows > limits.max_rows:
            batch = batch.slice(0, limits.max_rows - rows)
        rows += batch.num_rows
        if rows > limits.max_rows:
            raise TableRefused(f"{what} has more than {limits.max_rows} rows ({limits.rows_setting})")
        decoded += _decoded_bytes(batch, textual)
        if decoded > limits.max_bytes:
            raise TableRefused(f"{what} decodes to more than {limits.max_bytes} bytes "
                               f"({limits.bytes_setting}); split it or raise the limit")
        batches.append(batch)
        if head and rows >= limits.max_rows:
            break
    table = pa.Table.from_batches(batches) if batches else file.schema_arrow.empty_table()
    for name in plain:
        index = table.schema.get_field_index(name)
        table = table.set_column(index, schema.field(name), table.column(index).cast(schema.field(name).type))
    table = table.replace_schema_metadata(schema.metadata)
    frame = table.to_pandas()
    if schema.metadata and b"PANDAS_ATTRS" in schema.metadata:
        frame.attrs = json.loads(schema.metadata[b"PANDAS_ATTRS"])
    return frame


def _is_text(kind: Any) -> bool:
    """Strings or bytes, plain or as a dictionary (counted as decoded either way: a
    category column may be turned into text by a later step)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)
                or pa.types.is_large_binary(kind))


def _decoded_bytes(batch: Any, textual: list[str]) -> int:
    """What the batch takes once its dictionaries of strings are expanded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if name in textual and pa.types.is_dictionary(column.type):
            lengths = pc.binary_length(column.dictionary)
            used = pc.sum(pc.take(lengths, column.indices)).as_py() or 0
            total += used + 8 * len(column)  # the values and their offsets
        else:
            total += column.nbytes
    return total


def _shown(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
