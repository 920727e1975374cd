"""Score the UCI Adult test rows with a model downloaded from Retrainer.

    python examples/income-prediction/score.py model.joblib SHA256 examples/income-prediction/data/adult.test.gz

The model is a plain scikit-learn Pipeline that takes raw rows; its sha256 is
checked against the one Retrainer reported before it is unpickled.
"""

from __future__ import annotations

import hashlib
import sys

import joblib
import pandas as pd
from sklearn.metrics import accuracy_score

COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
           "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
           "native-country", "income"]


def main(model_path: str, expected_sha256: str, test_path: str) -> None:
    with open(model_path, "rb") as handle:
        actual = hashlib.sha256(handle.read()).hexdigest()
    if actual != expected_sha256:
        sys.exit(f"{model_path}: sha256 {actual} is not the expected {expected_sha256}; not loading it")
    model = joblib.load(model_path)
    rows = pd.read_csv(test_path, header=None, names=COLUMNS, skipinitialspace=True, na_values=["?"])
    truth = rows.pop("income").str.rstrip(".")  # adult.test labels end in a period
    predicted = model.predict(rows)
    print(f"scored {len(rows)} rows of {test_path}: accuracy {accuracy_score(truth, predicted):.4f}")
    print(pd.DataFrame({"predicted": predicted[:5], "actual": truth[:5]}).to_string(index=False))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
