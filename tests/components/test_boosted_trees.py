"""boosted_decision_tree: HistGradientBoosting's native categories inside the saved Pipeline.

What a user of the model checks: rows with new categories, missing values or a column
with thousands of values still score; the downloaded pipeline scores raw rows; and on
the income-prediction sample the model is as good as an expert's.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.preprocessing import OneHotEncoder

from app.components.catalog import CATALOG
from app.components.settings import (
    EvaluateModelSettings,
    ScoreModelSettings,
    TrainModelSettings,
)
from tests.components.helpers import adult_like, regression_frame
from worker.components import IMPLEMENTATIONS
from worker.components.evaluate import evaluate_model, score_model
from worker.components.train import MAX_NATIVE_CATEGORIES, train_model

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "income-prediction"
PROBABILITIES = ["scored_probability_<=50K", "scored_probability_>50K"]


def train(ctx, df, **settings):
    settings.setdefault("algorithm", "boosted_decision_tree")
    settings.setdefault("hyperparameters", {"max_iter": 30})
    return train_model(ctx, TrainModelSettings(**settings), {"data": df})["model"]


def score(ctx, model, df):
    return score_model(ctx, ScoreModelSettings(), {"model": model, "data": df})["scored"]


def encoders(model):
    return [type(t).__name__ for _, t, _ in model.pipeline.named_steps["preprocess"].transformers_ if t != "drop"]


@pytest.fixture(scope="module")
def adult_split():
    df = adult_like(600, seed=2)
    return df.iloc[:450], df.iloc[450:]


def test_categories_are_native_not_one_hot(ctx, adult_split):
    train_df, _ = adult_split
    model = train(ctx, train_df, label_column="income")
    assert not any(isinstance(t, OneHotEncoder) for _, t, _ in model.pipeline.named_steps["preprocess"].transformers_)
    estimator = model.pipeline.named_steps["model"]
    # age, education-num, hours-per-week numeric; workclass, sex, native-country categories
    assert estimator.is_categorical_.tolist() == [False, False, False, True, True, True]
    assert model.categorical_columns == ["workclass", "sex", "native-country"]
    assert estimator.n_iter_ == 30  # max_iter trees: no early stopping


def test_unseen_categories_score_as_missing(ctx, adult_split):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income")
    rows = test_df.head(20)
    novel = rows.assign(workclass="Never-worked", **{"native-country": "Atlantis"})
    missing = rows.assign(workclass=np.nan, **{"native-country": np.nan})
    scored, as_missing = score(ctx, model, novel), score(ctx, model, missing)
    assert scored["scored_label"].isin(["<=50K", ">50K"]).all()
    np.testing.assert_allclose(scored[PROBABILITIES].sum(axis=1), 1.0)
    np.testing.assert_array_equal(scored[PROBABILITIES], as_missing[PROBABILITIES])


def test_missing_values_in_every_feature_score(ctx, adult_split):
    train_df, test_df = adult_split
    train_df = train_df.copy()
    train_df.loc[train_df.index[::9], "age"] = np.nan
    model = train(ctx, train_df, label_column="income")
    holes = test_df.head(6).copy().astype({"age": float, "hours-per-week": float, "education-num": float})
    holes.loc[:, ["age", "hours-per-week", "education-num"]] = np.nan
    holes.loc[:, ["workclass", "sex", "native-country"]] = None
    scored = score(ctx, model, holes)
    assert scored["scored_label"].isin(["<=50K", ">50K"]).all()
    assert np.isfinite(scored[PROBABILITIES].to_numpy()).all()


def test_nullable_and_boolean_columns(ctx):
    df = regression_frame(200, seed=3)
    df["count"] = pd.array(np.arange(200) % 7, dtype="Int64")
    df.loc[::6, "count"] = pd.NA
    df["flag"] = pd.Series(df["x1"] > 0, dtype=object).where(df.index % 5 != 0, None)
    df["nothing"] = np.nan  # no value in training: ignored
    model = train(ctx, df.iloc[:150], label_column="y", hyperparameters={"max_iter": 40})
    assert model.task == "regression"
    assert model.categorical_columns == ["color", "flag"]
    scored = score(ctx, model, df.iloc[150:])
    assert scored["scored_label"].notna().all()
    metrics = evaluate_model(ctx, EvaluateModelSettings(), {"scored": scored})["metrics"]
    assert metrics["r2"] > 0.5, metrics


def many_valued(n: int, distinct: int, seed: int = 0) -> pd.DataFrame:
    """A 'shop' column with `distinct` values, the first 20 frequent and telling of the label."""
    rng = np.random.default_rng(seed)
    frequent = rng.integers(0, 20, n)
    rare = rng.integers(20, distinct, n)
    codes = np.where(rng.random(n) < 0.6, frequent, rare)
    codes[:distinct] = np.arange(distinct)  # every value present
    shop = np.array([f"shop-{c:05d}" for c in codes], dtype=object)
    noise = rng.normal(0, 0.3, n)
    label = np.where((codes < 20) & (codes % 2 == 0) | (noise > 0.45), "yes", "no")
    return pd.DataFrame({"shop": shop, "size": rng.normal(0, 1, n), "bought": label})


def test_a_column_with_more_categories_than_max_bins(step):
    ctx, log = step
    df = many_valued(4000, distinct=1500)
    model = train(ctx, df.iloc[:3000], label_column="bought", hyperparameters={"max_iter": 40})
    assert f"feature 'shop' has 1500 distinct values (> {MAX_NATIVE_CATEGORIES})" in log.text
    grouped = model.pipeline.named_steps["preprocess"].named_transformers_["categorical_grouped"]
    assert grouped.max_categories == MAX_NATIVE_CATEGORIES
    assert model.categorical_columns == ["shop"]
    test_df = df.iloc[3000:].copy()
    test_df.iloc[:10, 0] = "shop-new"  # unseen
    scored = score(ctx, model, test_df)
    metrics = evaluate_model(ctx, EvaluateModelSettings(), {"scored": scored})["metrics"]
    assert metrics["accuracy"] > 0.8, metrics  # the frequent shops are learnt


def test_max_bins_categories_stay_one_code_each(step):
    ctx, log = step
    df = many_valued(2000, distinct=MAX_NATIVE_CATEGORIES)
    model = train(ctx, df, label_column="bought", hyperparameters={"max_iter": 5})
    preprocess = model.pipeline.named_steps["preprocess"].named_transformers_
    assert "categorical_grouped" not in preprocess
    assert len(preprocess["categorical"].categories_[0]) == MAX_NATIVE_CATEGORIES
    assert "distinct values" not in log.text


def test_saved_pipeline_scores_raw_rows_after_joblib(ctx, adult_split, tmp_path):
    train_df, test_df = adult_split
    model = train(ctx, train_df, label_column="income")
    joblib.dump(model.pipeline, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    raw = test_df.drop(columns="income").copy()
    raw.iloc[0, raw.columns.get_loc("native-country")] = "Atlantis"
    raw["sex"] = raw["sex"].astype("category")  # another dtype than in training
    raw["age"] = pd.array(raw["age"], dtype="Int64")
    raw.iloc[1, raw.columns.get_loc("age")] = pd.NA
    assert raw["workclass"].isna().any()
    scored = score(ctx, model, test_df.assign(**{c: raw[c] for c in raw.columns}))
    assert loaded.predict(raw).tolist() == scored["scored_label"].tolist()
    np.testing.assert_allclose(loaded.predict_proba(raw), scored[PROBABILITIES])


# ------------------------------------------------------------------- the Adult sample


def run(ctx, name, settings, inputs):
    component = CATALOG[name]
    return IMPLEMENTATIONS[name](ctx, component.settings_model.model_validate(settings), inputs)


def test_adult_sample_reaches_expert_roc_auc(ctx, store):
    """examples/income-prediction/pipeline.json's steps, on the whole UCI Adult training file."""
    (store / "census").mkdir()
    (store / "census" / "adult.data").write_bytes(gzip.decompress((EXAMPLE / "data" / "adult.data.gz").read_bytes()))
    steps = json.loads((EXAMPLE / "pipeline.json").read_text())["steps"]
    settings = {name: step.get("settings", {}) for name, step in steps.items()}
    settings["import"]["path"] = "datastore://default/census/adult.data"
    settings["train"]["hyperparameters"]["learning_rate"] = 0.1  # the parameter's default

    data = run(ctx, "import_data", settings["import"], {})["data"]
    data = run(ctx, "clean_missing_data", settings["clean"], {"data": data})["data"]
    parts = run(ctx, "split_data", settings["split"], {"data": data})
    model = run(ctx, "train_model", settings["train"], {"data": parts["train"]})["model"]
    scored = run(ctx, "score_model", {}, {"model": model, "data": parts["test"]})["scored"]
    metrics = run(ctx, "evaluate_model", {}, {"scored": scored})["metrics"]

    assert len(parts["train"]) == 26048 and metrics["rows"] == 6513
    assert model.pipeline.named_steps["model"].is_categorical_.sum() == 8
    assert metrics["roc_auc"] >= 0.925, metrics
    truth = parts["test"]["income"] == ">50K"
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(truth, scored["scored_probability_>50K"]))
