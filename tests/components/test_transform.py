"""select_columns, clean_missing_data, normalize_data, split_data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from app.components.settings import (
    CleanMissingDataSettings,
    NormalizeDataSettings,
    SelectColumnsSettings,
    SplitDataSettings,
)
from tests.components.helpers import adult_like
from worker.components.context import StepFailed
from worker.components.transform import clean_missing_data, normalize_data, select_columns, split_data


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "num": [1.0, np.nan, 3.0, 10.0],
            "int": [1, 2, 3, 4],
            "text": ["a", "b", None, "b"],
            "empty": [np.nan] * 4,
        }
    )


# ----------------------------------------------------------------- select_columns


def test_select_include_keeps_order(ctx, frame):
    out = select_columns(ctx, SelectColumnsSettings(columns=["text", "num"]), {"data": frame})["data"]
    assert list(out.columns) == ["text", "num"]


def test_select_exclude(ctx, frame):
    out = select_columns(ctx, SelectColumnsSettings(columns=["empty"], mode="exclude"), {"data": frame})["data"]
    assert list(out.columns) == ["num", "int", "text"]


def test_select_unknown_lists_unknown_and_available(ctx, frame):
    with pytest.raises(StepFailed) as exc:
        select_columns(ctx, SelectColumnsSettings(columns=["num", "nope", "gone"]), {"data": frame})
    assert str(exc.value) == "columns 'nope', 'gone' not found; columns are: num, int, text, empty"


def test_select_excluding_everything(ctx, frame):
    with pytest.raises(StepFailed, match="no columns"):
        select_columns(ctx, SelectColumnsSettings(columns=list(frame.columns), mode="exclude"), {"data": frame})


# ------------------------------------------------------------- clean_missing_data


def clean(ctx, frame, **settings):
    return clean_missing_data(ctx, CleanMissingDataSettings(**settings), {"data": frame})["data"]


def test_drop_rows_in_named_columns(step, frame):
    ctx, log = step
    out = clean(ctx, frame, columns=["num", "text"])
    assert out["int"].tolist() == [1, 4]
    assert "dropped 2 of 4 rows" in log.text and "num: 1" in log.text and "text: 1" in log.text


def test_drop_rows_with_all_missing_column_fails(ctx, frame):
    with pytest.raises(StepFailed) as exc:
        clean(ctx, frame)
    assert "'empty': 4 missing" in str(exc.value)


def test_mean_and_median(step, frame):
    ctx, log = step
    out = clean(ctx, frame.drop(columns="empty"), mode="mean")
    assert out["num"].tolist() == [1.0, 14 / 3, 3.0, 10.0]
    assert out["text"].isna().sum() == 1  # text columns are left alone with columns=null
    assert "mean applies to the numeric columns: num, int" in log.text
    assert "not numeric, left as they are: text (1 missing)" in log.text
    assert "num: filled 1 missing values with mean" in log.text
    out = clean(ctx, frame, columns=["num"], mode="median")
    assert out["num"].tolist() == [1.0, 3.0, 3.0, 10.0]


def test_mean_on_text_column_fails(ctx, frame):
    with pytest.raises(StepFailed) as exc:
        clean(ctx, frame, columns=["num", "text"], mode="mean")
    assert "not numeric: 'text'" in str(exc.value)


@pytest.mark.parametrize("mode", ["mean", "median", "mode"])
def test_all_missing_column_cannot_be_filled_by_statistic(ctx, frame, mode):
    with pytest.raises(StepFailed) as exc:
        clean(ctx, frame, mode=mode)
    message = str(exc.value)
    assert "column 'empty' has no values at all" in message
    assert "select_columns" in message and "constant" in message


def test_mode_fills_text_and_numbers(ctx, frame):
    out = clean(ctx, frame, columns=["text", "num"], mode="mode")
    assert out["text"].tolist() == ["a", "b", "b", "b"]
    assert out["num"].tolist() == [1.0, 1.0, 3.0, 10.0]  # ties: the smallest value


def test_constant(step, frame):
    ctx, log = step
    out = clean(ctx, frame, mode="constant", value="unknown")
    assert out["text"].tolist() == ["a", "b", "unknown", "b"]
    assert out["num"].isna().sum() == 1  # a text value does not fit numeric columns
    assert "does not fit these columns" in log.text
    out = clean(ctx, frame, columns=["num", "empty"], mode="constant", value=0)
    assert out["num"].tolist() == [1.0, 0.0, 3.0, 10.0]
    assert out["empty"].tolist() == [0.0] * 4
    with pytest.raises(StepFailed, match="cannot fill 'num'"):
        clean(ctx, frame, columns=["num"], mode="constant", value="zero")


def test_clean_does_not_modify_input(ctx, frame):
    before = frame.copy()
    clean(ctx, frame, columns=["num"], mode="mean")
    pd.testing.assert_frame_equal(frame, before)


# ---------------------------------------------------------------- normalize_data


def test_zscore_matches_standard_scaler(ctx):
    from sklearn.preprocessing import StandardScaler

    df = pd.DataFrame({"a": [1.0, 2.0, 4.0, 9.0], "b": [3, 3, 5, 1], "t": list("wxyz")})
    out = normalize_data(ctx, NormalizeDataSettings(), {"data": df})["data"]
    expected = StandardScaler().fit_transform(df[["a", "b"]])
    np.testing.assert_allclose(out[["a", "b"]].to_numpy(), expected)
    assert out["t"].tolist() == list("wxyz")


def test_minmax_with_missing_and_constant(step):
    ctx, log = step
    df = pd.DataFrame({"a": [2.0, np.nan, 4.0, 6.0], "c": [5, 5, 5, 5]})
    out = normalize_data(ctx, NormalizeDataSettings(method="minmax"), {"data": df})["data"]
    assert out["a"].tolist()[0::2] == [0.0, 0.5] and out["a"][3] == 1.0 and np.isnan(out["a"][1])
    assert out["c"].tolist() == [0.0] * 4
    assert any(r.levelname == "WARNING" and "c: constant column" in r.getMessage() for r in log.records)
    out = normalize_data(ctx, NormalizeDataSettings(columns=["c"]), {"data": df})["data"]
    assert out["c"].tolist() == [0.0] * 4


def test_normalize_text_column_fails(ctx):
    df = pd.DataFrame({"a": [1, 2], "t": ["x", "y"]})
    with pytest.raises(StepFailed, match="not numeric: 't'"):
        normalize_data(ctx, NormalizeDataSettings(columns=["a", "t"]), {"data": df})
    with pytest.raises(StepFailed, match="no numeric columns"):
        normalize_data(ctx, NormalizeDataSettings(), {"data": df[["t"]]})


# -------------------------------------------------------------------- split_data


def split(ctx, df, **settings):
    result = split_data(ctx, SplitDataSettings(**settings), {"data": df})
    return result["train"], result["test"]


@pytest.mark.parametrize(
    "settings",
    [
        dict(),
        dict(fraction=0.8, seed=42),
        dict(fraction=0.5, shuffle=False),
        dict(fraction=0.75, seed=7, stratify_column="income"),
    ],
)
def test_fraction_split_equals_train_test_split(ctx, settings):
    df = adult_like(101)
    train, test = split(ctx, df, **settings)
    full = SplitDataSettings(**settings)
    stratify = df[full.stratify_column] if full.stratify_column else None
    expected_train, expected_test = train_test_split(
        df, train_size=full.fraction, random_state=full.seed, shuffle=full.shuffle, stratify=stratify
    )
    pd.testing.assert_frame_equal(train, expected_train)
    pd.testing.assert_frame_equal(test, expected_test)


def test_fraction_split_depends_on_seed(ctx):
    df = adult_like(50)
    a, _ = split(ctx, df, seed=1)
    b, _ = split(ctx, df, seed=2)
    c, _ = split(ctx, df, seed=1)
    assert list(a.index) != list(b.index)
    assert list(a.index) == list(c.index)


def test_stratify_class_with_one_row(ctx):
    df = pd.DataFrame({"x": range(10), "y": ["a"] * 5 + ["b"] * 4 + ["rare"]})
    with pytest.raises(StepFailed) as exc:
        split(ctx, df, stratify_column="y")
    assert "class 'rare' has 1 row" in str(exc.value)


def test_stratify_unknown_column(ctx):
    with pytest.raises(StepFailed, match="stratify column 'nope' not found"):
        split(ctx, adult_like(10), stratify_column="nope")


def test_fraction_leaving_train_empty(ctx):
    with pytest.raises(StepFailed, match="train would be empty"):
        split(ctx, adult_like(3), fraction=0.2)


def test_condition_split_on_country(step):
    ctx, log = step
    df = adult_like(200)
    train, test = split(
        ctx, df, mode="condition",
        condition={"column": "native-country", "operator": "==", "value": "United-States"},
    )
    assert (train["native-country"] == "United-States").all()
    assert len(train) == (df["native-country"] == "United-States").sum()
    assert len(train) + len(test) == 200
    assert test["native-country"].isna().sum() == df["native-country"].isna().sum() > 0
    assert f"train: {len(train)} rows, test: {len(test)} rows" in log.text


@pytest.mark.parametrize(
    "operator,value,expected",
    [
        ("!=", "a", [False, True, False, True]),  # missing never matches
        ("in", ["a", "c"], [True, False, False, False]),
        ("not_in", ["a"], [False, True, False, True]),
        (">=", "b", [False, True, False, True]),
    ],
)
def test_condition_operators_on_text(ctx, operator, value, expected):
    df = pd.DataFrame({"k": ["a", "b", None, "b"], "i": [0, 1, 2, 3]})
    train, test = split(ctx, df, mode="condition", condition={"column": "k", "operator": operator, "value": value})
    assert train["i"].tolist() == [i for i, m in enumerate(expected) if m]
    assert test["i"].tolist() == [i for i, m in enumerate(expected) if not m]


def test_condition_numeric_with_text_number(ctx):
    df = pd.DataFrame({"age": [20, 30, 40, 50]})
    train, test = split(ctx, df, mode="condition", condition={"column": "age", "operator": ">", "value": "35"})
    assert train["age"].tolist() == [40, 50]
    with pytest.raises(StepFailed, match="is numeric .* 'old' is not a number"):
        split(ctx, df, mode="condition", condition={"column": "age", "operator": ">", "value": "old"})


def test_condition_matching_nothing_says_so(ctx):
    df = pd.DataFrame({"c": [" United-States", " Cuba"]})
    with pytest.raises(StepFailed) as exc:
        split(ctx, df, mode="condition", condition={"column": "c", "operator": "==", "value": "United-States"})
    message = str(exc.value)
    assert "matched none of the 2 rows" in message and "' United-States'" in message


def test_condition_matching_everything(ctx):
    df = pd.DataFrame({"c": [1, 2]})
    with pytest.raises(StepFailed, match="matched all 2 rows, so test would be empty"):
        split(ctx, df, mode="condition", condition={"column": "c", "operator": ">", "value": 0})


def test_condition_unknown_column(ctx):
    with pytest.raises(StepFailed, match="column 'nope' not found; columns are: c"):
        split(ctx, pd.DataFrame({"c": [1, 2]}), mode="condition", condition={"column": "nope", "operator": "==", "value": 1})


def test_unknown_column_hints_at_spaces(ctx):
    df = pd.DataFrame({"age": [1], " workclass": ["x"]})
    with pytest.raises(StepFailed) as exc:
        select_columns(ctx, SelectColumnsSettings(columns=["workclass"]), {"data": df})
    assert "note the spaces in ' workclass'" in str(exc.value)
    assert "skip_initial_space" in str(exc.value)
