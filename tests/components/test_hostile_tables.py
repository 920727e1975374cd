"""Hostile tables against every reader (import_data, the gate's holdout, a predict body):
one bounded reader (app.core.tabular) refuses each with a message naming the cap, before
it allocates what the file would decode to.

Arrow's allocations are measured with a proxy of its memory pool: the peak while a
reader refuses a 2.4 GB file must stay within a few times the cap."""

from __future__ import annotations

import dataclasses
import gzip

import pyarrow as pa
import pytest

from app.components.settings import ImportDataSettings
from app.core.errors import InvalidInput
from app.core.tabular import TableLimits, TableRefused
from app.deployments import serving
from app.storage.local import LocalStore
from tests.components import hostile
from worker.components.context import StepFailed, StepLimits
from worker.components.data import import_data
from worker.gate import read_table

CAP = 8 * 1024 * 1024


@pytest.fixture
def arrow_peak():
    """The peak of Arrow's allocations during the test (a proxy of the default pool)."""
    previous = pa.default_memory_pool()
    proxy = pa.proxy_memory_pool(previous)
    pa.set_memory_pool(proxy)
    try:
        yield proxy
    finally:
        pa.set_memory_pool(previous)


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    hostile.many_zero_rows(root / "zeros.parquet")
    hostile.repeated_text(root / "categories.parquet")
    hostile.repeated_text(root / "text.parquet", arrow_schema=False)
    return root


HOSTILE = ["zeros.parquet", "categories.parquet", "text.parquet"]


def _into(store, hostile_files, name):
    (store / name).write_bytes((hostile_files / name).read_bytes())
    assert (store / name).stat().st_size < 400_000  # a few hundred KB ...
    return f"datastore://default/{name}"  # ... that decode to gigabytes


@pytest.mark.parametrize("name", HOSTILE)
def test_import_data_refuses_parquet_that_decodes_past_the_cap(ctx, store, hostile_files, arrow_peak, name):
    path = _into(store, hostile_files, name)
    capped = dataclasses.replace(ctx, limits=StepLimits(max_decompressed_bytes=CAP))
    with pytest.raises(StepFailed) as refused:
        import_data(capped, ImportDataSettings(path=path), {})
    assert path in str(refused.value)
    assert f"more than {CAP} bytes" in str(refused.value) and "RETRAINER_MAX_DECOMPRESSED_BYTES" in str(refused.value)
    assert arrow_peak.max_memory() < 4 * CAP  # never the gigabytes the file holds
    # Rows are capped as well (the footer's count, before any batch is decoded).
    rows = dataclasses.replace(ctx, limits=StepLimits(max_data_rows=1000))
    with pytest.raises(StepFailed, match="more than 1000 .*RETRAINER_MAX_DATA_ROWS"):
        import_data(rows, ImportDataSettings(path=path), {})


@pytest.mark.parametrize("name", HOSTILE)
def test_the_gate_refuses_a_parquet_holdout_that_decodes_past_the_cap(tmp_path, hostile_files, arrow_peak, name):
    root = tmp_path / "store"
    root.mkdir()
    path = _into(root, hostile_files, name)
    stores = {"default": LocalStore(root, pins=tmp_path / "pins")}
    with pytest.raises(TableRefused, match=f"more than {CAP} bytes .*RETRAINER_MAX_DECOMPRESSED_BYTES"):
        read_table(stores, path, TableLimits(max_rows=10**9, max_columns=10, max_bytes=CAP))
    assert arrow_peak.max_memory() < 4 * CAP
    with pytest.raises(TableRefused, match="more than 1000 .*RETRAINER_MAX_DATA_ROWS"):
        read_table(stores, path, TableLimits(max_rows=1000, max_columns=10, max_bytes=10**12))


def test_a_small_parquet_file_reads_as_pandas_would(ctx, store):
    import pandas as pd

    frame = pd.DataFrame({"n": [1, 2, None], "s": ["a", None, "c"], "k": pd.Categorical(["x", "y", "x"])})
    frame.attrs = {"source": "test"}
    frame.to_parquet(store / "small.parquet", index=False)
    read = import_data(ctx, ImportDataSettings(path="datastore://default/small.parquet"), {})["data"]
    expected = pd.read_parquet(store / "small.parquet")
    pd.testing.assert_frame_equal(read, expected)
    assert read.attrs == {"source": "test"}


@pytest.mark.parametrize("name", ["dup.csv", "dup.csv.gz"])
def test_import_data_refuses_a_header_naming_a_column_twice(ctx, store, name):
    body = hostile.duplicate_header()
    (store / name).write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    with pytest.raises(StepFailed) as refused:
        import_data(ctx, ImportDataSettings(path=f"datastore://default/{name}"), {})
    assert f"datastore://default/{name} names the column 'age' twice" in str(refused.value)
    # Without a header the first line is data: repeated values are no duplicate names.
    (store / "plain.csv").write_bytes(b"1,1,1\n2,2,2\n")
    read = import_data(ctx, ImportDataSettings(path="datastore://default/plain.csv", has_header=False), {})
    assert read["data"].shape == (2, 3)


def test_import_data_refuses_more_columns_than_max_data_columns(ctx, store):
    (store / "wide.csv").write_bytes(hostile.wide_header(1001))
    (store / "fits.csv").write_bytes(hostile.wide_header(1000))
    capped = dataclasses.replace(ctx, limits=StepLimits(max_data_columns=1000))
    with pytest.raises(StepFailed, match="wide.csv has more than 1000 columns .*RETRAINER_MAX_DATA_COLUMNS"):
        import_data(capped, ImportDataSettings(path="datastore://default/wide.csv"), {})
    assert import_data(capped, ImportDataSettings(path="datastore://default/fits.csv"), {})["data"].shape == (1, 1000)
    # The same bound without a header (its first row), and for Parquet.
    with pytest.raises(StepFailed, match="more than 1000 columns"):
        import_data(capped, ImportDataSettings(path="datastore://default/wide.csv", has_header=False), {})
    import pandas as pd

    pd.DataFrame({f"c{i}": [1] for i in range(1001)}).to_parquet(store / "wide.parquet")
    with pytest.raises(StepFailed, match="more than 1000 columns .*RETRAINER_MAX_DATA_COLUMNS"):
        import_data(capped, ImportDataSettings(path="datastore://default/wide.parquet"), {})


def test_the_gate_refuses_a_holdout_naming_a_column_twice_or_too_wide(tmp_path):
    root = tmp_path / "store"
    root.mkdir()
    (root / "dup.csv").write_bytes(hostile.duplicate_header())
    (root / "wide.csv.gz").write_bytes(gzip.compress(hostile.wide_header(40)))
    stores = {"default": LocalStore(root, pins=tmp_path / "pins")}
    limits = TableLimits(max_rows=100, max_columns=31, max_bytes=10**6, columns_setting="the model's columns")
    with pytest.raises(TableRefused, match="names the column 'age' twice"):
        read_table(stores, "datastore://default/dup.csv", limits)
    with pytest.raises(TableRefused, match="more than 31 columns \\(the model's columns\\)"):
        read_table(stores, "datastore://default/wide.csv.gz", limits)


SCHEMA = [{"name": "age", "kind": "number"}, {"name": "job", "kind": "category"}]


def test_a_predict_body_naming_a_column_twice_is_refused_naming_it():
    with pytest.raises(InvalidInput) as refused:
        serving.frame_from_csv(hostile.duplicate_header(), SCHEMA, 100)
    assert "names the column 'age' twice" in refused.value.detail
    assert refused.value.errors[0]["loc"] == ["body", "header", "age"]
    # The model's columns and up to 16 more are read; one more is refused.
    fits = b"age,job," + ",".join(f"x{i}" for i in range(16)).encode() + b"\n40,cook" + b",1" * 16 + b"\n"
    assert serving.frame_from_csv(fits, SCHEMA, 100)["age"].tolist() == [40.0]
    wide = b"age,job," + ",".join(f"x{i}" for i in range(17)).encode() + b"\n40,cook" + b",1" * 17 + b"\n"
    with pytest.raises(InvalidInput, match="more than 18 columns \\(the model reads 2 columns"):
        serving.frame_from_csv(wide, SCHEMA, 100)
    # Too many rows is a problem of the rows, named as for JSON rows.
    with pytest.raises(InvalidInput, match="RETRAINER_PREDICT_MAX_ROWS") as rows:
        serving.frame_from_csv(b"age,job\n" + b"1,a\n" * 4, SCHEMA, 3)
    assert rows.value.errors[0]["loc"] == ["body", "rows"]


def test_a_predict_body_with_an_infinite_number_is_refused_naming_the_row_and_column():
    body = b"age,job\n40,cook\ninf,cook\n-Infinity,cook\n1e999,cook\n,cook\n"
    with pytest.raises(InvalidInput) as refused:
        serving.frame_from_csv(body, SCHEMA, 100)
    locs = [tuple(e["loc"]) for e in refused.value.errors]
    assert locs == [("body", "rows", 1, "age"), ("body", "rows", 2, "age"), ("body", "rows", 3, "age")]
    assert "'inf' is not a number" in refused.value.errors[0]["msg"]
