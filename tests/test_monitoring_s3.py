"""Monitoring on an S3 artifact store (the session's SeaweedFS): predictions logged as
Parquet in the bucket, drift read back from it, feedback found in it. An API and a worker
of their own (their own queue) whose RETRAINER_ARTIFACT_URL is the bucket."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sklearn import metrics as skm

from app.storage.registry import artifact_store
from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.backends import Backend
from tests.helpers.processes import Server, Worker, start_api, start_worker, stop_process
from tests.helpers.samples import small_csv, small_pipeline
from tests.helpers.seaweed import SeaweedFS

BUCKET = "monitoring"


@pytest.fixture(scope="module")
def stack(backend: Backend, seaweed: SeaweedFS, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Server, Worker]]:
    seaweed.create_bucket(BUCKET)
    logs = tmp_path_factory.mktemp("monitoring-s3-logs")
    env = {"RETRAINER_ARTIFACT_URL": f"s3://{BUCKET}/svc", "RETRAINER_S3_ENDPOINT_URL": seaweed.endpoint,
           "RETRAINER_QUEUE": "mon-s3-" + secrets.token_hex(3), "RETRAINER_PREDICTION_LOG_FLUSH_SECONDS": "1",
           **seaweed.env()}
    server = start_api(backend, logs / "api.log", **env)
    worker = start_worker(backend, logs / "worker.log", **env)
    try:
        yield server, worker
    finally:
        stop_process(worker.process, timeout=30)
        stop_process(server.process)


def _rows(count: int) -> list[dict[str, Any]]:
    return [{"x1": i % 7, "x2": (i * 3) % 11, "color": "red" if i % 3 else "blue"} for i in range(count)]


def test_predictions_logged_to_s3_give_drift_and_live_metrics(stack, seaweed, make_user, backend, monkeypatch):
    server, _ = stack
    with httpx.Client(base_url=server.url, timeout=60) as client:
        headers = bearer(password_token(client, make_user(workspace="mon-s3-" + secrets.token_hex(3), admin=True)))
        assert client.put("/datastores/default/files/small/train.csv", content=small_csv(400),
                          headers=headers).status_code == 201
        pipeline = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
        run = client.post(f"/pipelines/{pipeline['id']}/runs", headers=headers, json={}).json()
        done = wait_for(client, headers, run["id"])
        assert done["status"] == "succeeded", done["error"]
        model = done["model"]["name"]
        name = "s3-" + secrets.token_hex(2)
        assert client.post("/deployments", headers=headers, json={
            "name": name, "model": model, "version": 1, "monitor": {"check_every_seconds": None}}).status_code == 201
        rows = _rows(300)
        answer = client.post(f"/deployments/{name}/predict", headers=headers, json={"rows": rows})
        assert answer.status_code == 200, answer.text
        ids, predicted = answer.json()["prediction_ids"], answer.json()["predictions"]

        deadline = time.monotonic() + 120
        while True:
            drift = client.get(f"/deployments/{name}/drift", headers=headers, params={"window": "PT1H"}).json()
            if drift["rows"] >= len(rows) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert drift["rows"] == len(rows) and drift["enough_rows"] and not drift["drifted"], drift
        for variable, value in seaweed.env().items():
            monkeypatch.setenv(variable, value)
        store = artifact_store(backend.settings(artifact_url=f"s3://{BUCKET}/svc", s3_endpoint_url=seaweed.endpoint))
        keys = [o.key for o in store.list(None, None, 1000)]
        logged = [k for k in keys if "/predictions/" in k and k.endswith(".parquet")]
        assert logged, keys
        workspace_id = logged[0].split("/predictions/")[0].rsplit("/", 1)[-1]
        assert workspace_id.startswith("ws_")
        assert not (backend.data_dir / "artifacts" / workspace_id / "predictions").exists()  # not the local store

        truth = ["yes" if (i % 7) > 3 else "no" for i in range(len(rows))]
        sent = client.post(f"/deployments/{name}/feedback", headers=headers, json={
            "items": [{"prediction_id": i, "label": t} for i, t in zip(ids, truth, strict=True)]})
        assert sent.status_code == 200, sent.text
        live = client.get(f"/deployments/{name}/performance", headers=headers).json()
        assert live["rows"] == len(rows)
        assert abs(live["metrics"]["1"]["accuracy"] - skm.accuracy_score(truth, predicted)) < 1e-9
