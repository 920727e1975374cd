"""Orchestration overhead: a Retrainer run against its floors, measured in the same run.

    .venv/bin/python bench/overhead.py [--repeat 5]

Starts `retrainer up` on the embedded default in a temporary data directory and
measures, each `--repeat` times (the median is reported):

- sklearn: the income-prediction experiment as a plain in-process scikit-learn
  script (read CSV, fill, split, fit, score, metrics): the compute floor;
- celery: a bare round trip API -> Redis -> worker -> database (POST /worker-checks
  until it is done): the queueing floor;
- retrainer: POST /pipelines/<id>/runs of examples/income-prediction/pipeline.json
  until the run succeeded (long-poll), with regenerate=true so nothing is reused;
- reused: the same run again without regenerate (every step reused).

It prints the timings and the ratio retrainer / (sklearn + celery). No assertion:
speed is reported, not asserted.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "income-prediction"
COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
           "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
           "native-country", "income"]


def plain_sklearn(data: bytes) -> float:
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    started = time.perf_counter()
    df = pd.read_csv(io.BytesIO(data), header=None, names=COLUMNS, skipinitialspace=True, na_values=["?"])
    for column in ["workclass", "occupation", "native-country"]:
        df[column] = df[column].fillna(df[column].mode().iloc[0])
    train, test = train_test_split(df, train_size=0.8, random_state=0, stratify=df["income"])
    features = COLUMNS[:-1]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(df[c])]
    categorical = [c for c in features if c not in numeric]
    model = Pipeline([
        ("preprocess", ColumnTransformer([
            ("numeric", Pipeline([("impute", SimpleImputer(strategy="median"))]), numeric),
            ("categorical", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                                      ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]),
             categorical)])),
        ("model", HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100, random_state=0))])
    model.fit(train[features], train["income"])
    proba = model.predict_proba(test[features])[:, 1]
    roc_auc_score(test["income"] == ">50K", proba)
    accuracy_score(test["income"], model.predict(test[features]))
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_run(client: httpx.Client, headers: dict, run_id: str) -> dict:
    while True:
        run = client.get(f"/runs/{run_id}?wait=60", headers=headers).json()
        if run["status"] in ("succeeded", "failed", "canceled"):
            return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = gzip.decompress((EXAMPLE / "data" / "adult.data.gz").read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
        env.update(RETRAINER_DATA_DIR=tmp, RETRAINER_PORT=str(port), RETRAINER_LOG_LEVEL="WARNING")
        up = subprocess.Popen([sys.executable, "-m", "app.cli", "up"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              start_new_session=True)
        try:
            for line in up.stdout:
                if "Press Ctrl-C" in line:
                    break
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, timeout=120) as client:
                password = (Path(tmp) / "admin-password").read_text().strip()
                token = client.post("/oauth/token", data={"grant_type": "password", "username": "admin",
                                                          "password": password}).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                client.put("/datastores/default/files/census/adult.data", content=data, headers=headers)
                pipeline = client.post("/pipelines", headers=headers,
                                       json=json.loads((EXAMPLE / "pipeline.json").read_text())).json()
                wait_run(client, headers, client.post(f"/pipelines/{pipeline['id']}/runs", headers=headers,
                                                      json={}).json()["id"])  # warm the worker child
                timings: dict[str, list[float]] = {"sklearn": [], "celery": [], "retrainer": [], "reused": []}
                for _ in range(args.repeat):
                    timings["sklearn"].append(plain_sklearn(data))
                    started = time.perf_counter()
                    check = client.post("/worker-checks", headers=headers).json()
                    while check["status"] != "succeeded":
                        time.sleep(0.005)
                        check = client.get(f"/worker-checks/{check['id']}", headers=headers).json()
                    timings["celery"].append(time.perf_counter() - started)
                    for kind, body in (("retrainer", {"regenerate": True}), ("reused", {})):
                        started = time.perf_counter()
                        run = wait_run(client, headers, client.post(f"/pipelines/{pipeline['id']}/runs",
                                                                    headers=headers, json=body).json()["id"])
                        timings[kind].append(time.perf_counter() - started)
                        assert run["status"] == "succeeded", run["error"]
        finally:
            os.killpg(up.pid, signal.SIGINT)
            up.wait(60)
    median = {k: statistics.median(v) for k, v in timings.items()}
    floor = median["sklearn"] + median["celery"]
    print(f"repeats: {args.repeat}, cores: {os.cpu_count()}")
    for kind, value in median.items():
        print(f"{kind:>10}: {value * 1000:8.1f} ms (median)")
    print(f"retrainer / (sklearn + celery) = {median['retrainer'] / floor:.2f}")
    print(f"overhead over the floors: {(median['retrainer'] - floor) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
