"""The components chained as a run would chain them, on an Adult-style file."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split

from app.components.catalog import CATALOG
from tests.components.helpers import ADULT_COLUMNS, adult_like, write_adult_file
from worker.components import IMPLEMENTATIONS


def run(ctx, name, settings, inputs):
    """As an executor would: validate the settings with the catalogue's model, call, check the ports."""
    component = CATALOG[name]
    outputs = IMPLEMENTATIONS[name](ctx, component.settings_model.model_validate(settings), inputs)
    assert set(outputs) == {port.name for port in component.outputs}
    return outputs


def test_adult_pipeline(step, store):
    ctx, log = step
    source = adult_like(500, seed=8)
    write_adult_file(source, store / "adult.data")

    data = run(ctx, "import_data", {
        "path": "datastore://default/adult.data",
        "has_header": False,
        "column_names": ADULT_COLUMNS,
        "skip_initial_space": True,
        "na_values": ["?"],
    }, {})["data"]
    data = run(ctx, "clean_missing_data", {"columns": ["workclass"], "mode": "mode"}, {"data": data})["data"]
    by_country = run(ctx, "split_data", {
        "mode": "condition",
        "condition": {"column": "native-country", "operator": "==", "value": "United-States"},
    }, {"data": data})
    assert (by_country["train"]["native-country"] == "United-States").all()
    parts = run(ctx, "split_data", {"fraction": 0.8, "seed": 1, "stratify_column": "income"}, {"data": data})
    model = run(ctx, "train_model", {
        "label_column": "income", "algorithm": "boosted_decision_tree", "hyperparameters": {"max_iter": 25},
    }, {"data": parts["train"]})["model"]
    scored = run(ctx, "score_model", {}, {"model": model, "data": parts["test"]})["scored"]
    metrics = run(ctx, "evaluate_model", {}, {"scored": scored})["metrics"]

    # The same with pandas and scikit-learn only.
    expected = source.copy()
    expected["workclass"] = expected["workclass"].fillna(expected["workclass"].mode()[0])
    train, test = train_test_split(expected, train_size=0.8, random_state=1, stratify=expected["income"])
    assert sorted(parts["test"].index) == sorted(test.index)
    assert metrics["rows"] == len(test)
    assert metrics["accuracy"] == skm.accuracy_score(test["income"], scored.loc[test.index, "scored_label"])

    # Scored rows survive a Parquet export and import, and evaluate the same.
    run(ctx, "export_data", {"path": "datastore://default/out/scored.parquet"}, {"data": scored})
    back = run(ctx, "import_data", {"path": "datastore://default/out/scored.parquet"}, {})["data"]
    assert run(ctx, "evaluate_model", {"label_column": "income"}, {"scored": back})["metrics"] == metrics
    assert np.isfinite(metrics["log_loss"]) and isinstance(metrics["confusion_matrix"]["matrix"][0][0], int)
    assert isinstance(back, pd.DataFrame)
    assert "read 500 rows x 7 columns" in log.text
