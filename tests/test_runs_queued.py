"""Runs that wait in the queue: canceled ones never start, and the worker checks data
paths again when it starts (the file may be gone since the submission)."""

from __future__ import annotations

import secrets
import time

import httpx

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import start_api, start_worker, stop_process
from tests.helpers.samples import small_csv, small_pipeline


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

            worker = start_worker(backend, tmp_path / "worker.log", RETRAINER_QUEUE=queue)
            failed = wait_for(c, headers, vanished_id, timeout=120)
            assert failed["status"] == "failed" and failed["error"]["step"] == "import"
            assert "does not exist" in failed["error"]["message"]

            # The canceled run's message was consumed too, and it never started.
            deadline = time.monotonic() + 30
            while f"run {canceled_id} is not queued" not in worker.log():
                assert time.monotonic() < deadline, worker.log()
                time.sleep(0.2)
            final = c.get(f"/runs/{canceled_id}", headers=headers).json()
            assert final["status"] == "canceled" and final["started_at"] is None
            assert all(s["started_at"] is None for s in final["steps"])
    finally:
        if worker is not None:
            stop_process(worker.process, timeout=30)
        stop_process(server.process)
