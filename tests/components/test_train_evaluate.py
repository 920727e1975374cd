"""train_model, score_model, evaluate_model, and their agreement with plain scikit-learn."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from app.components.settings import (
    ALGORITHM_TASKS,
    EvaluateModelSettings,
    ScoreModelSettings,
    TrainModelSettings,
)
from tests.components.helpers import adult_like, regression_frame
from worker.components.context import StepFailed
from worker.components.evaluate import evaluate_model, score_model
from worker.components.train import TrainedModel, build_pipeline, train_model

FAST = {
    "boosted_decision_tree": {"max_iter": 30},
    "random_forest": {"n_estimators": 20},
}


def train(ctx, df, **settings) -> TrainedModel:
    return train_model(ctx, TrainModelSettings(**settings), {"data": df})["model"]


def score(ctx, model, df, **settings) -> pd.DataFrame:
    return score_model(ctx, ScoreModelSettings(**settings), {"model": model, "data": df})["scored"]


def evaluate(ctx, scored, **settings) -> dict:
    return evaluate_model(ctx, EvaluateModelSettings(**settings), {"scored": scored})["metrics"]


@pytest.fixture(scope="module")
def adult_split():
    df = adult_like(400, seed=1)
    return train_test_split(df, train_size=0.7, random_state=0)


# ------------------------------------------------------------------ every algorithm


@pytest.mark.parametrize("algorithm", [a for a, t in ALGORITHM_TASKS.items() if "classification" in t])
def test_every_classifier_trains_scores_and_evaluates(ctx, adult_split, algorithm):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm=algorithm, hyperparameters=FAST.get(algorithm, {}))
    assert model.task == "classification"
    assert model.classes == ["<=50K", ">50K"]
    assert model.feature_columns == [c for c in train_df.columns if c != "income"]
    assert model.training_rows == len(train_df)
    scored = score(ctx, model, test_df)
    assert list(scored.columns[-3:]) == ["scored_label", "scored_probability_<=50K", "scored_probability_>50K"]
    np.testing.assert_allclose(scored[["scored_probability_<=50K", "scored_probability_>50K"]].sum(axis=1), 1.0)
    metrics = evaluate(ctx, scored)
    json.dumps(metrics, allow_nan=False)
    assert metrics["rows"] == len(test_df)
    assert metrics["positive_class"] == ">50K"
    assert metrics["accuracy"] > 0.6, metrics  # the label is learnable
    assert 0.5 < metrics["roc_auc"] <= 1


@pytest.mark.parametrize("algorithm", [a for a, t in ALGORITHM_TASKS.items() if "regression" in t])
def test_every_regressor_trains_scores_and_evaluates(ctx, algorithm):
    df = regression_frame(160)
    train_df, test_df = df.iloc[:120], df.iloc[120:]
    model = train(ctx, train_df, label_column="y", algorithm=algorithm, hyperparameters=FAST.get(algorithm, {}))
    assert model.task == "regression" and model.classes is None
    scored = score(ctx, model, test_df)
    assert "scored_probability_" not in " ".join(scored.columns)
    metrics = evaluate(ctx, scored)
    json.dumps(metrics, allow_nan=False)
    assert set(metrics) - {"feature_importances"} == {"task", "label_column", "rows", "mae", "rmse", "r2", "residuals"}
    assert ("feature_importances" in metrics) == (algorithm != "boosted_decision_tree")
    assert metrics["r2"] > 0.5, metrics


def test_training_is_deterministic(ctx, adult_split):
    train_df, test_df = adult_split
    runs = [
        score(ctx, train(ctx, train_df, label_column="income", algorithm="random_forest",
                         hyperparameters={"n_estimators": 15}, seed=3), test_df)
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    other = score(ctx, train(ctx, train_df, label_column="income", algorithm="random_forest",
                             hyperparameters={"n_estimators": 15}, seed=4), test_df)
    assert not np.allclose(other["scored_probability_>50K"], runs[0]["scored_probability_>50K"])


# ---------------------------------------------------------------- train_model errors


def test_label_not_found(ctx):
    df = adult_like(20).drop(columns="income")
    with pytest.raises(StepFailed) as exc:
        train(ctx, df, label_column="income", algorithm="decision_tree")
    assert str(exc.value) == (
        "label column 'income' not found; columns are: age, workclass, education-num, sex, hours-per-week, native-country"
    )


def test_one_class_only(ctx):
    df = adult_like(20).assign(income="<=50K")
    with pytest.raises(StepFailed) as exc:
        train(ctx, df, label_column="income", algorithm="logistic_regression")
    assert str(exc.value) == (
        "the label column 'income' has only one class ('<=50K'); a classifier needs at least two"
    )


def test_regression_on_text_label(ctx):
    with pytest.raises(StepFailed) as exc:
        train(ctx, adult_like(20), label_column="income", algorithm="ridge", task="regression")
    assert "regression needs a numeric label, but 'income' is" in str(exc.value)


def test_inferred_task_conflicting_with_algorithm(step):
    ctx, log = step
    with pytest.raises(StepFailed) as exc:
        train(ctx, adult_like(20), label_column="income", algorithm="linear_regression")
    assert "task was inferred as classification" in str(exc.value)
    assert "logistic_regression" in str(exc.value)
    assert "task inferred as classification: the label is not numeric" in log.text


def test_task_inference(step):
    ctx, log = step
    df = regression_frame(60)
    df["grade"] = np.arange(60) % 3  # integer with 3 values
    model = train(ctx, df, label_column="grade", algorithm="decision_tree")
    assert model.task == "classification" and model.classes == [0, 1, 2]
    assert all(type(c) is int for c in model.classes)
    df["count"] = np.arange(60)  # integer with 60 values
    assert train(ctx, df, label_column="count", algorithm="decision_tree").task == "regression"
    assert train(ctx, df, label_column="y", algorithm="decision_tree").task == "regression"
    assert "integer with 3 distinct values" in log.text


def test_rows_without_label_are_dropped(step):
    ctx, log = step
    df = adult_like(60)
    df.loc[df.index[:7], "income"] = None
    model = train(ctx, df, label_column="income", algorithm="decision_tree")
    assert model.training_rows == 53
    assert "dropped 7 of 60 rows whose label 'income' is missing" in log.text


def test_feature_column_errors(ctx):
    df = adult_like(30)
    with pytest.raises(StepFailed, match="feature column 'salary' not found"):
        train(ctx, df, label_column="income", algorithm="decision_tree", feature_columns=["age", "salary"])
    with pytest.raises(StepFailed, match="no feature columns"):
        train(ctx, df[["income"]], label_column="income", algorithm="decision_tree")
    with pytest.raises(StepFailed, match="no rows to train on"):
        train(ctx, df.assign(income=None), label_column="income", algorithm="decision_tree")


def test_feature_columns_subset_and_extra_columns_ignored(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="logistic_regression",
                  feature_columns=["age", "sex"])
    assert model.feature_columns == ["age", "sex"]
    assert model.numeric_columns == ["age"] and model.categorical_columns == ["sex"]
    scored = score(ctx, model, test_df[["sex", "age"]].assign(other=1))
    assert len(scored) == len(test_df)


def test_boolean_and_all_missing_features(ctx):
    df = regression_frame(80)
    df["flag"] = df["x1"] > 0
    df["flag_missing"] = pd.Series(df["x1"] > 0.5, dtype=object).where(df.index % 5 != 0, None)
    df["nothing"] = np.nan
    for algorithm in ("ridge", "boosted_decision_tree"):
        model = train(ctx, df, label_column="y", algorithm=algorithm, hyperparameters=FAST.get(algorithm, {}))
        assert model.categorical_columns == ["color", "flag", "flag_missing"]
        scored = score(ctx, model, df.head(5))
        assert scored["scored_label"].notna().all()


def test_effective_hyperparameters_recorded(ctx):
    model = train(ctx, adult_like(40), label_column="income", algorithm="boosted_decision_tree",
                  hyperparameters={"max_iter": 5}, seed=9)
    assert model.hyperparameters == {
        "learning_rate": 0.1, "max_iter": 5, "max_leaf_nodes": 31, "max_depth": None,
        "l2_regularization": 0.0, "min_samples_leaf": 20,
    }
    estimator = model.pipeline.named_steps["model"]
    assert isinstance(estimator, HistGradientBoostingClassifier)
    assert estimator.max_iter == 5 and estimator.random_state == 9
    json.dumps(model.metadata())


def test_canceled_before_fit(ctx):
    def cancel():
        raise StepFailed("run was canceled")

    ctx.check_canceled = cancel
    with pytest.raises(StepFailed, match="canceled"):
        train(ctx, adult_like(30), label_column="income", algorithm="decision_tree")


# ---------------------------------------------------------------------- score_model


def test_unseen_categories_at_scoring(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="logistic_regression")
    novel = test_df.head(5).copy()
    novel["workclass"] = "Never-worked"
    novel["native-country"] = "Atlantis"
    scored = score(ctx, model, novel)
    assert scored["scored_label"].isin(["<=50K", ">50K"]).all()


def test_missing_feature_columns_at_scoring(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    with pytest.raises(StepFailed) as exc:
        score(ctx, model, test_df.drop(columns=["sex", "age"]))
    assert "lacks 2 of the model's feature columns: age, sex" in str(exc.value)


def test_text_in_numeric_feature_at_scoring(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    with pytest.raises(StepFailed, match="'age' was numeric in training but is"):
        score(ctx, model, test_df.assign(age="old"))


def test_score_without_features_and_without_label(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    scored = score(ctx, model, test_df, include_features=False)
    assert list(scored.columns) == ["income", "scored_label", "scored_probability_<=50K", "scored_probability_>50K"]
    importances = scored.attrs.pop("feature_importances")
    assert scored.attrs == {"label_column": "income", "task": "classification", "classes": ["<=50K", ">50K"]}
    assert importances["kind"] == "impurity decrease" and importances["top"]
    unlabeled = score(ctx, model, test_df.drop(columns="income"), include_features=False)
    assert list(unlabeled.columns) == ["scored_label", "scored_probability_<=50K", "scored_probability_>50K"]
    rescored = score(ctx, model, scored.join(test_df.drop(columns="income")))
    assert list(rescored.columns).count("scored_label") == 1


def test_saved_pipeline_scores_raw_rows(ctx, adult_split, tmp_path):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="boosted_decision_tree", hyperparameters={"max_iter": 20})
    joblib.dump(model.pipeline, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    raw = test_df.drop(columns="income")  # raw rows, missing values included
    assert raw.isna().any().any()
    scored = score(ctx, model, test_df)
    assert loaded.predict(raw).tolist() == scored["scored_label"].tolist()
    np.testing.assert_allclose(loaded.predict_proba(raw)[:, 1], scored["scored_probability_>50K"])


# ------------------------------------------------------------------- evaluate_model


def test_binary_metrics_equal_sklearn(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="logistic_regression")
    scored = score(ctx, model, test_df)
    metrics = evaluate(ctx, scored)
    y, pred = test_df["income"], scored["scored_label"]
    proba = scored["scored_probability_>50K"]
    assert metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert metrics["precision"] == pytest.approx(skm.precision_score(y, pred, pos_label=">50K"))
    assert metrics["recall"] == pytest.approx(skm.recall_score(y, pred, pos_label=">50K"))
    assert metrics["f1"] == pytest.approx(skm.f1_score(y, pred, pos_label=">50K"))
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y == ">50K", proba))
    assert metrics["log_loss"] == pytest.approx(
        skm.log_loss(y, scored[["scored_probability_<=50K", "scored_probability_>50K"]], labels=["<=50K", ">50K"])
    )
    assert metrics["confusion_matrix"] == {
        "labels": ["<=50K", ">50K"],
        "matrix": skm.confusion_matrix(y, pred, labels=["<=50K", ">50K"]).tolist(),
    }
    assert metrics["average"] == "binary" and metrics["rows"] == len(test_df)

    other = evaluate(ctx, scored, positive_class="<=50K")
    assert other["recall"] == pytest.approx(skm.recall_score(y, pred, pos_label="<=50K"))
    assert other["roc_auc"] == pytest.approx(metrics["roc_auc"])
    with pytest.raises(StepFailed, match="positive_class 'yes' is not a class; classes are: '<=50K', '>50K'"):
        evaluate(ctx, scored, positive_class="yes")


def test_multiclass_metrics_equal_sklearn(ctx):
    df = regression_frame(240, seed=3)
    df["band"] = pd.cut(df["y"], 3, labels=["low", "mid", "high"]).astype(str)
    df = df.drop(columns="y")
    train_df, test_df = df.iloc[:160], df.iloc[160:]
    model = train(ctx, train_df, label_column="band", algorithm="random_forest", hyperparameters={"n_estimators": 30})
    assert model.classes == ["high", "low", "mid"]
    scored = score(ctx, model, test_df)
    metrics = evaluate(ctx, scored)
    y, pred = test_df["band"], scored["scored_label"]
    proba = scored[[f"scored_probability_{c}" for c in model.classes]].to_numpy()
    assert metrics["average"] == "macro" and "positive_class" not in metrics
    assert metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert metrics["precision"] == pytest.approx(skm.precision_score(y, pred, average="macro"))
    assert metrics["recall"] == pytest.approx(skm.recall_score(y, pred, average="macro"))
    assert metrics["f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr", labels=model.classes))
    assert metrics["log_loss"] == pytest.approx(skm.log_loss(y, proba, labels=model.classes))
    assert metrics["confusion_matrix"]["matrix"] == skm.confusion_matrix(y, pred, labels=model.classes).tolist()


def test_regression_metrics_equal_sklearn(ctx):
    df = regression_frame(150, seed=5)
    model = train(ctx, df.iloc[:100], label_column="y", algorithm="ridge", hyperparameters={"alpha": 0.5})
    scored = score(ctx, model, df.iloc[100:])
    metrics = evaluate(ctx, scored)
    y, pred = df["y"].iloc[100:], scored["scored_label"]
    assert metrics["mae"] == pytest.approx(skm.mean_absolute_error(y, pred))
    assert metrics["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred)))
    assert metrics["r2"] == pytest.approx(skm.r2_score(y, pred))


def test_evaluate_without_attrs_after_csv_round_trip(ctx, tmp_path):
    df = regression_frame(90, seed=2)
    df["grade"] = (df["x1"] > 0).astype(int)  # integer classes 0 / 1
    df = df.drop(columns="y")
    model = train(ctx, df, label_column="grade", algorithm="decision_tree", hyperparameters={"max_depth": 2})
    scored = score(ctx, model, df)
    expected = evaluate(ctx, scored)
    assert expected["positive_class"] == 1
    scored.to_csv(tmp_path / "s.csv", index=False)
    back = pd.read_csv(tmp_path / "s.csv")
    assert back.attrs == {}
    with pytest.raises(StepFailed, match="set label_column"):
        evaluate(ctx, back)
    # The importances travel in the attrs, which CSV drops: the rest is the same.
    expected.pop("feature_importances")
    assert evaluate(ctx, back, label_column="grade") == expected


def test_evaluate_after_parquet_round_trip_with_attrs_dropped(ctx, adult_split, tmp_path):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    scored = score(ctx, model, test_df)
    expected = evaluate(ctx, scored)
    scored.to_parquet(tmp_path / "s.parquet")
    back = pd.read_parquet(tmp_path / "s.parquet")
    back.attrs = {}
    expected.pop("feature_importances")  # travels in the attrs
    assert evaluate(ctx, back, label_column="income") == expected


def test_evaluate_rows_with_one_class_omits_roc_auc(step, adult_split):
    ctx, log = step
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    scored = score(ctx, model, test_df[test_df["income"] == "<=50K"])
    metrics = evaluate(ctx, scored)
    assert "roc_auc" not in metrics and "accuracy" in metrics
    assert any(r.levelname == "WARNING" and "roc_auc is left out" in r.getMessage() for r in log.records)


def test_evaluate_needs_scores_and_label(ctx, adult_split):
    train_df, test_df = adult_split
    with pytest.raises(StepFailed, match="no scored_label column"):
        evaluate(ctx, test_df, label_column="income")
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    scored = score(ctx, model, test_df)
    with pytest.raises(StepFailed, match="label column 'salary' not found"):
        evaluate(ctx, scored, label_column="salary")


# --------------------------------------------- the same numbers from a plain script


def plain_pipeline(algorithm, numeric, categorical, seed):
    """The documented recipe, written out with scikit-learn only."""
    if algorithm == "boosted_decision_tree":
        encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan)
        preprocess = ColumnTransformer([
            ("numeric", "passthrough", numeric),
            ("categorical", encoder, categorical),
        ]).set_output(transform="pandas")
        positions = list(range(len(numeric), len(numeric) + len(categorical)))
        estimator = HistGradientBoostingClassifier(
            max_iter=40, categorical_features=positions, early_stopping=False, random_state=seed)
        return Pipeline([("preprocess", preprocess), ("model", estimator)])
    numeric_steps = [("impute", SimpleImputer(strategy="median"))]
    if algorithm == "logistic_regression":
        numeric_steps.append(("scale", StandardScaler()))
    preprocess = ColumnTransformer([
        ("numeric", Pipeline(numeric_steps), numeric),
        ("categorical", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                                  ("onehot", OneHotEncoder(handle_unknown="ignore"))]), categorical),
    ])
    estimator = {
        "logistic_regression": LogisticRegression(max_iter=1000, random_state=seed),
        "random_forest": RandomForestClassifier(n_estimators=25, random_state=seed),
    }[algorithm]
    return Pipeline([("preprocess", preprocess), ("model", estimator)])


@pytest.mark.parametrize(
    "algorithm,hyperparameters",
    [
        ("logistic_regression", {}),
        ("boosted_decision_tree", {"max_iter": 40}),
        ("random_forest", {"n_estimators": 25}),
    ],
)
def test_metrics_match_a_plain_scikit_learn_script(ctx, algorithm, hyperparameters):
    df = adult_like(400, seed=4)
    train_df, test_df = train_test_split(df, train_size=0.75, random_state=11, stratify=df["income"])
    model = train(ctx, train_df, label_column="income", algorithm=algorithm, hyperparameters=hyperparameters, seed=5)
    metrics = evaluate(ctx, score(ctx, model, test_df))

    numeric = ["age", "education-num", "hours-per-week"]
    categorical = ["workclass", "sex", "native-country"]
    pipeline = plain_pipeline(algorithm, numeric, categorical, seed=5)
    pipeline.fit(train_df[numeric + categorical], train_df["income"])
    X_test, y_test = test_df[numeric + categorical], test_df["income"]
    pred = pipeline.predict(X_test)
    proba = pipeline.predict_proba(X_test)[:, list(pipeline.classes_).index(">50K")]
    assert metrics["accuracy"] == pytest.approx(skm.accuracy_score(y_test, pred), abs=1e-12)
    assert metrics["f1"] == pytest.approx(skm.f1_score(y_test, pred, pos_label=">50K"), abs=1e-12)
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y_test == ">50K", proba), abs=1e-12)

    built = build_pipeline(algorithm, "classification", hyperparameters, 5, numeric, categorical)
    assert repr(built) == repr(pipeline)


def test_category_label_with_one_used_class(ctx):
    df = adult_like(30)
    df["income"] = pd.Categorical(["<=50K"] * 30, categories=["<=50K", ">50K"])
    with pytest.raises(StepFailed, match="has only one class"):
        train(ctx, df, label_column="income", algorithm="decision_tree")


def test_labels_unknown_to_the_model(step, adult_split):
    """Like UCI adult.test, whose labels end with a '.' ('<=50K.')."""
    ctx, log = step
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm="decision_tree")
    dotted = test_df.assign(income=test_df["income"] + ".")
    with pytest.raises(StepFailed) as exc:
        evaluate(ctx, score(ctx, model, dotted))
    assert "none of the values of 'income' is a class of the model" in str(exc.value)
    assert "'>50K.' looks like '>50K'" in str(exc.value)

    partly = test_df.copy()
    partly.iloc[:5, partly.columns.get_loc("income")] = "unknown"
    metrics = evaluate(ctx, score(ctx, model, partly))
    json.dumps(metrics, allow_nan=False)
    assert metrics["confusion_matrix"]["labels"] == ["<=50K", ">50K", "unknown"]
    assert sum(metrics["confusion_matrix"]["matrix"][2]) == 5
    assert "log_loss" not in metrics and "roc_auc" in metrics
    assert "values the model has no class for (counted as errors): 'unknown'" in log.text


def test_integer_classes_with_an_unknown_text_label(ctx):
    df = regression_frame(80, seed=6)
    df["grade"] = (df["x1"] > 0).astype(int)
    df = df.drop(columns="y")
    model = train(ctx, df, label_column="grade", algorithm="decision_tree", hyperparameters={"max_depth": 3})
    scored = score(ctx, model, df)
    scored["grade"] = scored["grade"].astype(object)
    scored.iloc[0, scored.columns.get_loc("grade")] = "n/a"
    metrics = evaluate(ctx, scored)
    assert metrics["confusion_matrix"]["labels"] == [0, 1, "n/a"]
    assert sum(map(sum, metrics["confusion_matrix"]["matrix"])) == 80
    assert sum(metrics["confusion_matrix"]["matrix"][2]) == 1
    assert metrics["accuracy"] == pytest.approx(skm.accuracy_score(
        scored["grade"].astype(str), scored["scored_label"].astype(str)))


@pytest.mark.parametrize("algorithm", [a for a, t in ALGORITHM_TASKS.items() if "classification" in t])
def test_scored_labels_are_the_models_predictions(ctx, adult_split, algorithm):
    """score_model takes the labels from the probabilities (one pass through the pipeline):
    they are what the pipeline's predict answers, ties included."""
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income", algorithm=algorithm, hyperparameters=FAST.get(algorithm, {}))
    X = test_df[model.feature_columns]
    scored = score(ctx, model, test_df)
    assert scored["scored_label"].tolist() == model.pipeline.predict(X).tolist()


def test_rows_whose_classes_tie_are_predicted_by_the_model(ctx):
    from worker.components.evaluate import predicted_classes

    # A leaf of two rows of each class: probabilities [0.5, 0.5], and scikit-learn's
    # predict says the first class; a binary model's tie may say the second (see
    # predicted_classes): the tied rows go to predict, the others come from argmax.
    df = pd.DataFrame({"x": [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 2.0], "y": ["a", "b", "a", "b", "b", "b", "b"]})
    model = train(ctx, df, label_column="y", algorithm="decision_tree", task="classification")
    X = pd.DataFrame({"x": [0.0, 2.0, 1.0]})
    probabilities = model.pipeline.predict_proba(X)
    assert probabilities[0].tolist() == [0.5, 0.5]

    class Predicts:
        """The pipeline, with predict answering "b" on tied rows (as a boosted model may)."""
        classes_ = model.pipeline.classes_

        def __init__(self) -> None:
            self.rows: list[int] = []

        def predict(self, rows: pd.DataFrame) -> np.ndarray:
            self.rows += list(rows.index)
            return np.array(["b"] * len(rows), dtype=object)

    tied = Predicts()
    assert predicted_classes(tied, X, probabilities).tolist() == ["b", "b", "b"]
    assert tied.rows == [0, 2]
    assert predicted_classes(model.pipeline, X, probabilities).tolist() == model.pipeline.predict(X).tolist()
