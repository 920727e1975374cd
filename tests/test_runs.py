"""Runs of drafts against a real worker: the income sample end to end, failures, cancel.
The run service's refusals are tested in process (tests/runs/test_service.py), the
executor too (tests/worker/test_executor.py)."""

from __future__ import annotations

import hashlib
import io
import time

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.samples import ADULT_COLUMNS, adult_bytes, income_pipeline, small_csv, small_pipeline


@pytest.fixture(scope="module")
def income(client_module, headers_module, worker):
    """The sample: upload the Adult data, create the pipeline, run it to the end."""
    client, headers = client_module, headers_module
    data = adult_bytes()
    put = client.put("/datastores/default/files/census/adult.data", content=data, headers=headers)
    assert put.status_code == 201, put.text
    pipeline = client.post("/pipelines", json=income_pipeline(), headers=headers)
    assert pipeline.status_code == 201, pipeline.text
    submitted = client.post(f"/pipelines/{pipeline.json()['id']}/runs", headers=headers,
                            json={"experiment": "sample"})
    assert submitted.status_code == 202, submitted.text
    run = wait_for(client, headers, submitted.json()["id"])
    return {"submitted": submitted, "run": run, "pipeline": pipeline.json(), "data": data}


@pytest.fixture(scope="module")
def client_module(api):
    import httpx

    with httpx.Client(base_url=api.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def headers_module(client_module, make_user):
    return bearer(password_token(client_module, make_user(workspace="income-sample", admin=True)))


def plain_scikit_learn(data: bytes) -> dict:
    """The same experiment as examples/income-prediction/pipeline.json, without Retrainer."""
    df = pd.read_csv(io.BytesIO(data), header=None, names=ADULT_COLUMNS, sep=",",
                     skipinitialspace=True, na_values=["?"])
    for column in ["workclass", "occupation", "native-country"]:
        df[column] = df[column].fillna(df[column].mode().iloc[0])
    train, test = train_test_split(df, train_size=0.8, random_state=0, shuffle=True, stratify=df["income"])
    features = [c for c in ADULT_COLUMNS if c != "income"]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(df[c])]
    categorical = [c for c in features if c not in numeric]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                             encoded_missing_value=np.nan)
    model = Pipeline([
        ("preprocess", ColumnTransformer([("numeric", "passthrough", numeric),
                                          ("categorical", encoder, categorical)])),
        ("model", HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100, early_stopping=False,
                                                 random_state=0,
                                                 categorical_features=list(range(len(numeric), len(features))))),
    ])
    model.fit(train[features], train["income"])
    proba = model.predict_proba(test[features])
    positive = list(model.classes_).index(">50K")
    return {"roc_auc": roc_auc_score(test["income"] == ">50K", proba[:, positive]),
            "accuracy": accuracy_score(test["income"], model.predict(test[features])),
            "log_loss": log_loss(test["income"], proba, labels=model.classes_),
            "rows": len(test)}


def test_sample_run_is_accepted_and_recorded(income):
    submitted = income["submitted"]
    body = submitted.json()
    assert submitted.headers["location"] == f"/runs/{body['id']}"
    assert body["status"] in ("queued", "running", "succeeded")
    assert body["parameters"] == {"data_path": "datastore://default/census/adult.data", "learning_rate": 0.1}
    assert body["pipeline_digest"] == income["pipeline"]["digest"]
    assert [s["name"] for s in body["steps"]] == ["import", "clean", "split", "train", "score", "evaluate"]


def test_sample_run_succeeds_with_every_step_recorded(income):
    run = income["run"]
    assert run["status"] == "succeeded", run
    assert run["error"] is None and run["experiment"] == "sample"
    assert run["started_at"] >= run["created_at"] and run["finished_at"] >= run["started_at"]
    for step in run["steps"]:
        assert step["status"] == "succeeded" and step["started_at"] and step["finished_at"]
        assert step["reused_from"] is None
    evaluate = run["steps"][-1]
    assert evaluate["metrics"] == run["metrics"]
    assert run["model"] == {"name": "income-prediction", "version": 1}


def test_sample_metrics_equal_plain_scikit_learn(income):
    expected = plain_scikit_learn(income["data"])
    metrics = income["run"]["metrics"]
    assert metrics["rows"] == expected["rows"]
    assert metrics["roc_auc"] == pytest.approx(expected["roc_auc"], abs=1e-12)
    assert metrics["accuracy"] == pytest.approx(expected["accuracy"], abs=1e-12)
    assert metrics["log_loss"] == pytest.approx(expected["log_loss"], abs=1e-9)
    assert metrics["roc_auc"] > 0.9


def test_outputs_are_listed_with_sha256_and_downloadable(income, client_module, headers_module):
    run_id = income["run"]["id"]
    outputs = client_module.get(f"/runs/{run_id}/outputs", headers=headers_module).json()["items"]
    by_key = {(o["step"], o["port"]): o for o in outputs}
    assert by_key[("train", "model")]["type"] == "model"
    assert by_key[("split", "train")]["type"] == "dataset"
    assert by_key[("evaluate", "metrics")]["type"] == "metrics"
    scored = client_module.get(by_key[("score", "scored")]["url"], headers=headers_module)
    assert scored.status_code == 200
    assert hashlib.sha256(scored.content).hexdigest() == by_key[("score", "scored")]["sha256"]
    frame = pd.read_parquet(io.BytesIO(scored.content))
    assert "scored_label" in frame.columns and "scored_probability_>50K" in frame.columns
    metrics = client_module.get(by_key[("evaluate", "metrics")]["url"], headers=headers_module).json()
    assert metrics["roc_auc"] == income["run"]["metrics"]["roc_auc"]


def test_downloaded_model_scores_raw_test_rows(income, client_module, headers_module):
    response = client_module.get("/models/income-prediction/versions/1/download", headers=headers_module)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == response.headers["x-content-sha256"]
    model = joblib.load(io.BytesIO(response.content))
    test = pd.read_csv(io.BytesIO(adult_bytes("adult.test")), header=None, names=ADULT_COLUMNS,
                       skipinitialspace=True, na_values=["?"])
    truth = test.pop("income").str.rstrip(".")  # adult.test labels end in a period
    predicted = model.predict(test)
    assert accuracy_score(truth, predicted) > 0.85


def test_model_version_has_its_lineage(income, client_module, headers_module):
    version = client_module.get("/models/income-prediction/versions/1", headers=headers_module).json()
    lineage = version["lineage"]
    assert lineage["run_id"] == income["run"]["id"]
    assert lineage["pipeline_digest"] == income["pipeline"]["digest"]
    assert lineage["parameters"]["data_path"] == "datastore://default/census/adult.data"
    assert lineage["data"] == [{"step": "import", "path": "datastore://default/census/adult.data",
                                "sha256": hashlib.sha256(income["data"]).hexdigest(),
                                "size": len(income["data"])}]
    assert version["metrics"]["roc_auc"] == income["run"]["metrics"]["roc_auc"]
    assert version["algorithm"] == "boosted_decision_tree" and version["label_column"] == "income"
    assert version["classes"] == ["<=50K", ">50K"]
    assert "scikit-learn" in version["library_versions"] and "pandas" in version["library_versions"]
    listed = client_module.get("/models", headers=headers_module).json()["items"]
    assert {
        k: listed[0][k] for k in ("name", "latest_version", "versions")} == {"name": "income-prediction", "latest_version": 1, "versions": 1}


def test_step_logs_are_text(income, client_module, headers_module):
    run_id = income["run"]["id"]
    log = client_module.get(f"/runs/{run_id}/steps/import/logs", headers=headers_module)
    assert log.status_code == 200 and log.headers["content-type"].startswith("text/plain")
    assert "census/adult.data" in log.text
    assert client_module.get(f"/runs/{run_id}/steps/nope/logs", headers=headers_module).status_code == 404


def test_runs_are_listed_and_filtered(income, client_module, headers_module):
    listed = client_module.get("/runs?experiment=sample", headers=headers_module).json()["items"]
    assert [r["id"] for r in listed] == [income["run"]["id"]]
    assert client_module.get("/runs?status=failed&experiment=sample", headers=headers_module).json()["items"] == []
    bad = client_module.get("/runs?status=sideways", headers=headers_module)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "status"]


def test_run_of_another_workspace_is_404(income, client_module, make_user):
    other = bearer(password_token(client_module, make_user(workspace="nosy")))
    run_id = income["run"]["id"]
    assert client_module.get(f"/runs/{run_id}", headers=other).status_code == 404
    assert client_module.get(f"/runs/{run_id}/outputs", headers=other).status_code == 404
    assert client_module.get("/models/income-prediction/versions/1", headers=other).status_code == 404


# Bad requests and failing runs ----------------------------------------------------------


def _small(client, headers, **kwargs) -> dict:
    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers)
    created = client.post("/pipelines", json=small_pipeline(**kwargs), headers=headers)
    assert created.status_code == 201, created.text
    return created.json()






def test_failing_step_names_itself_and_the_cause(client, admin_headers, worker):
    pipeline = _small(client, admin_headers, label="income")
    submitted = client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin_headers, json={})
    assert submitted.status_code == 202
    run = wait_for(client, admin_headers, submitted.json()["id"])
    assert run["status"] == "failed"
    assert run["error"]["step"] == "train"
    assert "label column 'income' not found" in run["error"]["message"]
    assert "x1" in run["error"]["message"] and "color" in run["error"]["message"]
    statuses = {s["name"]: s["status"] for s in run["steps"]}
    assert statuses == {"import": "succeeded", "split": "succeeded", "train": "failed",
                        "score": "skipped", "evaluate": "skipped"}
    assert "Traceback" not in str(run)
    log = client.get(f"/runs/{run['id']}/steps/train/logs", headers=admin_headers).text
    assert "label column 'income' not found" in log
    assert run["model"] is None








# Cancel -----------------------------------------------------------------------------------


def test_cancel_a_running_run_stops_it(client, admin_headers, worker):
    client.put("/datastores/default/files/census/adult.data", content=adult_bytes(), headers=admin_headers)
    body = income_pipeline()
    body["name"] = "slow-income"
    # Thousands of boosting iterations without early stopping on 26k rows: minutes of work.
    body["steps"]["train"]["settings"]["hyperparameters"] = {"learning_rate": 0.001, "max_iter": 5000,
                                                             "max_leaf_nodes": 255, "min_samples_leaf": 1}
    pipeline = client.post("/pipelines", json=body, headers=admin_headers).json()
    run_id = client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin_headers, json={}).json()["id"]
    deadline = time.monotonic() + 120
    while True:
        run = client.get(f"/runs/{run_id}", headers=admin_headers).json()
        if {s["name"]: s["status"] for s in run["steps"]}["train"] == "running":
            break
        assert run["status"] in ("queued", "running") and time.monotonic() < deadline, run
        time.sleep(0.2)
    canceled = client.post(f"/runs/{run_id}/cancel", headers=admin_headers)
    assert canceled.status_code == 200
    assert canceled.json()["status"] == "canceled"
    steps = {s["name"]: s["status"] for s in canceled.json()["steps"]}
    assert steps["train"] == "canceled" and steps["evaluate"] == "canceled"
    # The worker is free again: the fit was stopped, so a small run finishes now.
    small = _small(client, admin_headers)
    after = wait_for(client, admin_headers,
                     client.post(f"/pipelines/{small['id']}/runs", headers=admin_headers, json={}).json()["id"],
                     timeout=120)
    assert after["status"] == "succeeded"
    final = client.get(f"/runs/{run_id}", headers=admin_headers).json()
    assert final["status"] == "canceled" and final["model"] is None
    again = client.post(f"/runs/{run_id}/cancel", headers=admin_headers)
    assert again.status_code == 200 and again.json()["status"] == "canceled"




def test_prepare_us_and_non_us_data_sets(client, admin_headers, worker):
    """examples/income-prediction/prepare.json: a condition split and two exports, whose
    files a training pipeline can then read (the retraining story's two data sets)."""
    import json

    from tests.helpers.samples import EXAMPLE

    client.put("/datastores/default/files/census/adult.data", content=adult_bytes(), headers=admin_headers)
    pipeline = client.post("/pipelines", json=json.loads((EXAMPLE / "prepare.json").read_text()),
                           headers=admin_headers)
    assert pipeline.status_code == 201, pipeline.text
    run = wait_for(client, admin_headers, client.post(f"/pipelines/{pipeline.json()['id']}/runs",
                                                      headers=admin_headers, json={}).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    us = pd.read_csv(io.BytesIO(client.get("/datastores/default/files/census/us.csv", headers=admin_headers).content))
    non_us = pd.read_csv(io.BytesIO(client.get("/datastores/default/files/census/non-us.csv",
                                               headers=admin_headers).content))
    assert len(us) == 29170 and set(us["native-country"]) == {"United-States"}
    assert len(non_us) == 32561 - 29170 and "United-States" not in set(non_us["native-country"].dropna())
    assert list(us.columns) == ADULT_COLUMNS

    # The training pipeline reads the exported CSV (with a header) through its parameter.
    body = income_pipeline()
    body["steps"]["import"]["settings"] = {"path": "${{parameters.data_path}}"}
    trained = client.post("/pipelines", json=body, headers=admin_headers).json()
    run = wait_for(client, admin_headers, client.post(
        f"/pipelines/{trained['id']}/runs", headers=admin_headers,
        json={"parameters": {"data_path": "datastore://default/census/non-us.csv"}}).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    assert run["parameters"]["data_path"] == "datastore://default/census/non-us.csv"
    assert run["metrics"]["rows"] == len(non_us) - int(len(non_us) * 0.8)  # train_test_split floors train
