"""Pipeline bodies and data shared by the pipeline and run tests."""

from __future__ import annotations

import copy
import gzip
import json

from tests.helpers.processes import ROOT

EXAMPLE = ROOT / "examples" / "income-prediction"
ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
                 "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
                 "hours-per-week", "native-country", "income"]


def income_pipeline() -> dict:
    return json.loads((EXAMPLE / "pipeline.json").read_text())


def adult_bytes(name: str = "adult.data") -> bytes:
    return gzip.decompress((EXAMPLE / "data" / f"{name}.gz").read_bytes())


def small_pipeline(path: str = "datastore://default/small/train.csv", label: str = "y",
                   algorithm: str = "logistic_regression") -> dict:
    return {
        "name": "small",
        "parameters": {"data_path": {"type": "data_path", "default": path}},
        "steps": {
            "import": {"component": "import_data", "settings": {"path": "${{parameters.data_path}}"}},
            "split": {"component": "split_data", "inputs": {"data": "import.data"},
                      "settings": {"fraction": 0.5, "seed": 1}},
            "train": {"component": "train_model", "inputs": {"data": "split.train"},
                      "settings": {"label_column": label, "algorithm": algorithm}},
            "score": {"component": "score_model", "inputs": {"model": "train.model", "data": "split.test"}},
            "evaluate": {"component": "evaluate_model", "inputs": {"scored": "score.scored"}},
        },
    }


def small_csv(rows: int = 60) -> bytes:
    lines = ["x1,x2,color,y"]
    for i in range(rows):
        lines.append(f"{i % 7},{(i * 3) % 11},{'red' if i % 3 else 'blue'},{'yes' if (i % 7) > 3 else 'no'}")
    return ("\n".join(lines) + "\n").encode()


def variant(body: dict, **changes) -> dict:
    out = copy.deepcopy(body)
    out.update(changes)
    return out
