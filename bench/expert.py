"""F1: the income-prediction experiment as an expert's plain script, in a warm process.

The same model setup as train_model's boosted_decision_tree (native categories,
ordinal-encoded inside the saved Pipeline), written with pandas and scikit-learn only:
read the CSV, fill the missing values, split, fit, score, compute the metrics and save
the model. `python -m bench.expert --threads N` serves it: one JSON request per line
on stdin ({"path": ..., "threads": N or null}), one JSON answer per line on stdout, so the process stays
warm and its peak memory is its own (bench.floors drives it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

from bench.data import COLUMNS
from bench.memory import peak_rss_kb, reset_peak

CLEANED = ["workclass", "occupation", "native-country"]


def experiment(path: str) -> dict[str, Any]:
    """What an expert would run on the file at `path`; returns its metrics."""
    df = pd.read_csv(path, header=None, names=COLUMNS, skipinitialspace=True, na_values=["?"])
    for column in CLEANED:
        df[column] = df[column].fillna(df[column].mode().iloc[0])
    train, test = train_test_split(df, train_size=0.8, random_state=0, stratify=df["income"])
    features = COLUMNS[:-1]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(df[c])]
    categorical = [c for c in features if c not in numeric]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                             encoded_missing_value=np.nan)
    model = Pipeline([
        ("preprocess", ColumnTransformer([("numeric", "passthrough", numeric),
                                          ("categorical", encoder, categorical)])),
        ("model", HistGradientBoostingClassifier(
            learning_rate=0.1, max_iter=100, early_stopping=False, random_state=0,
            categorical_features=list(range(len(numeric), len(features))))),
    ])
    model.fit(train[features], train["income"])
    proba = model.predict_proba(test[features])[:, list(model.classes_).index(">50K")]
    metrics = {"roc_auc": float(roc_auc_score(test["income"] == ">50K", proba)),
               "accuracy": float(accuracy_score(test["income"], model.predict(test[features]))),
               "rows": len(test)}
    with tempfile.TemporaryDirectory() as tmp:
        joblib.dump(model, Path(tmp) / "model.joblib")
    return metrics


def serve(threads: int) -> None:
    for line in sys.stdin:
        request = json.loads(line)
        reset = reset_peak(os.getpid())
        with threadpool_limits(limits=request.get("threads") or threads):
            started = time.perf_counter()
            metrics = experiment(request["path"])
            seconds = time.perf_counter() - started
        answer = {"seconds": seconds, "metrics": metrics, "peak_rss_kb": peak_rss_kb(os.getpid()),
                  "peak_reset": reset}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    serve(parser.parse_args().threads)


if __name__ == "__main__":
    main()
