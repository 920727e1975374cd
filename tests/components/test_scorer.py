"""The deployments' compiled scorer answers exactly as the model it was built from, or is
not used: what a user of a deployment checks is that predictions equal the model's own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.deployments import scorer
from app.deployments.serving import input_schema
from tests.components.helpers import adult_like, regression_frame
from tests.components.test_boosted_trees import many_valued, train


def table_of(df: pd.DataFrame, schema: list[dict[str, str]]) -> dict[str, np.ndarray]:
    return {c["name"]: df[c["name"]].to_numpy(dtype="float64" if c["kind"] == "number" else object)
            for c in schema}


def built(model) -> tuple[object, list[dict[str, str]]]:
    schema = input_schema(model.metadata())
    return scorer.build(model.pipeline, schema, model.task), schema


def test_boosted_trees_are_compiled_and_answer_as_the_model(ctx):
    df = adult_like(800, seed=4)
    model = train(ctx, df.iloc[:600], label_column="income")
    compiled, schema = built(model)
    assert compiled.compiled
    rows = df.iloc[600:].copy()
    rows.iloc[:5, rows.columns.get_loc("workclass")] = "Astronaut"  # unseen
    rows.iloc[5:10, rows.columns.get_loc("workclass")] = None  # missing
    rows.iloc[10:15, rows.columns.get_loc("age")] = np.nan
    expected = model.pipeline.predict_proba(rows[model.feature_columns])
    for size in (1, 7, 200):  # one row, a few (dictionaries) and a batch (vectorised)
        table = table_of(rows.iloc[:size], schema)
        assert np.array_equal(compiled.proba(table), expected[:size])
        assert list(compiled.predict(table)) == list(model.pipeline.predict(rows.iloc[:size][model.feature_columns]))


def test_a_boosted_regression_is_compiled_too(ctx):
    df = regression_frame(300, seed=5)
    model = train(ctx, df.iloc[:200], label_column="y")
    compiled, schema = built(model)
    assert compiled.compiled
    rows = df.iloc[200:]
    assert np.allclose(compiled.predict(table_of(rows, schema)), model.pipeline.predict(rows[model.feature_columns]),
                       rtol=0, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["logistic_regression", "random_forest"])
def test_other_learners_use_scikit_learns_path(ctx, algorithm):
    df = adult_like(300, seed=6)
    model = train(ctx, df.iloc[:200], label_column="income", algorithm=algorithm, hyperparameters={})
    plain, schema = built(model)
    assert not plain.compiled
    rows = df.iloc[200:]
    assert np.array_equal(plain.proba(table_of(rows, schema)), model.pipeline.predict_proba(rows[model.feature_columns]))


def test_many_valued_columns_grouped_by_frequency_use_scikit_learns_path(step):
    ctx, _ = step
    df = many_valued(1200, distinct=400)
    model = train(ctx, df.iloc[:900], label_column="bought")
    chosen, schema = built(model)
    assert not chosen.compiled  # infrequent categories share a code: not compiled
    rows = df.iloc[900:]
    assert np.array_equal(chosen.proba(table_of(rows, schema)), model.pipeline.predict_proba(rows[model.feature_columns]))


def test_a_compiled_scorer_that_disagrees_with_the_model_is_not_used(ctx, monkeypatch):
    df = adult_like(300, seed=7)
    model = train(ctx, df.iloc[:200], label_column="income")
    real = scorer.CompiledTreesScorer.proba
    monkeypatch.setattr(scorer.CompiledTreesScorer, "proba", lambda self, table: real(self, table)[:, ::-1])
    chosen, _ = built(model)
    assert not chosen.compiled
