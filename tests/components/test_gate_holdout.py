"""A gate's holdout file is read as import_data reads data: a compressed one only within
RETRAINER_MAX_DECOMPRESSED_BYTES (the gate then holds, saying why), rows within the cap."""

from __future__ import annotations

import gzip

import pytest

from app.core.tabular import TableLimits, TableRefused
from app.storage.local import LocalStore
from worker.gate import read_table


def test_a_compressed_holdout_is_read_within_the_limit(tmp_path):
    root = tmp_path / "store"
    root.mkdir()
    rows = "x,y\n" + "1,a\n" * 5000
    (root / "holdout.csv.gz").write_bytes(gzip.compress(rows.encode()))
    stores = {"default": LocalStore(root, pins=tmp_path / "pins")}
    table = read_table(stores, "datastore://default/holdout.csv.gz", TableLimits(10**4, 10, 10**6))
    assert list(table.columns) == ["x", "y"] and len(table) == 5000
    with pytest.raises(TableRefused, match="more than 100 rows"):
        read_table(stores, "datastore://default/holdout.csv.gz", TableLimits(100, 10, 10**6))
    with pytest.raises(TableRefused, match="decompresses to more than 1024 bytes"):
        read_table(stores, "datastore://default/holdout.csv.gz", TableLimits(10**6, 10, 1024))
