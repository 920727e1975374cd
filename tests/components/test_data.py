"""import_data and export_data on real files in a temp datastore."""

from __future__ import annotations

import dataclasses
import gzip

import pandas as pd
import pytest

from app.components.settings import ExportDataSettings, ImportDataSettings
from tests.components.helpers import ADULT_COLUMNS, adult_like, write_adult_file
from worker.components.context import StepFailed, StepLimits
from worker.components.data import export_data, import_data


def read(ctx, **settings) -> pd.DataFrame:
    return import_data(ctx, ImportDataSettings(**settings), {})["data"]


ADULT_SETTINGS = dict(
    has_header=False,
    column_names=ADULT_COLUMNS,
    separator=",",
    skip_initial_space=True,
    na_values=["?"],
)


def test_csv_with_header(step, store):
    ctx, log = step
    (store / "a.csv").write_text("x,y,name\n1,2.5,a\n3,,b\n")
    df = read(ctx, path="datastore://default/a.csv")
    assert list(df.columns) == ["x", "y", "name"]
    assert df["x"].tolist() == [1, 3]
    assert pd.isna(df.loc[1, "y"])
    assert "read 2 rows x 3 columns" in log.text
    assert "dtypes: x: int64, y: float64" in log.text


def test_adult_style_file_without_header(step, store):
    ctx, log = step
    source = adult_like(50)
    write_adult_file(source, store / "adult.data")
    df = read(ctx, path="datastore://default/adult.data", **ADULT_SETTINGS)
    assert list(df.columns) == ADULT_COLUMNS
    assert len(df) == 50  # the trailing blank line is not a row
    assert df["age"].tolist() == source["age"].tolist()
    assert pd.api.types.is_integer_dtype(df["age"])
    # '?' is missing and ', ' leaves no leading space
    assert df["workclass"].isna().sum() == source["workclass"].isna().sum() > 0
    assert set(df["sex"]) == {"Male", "Female"}
    assert "missing values: workclass" in log.text


def test_without_skip_initial_space_values_keep_the_space(ctx, store):
    (store / "a.data").write_text("1, x\n2, y\n")
    df = read(ctx, path="datastore://default/a.data", has_header=False)
    assert list(df.columns) == ["column_1", "column_2"]
    assert df["column_2"].tolist() == [" x", " y"]


def test_column_names_replace_header(ctx, store):
    (store / "a.csv").write_text("A,B\n1,2\n")
    df = read(ctx, path="datastore://default/a.csv", column_names=["a", "b"])
    assert list(df.columns) == ["a", "b"]
    assert df.to_dict("list") == {"a": [1], "b": [2]}


def test_column_names_count_mismatch(ctx, store):
    (store / "a.csv").write_text("1,2,3\n4,5,6\n")
    with pytest.raises(StepFailed) as exc:
        read(ctx, path="datastore://default/a.csv", has_header=False, column_names=["a", "b"])
    assert "column_names has 2 names but datastore://default/a.csv has 3 columns" in str(exc.value)


def test_empty_file(ctx, store):
    (store / "empty.csv").write_text("")
    with pytest.raises(StepFailed, match="the file datastore://default/empty.csv is empty"):
        read(ctx, path="datastore://default/empty.csv")


def test_header_only_has_no_rows(ctx, store):
    (store / "h.csv").write_text("a,b\n")
    with pytest.raises(StepFailed, match="has no rows"):
        read(ctx, path="datastore://default/h.csv")


def test_blank_lines_only(ctx, store):
    (store / "blank.csv").write_text("\n\n\n")
    with pytest.raises(StepFailed, match="has no data"):
        read(ctx, path="datastore://default/blank.csv")


def test_wrong_encoding_names_it(ctx, store):
    (store / "latin.csv").write_bytes("name\nJos\xe9\n".encode("latin-1"))
    with pytest.raises(StepFailed) as exc:
        read(ctx, path="datastore://default/latin.csv")
    assert "as utf-8" in str(exc.value) and "latin-1" in str(exc.value)
    df = read(ctx, path="datastore://default/latin.csv", encoding="latin-1")
    assert df["name"].tolist() == ["José"]


def test_unparsable_csv(ctx, store):
    (store / "bad.csv").write_text("a,b\n1,2\n3,4,5,6\n")
    with pytest.raises(StepFailed, match="cannot parse datastore://default/bad.csv as CSV"):
        read(ctx, path="datastore://default/bad.csv")


def test_separator_skip_rows_and_na_values(ctx, store):
    (store / "x.txt").write_text("|1x3 Cross validator\na;b\n1;NA\n?;4\n")
    df = read(ctx, path="datastore://default/x.txt", separator=";", skip_rows=1, na_values=["?"])
    assert df["a"].isna().tolist() == [False, True]
    assert df["b"].isna().tolist() == [True, False]


def test_multi_character_separator_is_literal(ctx, store):
    (store / "x.csv").write_text("a||b\n1||2\n")
    df = read(ctx, path="datastore://default/x.csv", separator="||")
    assert df.to_dict("list") == {"a": [1], "b": [2]}


def test_missing_file(ctx):
    with pytest.raises(StepFailed, match="does not exist"):
        read(ctx, path="datastore://default/nope.csv")


def test_parquet_round_trip(step, store):
    ctx, log = step
    source = adult_like(40)
    export_data(ctx, ExportDataSettings(path="datastore://default/out/adult.parquet"), {"data": source})
    assert (store / "out" / "adult.parquet").is_file()
    assert "wrote 40 rows x 7 columns" in log.text
    back = read(ctx, path="datastore://default/out/adult.parquet")
    pd.testing.assert_frame_equal(
        back.astype(object).where(back.notna(), None), source.astype(object).where(source.notna(), None)
    )


def test_parquet_ignores_csv_settings_and_says_so(step, store):
    ctx, log = step
    pd.DataFrame({"a": [1, 2]}).to_parquet(store / "a.pq")
    df = read(ctx, path="datastore://default/a.pq", separator=";", has_header=False)
    assert df["a"].tolist() == [1, 2]
    assert "ignoring the CSV settings has_header, separator" in log.text


def test_not_parquet(ctx, store):
    (store / "fake.parquet").write_text("a,b\n1,2\n")
    with pytest.raises(StepFailed, match="cannot read datastore://default/fake.parquet as Parquet"):
        read(ctx, path="datastore://default/fake.parquet")


def test_csv_export_and_overwrite(ctx, store):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    settings = ExportDataSettings(path="datastore://default/o.csv", overwrite=False)
    export_data(ctx, settings, {"data": df})
    assert (store / "o.csv").read_text().splitlines() == ["a,b", "1,x", "2,"]
    with pytest.raises(StepFailed, match="already exists; set overwrite to true"):
        export_data(ctx, settings, {"data": df})
    export_data(ctx, ExportDataSettings(path="datastore://default/o.csv"), {"data": df.head(1)})
    assert (store / "o.csv").read_text().splitlines() == ["a,b", "1,x"]
    assert sorted(p.name for p in store.iterdir()) == ["o.csv"]  # no temporary files left


def test_parquet_export_of_mixed_column_fails_clearly(ctx, store):
    df = pd.DataFrame({"a": pd.Series([1, "x"], dtype=object)})
    with pytest.raises(StepFailed, match="cannot write datastore://default/m.parquet as Parquet"):
        export_data(ctx, ExportDataSettings(path="datastore://default/m.parquet"), {"data": df})
    assert list(store.iterdir()) == []


@pytest.mark.parametrize("name", ["many.csv", "many.csv.gz", "many.parquet"])
def test_more_rows_than_max_data_rows_fail_naming_the_file_and_the_setting(ctx, store, name):
    frame = pd.DataFrame({"x": range(11), "y": ["a", "b"] * 5 + ["a"]})
    if name.endswith(".parquet"):
        frame.to_parquet(store / name, index=False)
    else:
        text = frame.to_csv(index=False).encode()
        (store / name).write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    capped = dataclasses.replace(ctx, limits=StepLimits(max_data_rows=10))
    with pytest.raises(StepFailed) as exc:
        import_data(capped, ImportDataSettings(path=f"datastore://default/{name}"), {})
    assert f"datastore://default/{name}" in str(exc.value)
    assert "more than 10" in str(exc.value) and "RETRAINER_MAX_DATA_ROWS" in str(exc.value)
    # At the limit exactly, the file is read whole.
    at_limit = dataclasses.replace(ctx, limits=StepLimits(max_data_rows=11))
    assert len(import_data(at_limit, ImportDataSettings(path=f"datastore://default/{name}"), {})["data"]) == 11
