"""Settings models: what the API reports as 422 before a run starts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.components.settings import (
    CleanMissingDataSettings,
    ExportDataSettings,
    ImportDataSettings,
    SelectColumnsSettings,
    SplitDataSettings,
    TrainModelSettings,
    validate_hyperparameters,
)


def error_text(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(exc.value)


def test_path_needs_datastore_prefix():
    with pytest.raises(ValidationError) as exc:
        ImportDataSettings(path="/etc/passwd")
    assert "path" in error_text(exc)
    with pytest.raises(ValidationError):
        ExportDataSettings(path="s3://bucket/x.csv")


@pytest.mark.parametrize(
    "path,expected",
    [
        ("datastore://default/adult.data", "csv"),
        ("datastore://default/adult.test", "csv"),
        ("datastore://default/a/b.TXT", "csv"),
        ("datastore://default/x.csv", "csv"),
        ("datastore://default/x.parquet", "parquet"),
        ("datastore://default/x.pq", "parquet"),
    ],
)
def test_format_inferred_from_extension(path, expected):
    assert ImportDataSettings(path=path).resolved_format == expected


def test_format_not_inferable_is_rejected_with_hint():
    with pytest.raises(ValidationError) as exc:
        ImportDataSettings(path="datastore://default/adult")
    assert "set format" in error_text(exc)
    assert ImportDataSettings(path="datastore://default/adult", format="csv").resolved_format == "csv"


def test_unknown_setting_is_rejected():
    with pytest.raises(ValidationError) as exc:
        ImportDataSettings(path="datastore://default/a.csv", header=False)
    assert "header" in error_text(exc)


def test_bad_encoding_and_negative_skip_rows():
    with pytest.raises(ValidationError) as exc:
        ImportDataSettings(path="datastore://default/a.csv", encoding="klingon-8")
    assert "klingon-8" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        ImportDataSettings(path="datastore://default/a.csv", skip_rows=-1)
    assert "skip_rows" in error_text(exc)


def test_duplicate_columns_rejected():
    with pytest.raises(ValidationError) as exc:
        SelectColumnsSettings(columns=["a", "b", "a"])
    assert "'a'" in error_text(exc)
    with pytest.raises(ValidationError):
        SelectColumnsSettings(columns=[])


def test_constant_needs_value_and_only_constant_takes_one():
    with pytest.raises(ValidationError) as exc:
        CleanMissingDataSettings(mode="constant")
    assert "needs a value" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        CleanMissingDataSettings(mode="mean", value=0)
    assert "only used with mode 'constant'" in error_text(exc)
    assert CleanMissingDataSettings(mode="constant", value=False).value is False
    assert CleanMissingDataSettings(mode="constant", value=0).value == 0


def test_split_settings():
    assert SplitDataSettings().fraction == 0.7
    for fraction in (0, 1, 1.5):
        with pytest.raises(ValidationError) as exc:
            SplitDataSettings(fraction=fraction)
        assert "fraction" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        SplitDataSettings(mode="condition")
    assert "needs a condition" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        SplitDataSettings(mode="condition", condition={"column": "c", "operator": "in", "value": "x"})
    assert "list" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        SplitDataSettings(mode="condition", condition={"column": "c", "operator": "==", "value": ["x"]})
    assert "single value" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        SplitDataSettings(mode="condition", condition={"column": "c", "operator": "~=", "value": 1})
    assert "operator" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        SplitDataSettings(stratify_column="y", shuffle=False)
    assert "shuffle" in error_text(exc)
    ok = SplitDataSettings(mode="condition", condition={"column": "c", "operator": "not_in", "value": ["x", 1]})
    assert ok.condition.value == ["x", 1]


def test_hyperparameters_unknown_name_is_named_with_allowed_ones():
    with pytest.raises(ValidationError) as exc:
        TrainModelSettings(label_column="y", algorithm="random_forest", hyperparameters={"depth": 3})
    text = error_text(exc)
    assert "'depth'" in text
    assert "n_estimators, max_depth, min_samples_leaf" in text


@pytest.mark.parametrize(
    "algorithm,hyperparameters,name",
    [
        ("logistic_regression", {"C": 0}, "C"),
        ("logistic_regression", {"max_iter": 0}, "max_iter"),
        ("boosted_decision_tree", {"learning_rate": -0.1}, "learning_rate"),
        ("boosted_decision_tree", {"max_leaf_nodes": 1}, "max_leaf_nodes"),
        ("boosted_decision_tree", {"l2_regularization": -1}, "l2_regularization"),
        ("random_forest", {"n_estimators": 0}, "n_estimators"),
        ("random_forest", {"max_depth": "deep"}, "max_depth"),
        ("decision_tree", {"min_samples_leaf": 0}, "min_samples_leaf"),
        ("ridge", {"alpha": -1}, "alpha"),
        ("linear_regression", {"fit_intercept": "maybe"}, "fit_intercept"),
    ],
)
def test_hyperparameter_bounds(algorithm, hyperparameters, name):
    with pytest.raises(ValidationError) as exc:
        TrainModelSettings(label_column="y", algorithm=algorithm, hyperparameters=hyperparameters)
    assert f"'{name}'" in error_text(exc)


def test_hyperparameters_are_normalised_and_defaults_filled():
    settings = TrainModelSettings(label_column="y", algorithm="random_forest", hyperparameters={"n_estimators": "7"})
    assert settings.hyperparameters == {"n_estimators": 7}
    assert settings.effective_hyperparameters() == {"n_estimators": 7, "max_depth": None, "min_samples_leaf": 1}
    assert validate_hyperparameters("logistic_regression", {})["max_iter"] == 1000


@pytest.mark.parametrize(
    "algorithm,task",
    [("linear_regression", "classification"), ("ridge", "classification"), ("logistic_regression", "regression")],
)
def test_algorithm_task_mismatch(algorithm, task):
    with pytest.raises(ValidationError) as exc:
        TrainModelSettings(label_column="y", algorithm=algorithm, task=task)
    assert f"'{algorithm}' does not do {task}" in error_text(exc)


def test_train_settings_basics():
    with pytest.raises(ValidationError) as exc:
        TrainModelSettings(label_column="y")
    assert "algorithm" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        TrainModelSettings(label_column="y", algorithm="svm")
    assert "algorithm" in error_text(exc)
    with pytest.raises(ValidationError) as exc:
        TrainModelSettings(label_column="y", algorithm="ridge", feature_columns=["a", "y"])
    assert "label column 'y'" in error_text(exc)
    TrainModelSettings.model_validate_json('{"label_column": "y", "algorithm": "ridge", "task": "regression"}')
