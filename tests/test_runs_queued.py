"""Runs that wait in the queue: canceled ones never start, and the worker checks data
paths again when it starts (the file may be gone since the submission)."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time

import httpx

from tests.conftest import ROOT, bearer, password_token, process_env, start_api, stop_process
from tests.pipeline_samples import small_csv, small_pipeline
from tests.test_runs import wait_for


def test_queued_runs_canceled_or_with_vanished_data(backend, make_user, tmp_path):
    queue = "paused-" + secrets.token_hex(4)  # no worker consumes it yet
    server = start_api(backend, tmp_path / "api.log", RETRAINER_QUEUE=queue)
    worker = None
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            headers = bearer(password_token(c, make_user(workspace="queued-" + secrets.token_hex(3))))
            me = c.get("/me", headers=headers).json()
            c.put("/datastores/default/files/q/keep.csv", content=small_csv(), headers=headers)
            c.put("/datastores/default/files/q/gone.csv", content=small_csv(), headers=headers)
            keep = c.post("/pipelines", json=small_pipeline("datastore://default/q/keep.csv"), headers=headers).json()
            gone = c.post("/pipelines", json=small_pipeline("datastore://default/q/gone.csv"), headers=headers).json()

            canceled_id = c.post(f"/pipelines/{keep['id']}/runs", headers=headers, json={}).json()["id"]
            vanished_id = c.post(f"/pipelines/{gone['id']}/runs", headers=headers, json={}).json()["id"]
            time.sleep(0.5)
            assert c.get(f"/runs/{canceled_id}", headers=headers).json()["status"] == "queued"

            canceled = c.post(f"/runs/{canceled_id}/cancel", headers=headers).json()
            assert canceled["status"] == "canceled"
            assert {s["status"] for s in canceled["steps"]} == {"canceled"}
            # The file disappears between submission and execution.
            (backend.data_dir / "datastores" / me["workspace_id"] / "default" / "q" / "gone.csv").unlink()

            log_path = tmp_path / "worker.log"
            with open(log_path, "wb") as log:
                worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
                                          env=process_env(backend, RETRAINER_QUEUE=queue), cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT)
            failed = wait_for(c, headers, vanished_id, timeout=120)
            assert failed["status"] == "failed" and failed["error"]["step"] == "import"
            assert "does not exist" in failed["error"]["message"]

            # The canceled run's message was consumed too, and it never started.
            deadline = time.monotonic() + 30
            while f"run {canceled_id} is not queued" not in log_path.read_text(errors="replace"):
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            final = c.get(f"/runs/{canceled_id}", headers=headers).json()
            assert final["status"] == "canceled" and final["started_at"] is None
            assert all(s["started_at"] is None for s in final["steps"])
    finally:
        if worker is not None:
            stop_process(worker, timeout=30)
        stop_process(server.process)
