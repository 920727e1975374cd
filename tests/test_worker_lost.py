"""A worker process killed in the middle of a run: the run is not lost and not stuck."""

from __future__ import annotations

import os
import secrets
import signal
import time

import httpx

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import children_of, start_api, start_worker, stop_process
from tests.helpers.samples import adult_bytes, income_pipeline


def test_run_survives_a_killed_worker_process(backend, make_user, tmp_path):
    queue = "lost-" + secrets.token_hex(4)
    env = {"RETRAINER_QUEUE": queue, "RETRAINER_HEARTBEAT_SECONDS": "1"}
    server = start_api(backend, tmp_path / "api.log", **env)
    worker = start_worker(backend, tmp_path / "worker.log", **env)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            headers = bearer(password_token(c, make_user(workspace="lost-" + secrets.token_hex(3))))
            c.put("/datastores/default/files/census/adult.data", content=adult_bytes(), headers=headers)
            body = income_pipeline()
            body["name"] = "lost-worker"
            body["steps"]["train"]["settings"]["hyperparameters"] = {"learning_rate": 0.05, "max_iter": 300,
                                                                     "max_leaf_nodes": 63}
            pipeline = c.post("/pipelines", json=body, headers=headers).json()
            run_id = c.post(f"/pipelines/{pipeline['id']}/runs", headers=headers, json={}).json()["id"]
            deadline = time.monotonic() + 120
            while {s["name"]: s["status"] for s in c.get(f"/runs/{run_id}", headers=headers).json()["steps"]}[
                    "train"] != "running":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            children = children_of(worker.pid)
            assert children, "the worker has no pool process"
            for pid in children:  # what the OOM killer does
                os.kill(pid, signal.SIGKILL)

            run = wait_for(c, headers, run_id, timeout=240)
            assert run["status"] == "succeeded", run["error"]
            assert all(s["status"] == "succeeded" for s in run["steps"])
            assert run["model"] == {"name": "lost-worker", "version": 1}
            versions = c.get("/models/lost-worker/versions", headers=headers).json()["items"]
            assert len(versions) == 1  # the lost attempt registered nothing
            outputs = c.get(f"/runs/{run_id}/outputs", headers=headers).json()["items"]
            assert len(outputs) == len({(o["step"], o["port"]) for o in outputs})
        assert "stopped sending heartbeats; taking it over" in worker.log()
    finally:
        stop_process(worker.process, timeout=30)
        stop_process(server.process)
