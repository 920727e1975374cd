"""Small files that decode to far more than they weigh, for the tests of every reader."""

from __future__ import annotations

from pathlib import Path

ROWS = 20_000_000  # about 2.4 GB once decoded; the files below weigh a few hundred KB


def many_zero_rows(path: Path, rows: int = ROWS) -> None:
    """One int64 column of zeros, dictionary-encoded in one row group: 160 MB of values."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": np.zeros(rows, dtype=np.int64)}), path, row_group_size=rows,
                   compression="zstd", use_dictionary=True)


def repeated_text(path: Path, rows: int = ROWS, arrow_schema: bool = True) -> None:
    """A 100-character string repeated on every row (dictionary-encoded: stored once), and
    a label: about 2 GB of text once decoded. With `arrow_schema`, readers see dictionary
    columns (as pandas writes categories); without, plain strings."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = pa.DictionaryArray.from_arrays(np.zeros(rows, dtype=np.int32), pa.array(["z" * 100]))
    label = pa.DictionaryArray.from_arrays(np.zeros(rows, dtype=np.int32), pa.array(["a"]))
    pq.write_table(pa.table({"text": text, "y": label}), path, row_group_size=rows, compression="zstd",
                   store_schema=arrow_schema)


def duplicate_header(names: int = 10_000) -> bytes:
    """A 20 KB header naming one column over and over (pandas renames duplicates in
    quadratic time) and one row."""
    return (",".join(["age"] * names) + "\n" + ",".join(["1"] * names) + "\n").encode()


def wide_header(names: int) -> bytes:
    return (",".join(f"c{i}" for i in range(names)) + "\n" + ",".join(["1"] * names) + "\n").encode()
