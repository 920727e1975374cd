"""Per-endpoint queues and concurrency, through the API and real workers: an endpoint's
runs go to its workspace's queue (only `retrainer worker --queue NAME --workspace W` runs
them), and with
max_concurrent_runs 1 two workers run them one at a time, in submission order."""

from __future__ import annotations

import secrets
import subprocess
from datetime import datetime

import httpx

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import CLI, ROOT, Worker, process_env, start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline


def _worker(backend, log_path, queue: str, *workspace: str, **env: str) -> Worker:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(CLI + ["worker", "--concurrency", "1", "--queue", queue, *workspace],
                                   env=process_env(backend, **env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    return Worker(process=process, log_path=log_path)


def test_an_endpoints_runs_go_to_its_queue_and_respect_its_limit(backend, make_user, tmp_path):
    default_queue = "dq-" + secrets.token_hex(3)
    gpu = "gpu-" + secrets.token_hex(3)
    env = {"RETRAINER_QUEUE": default_queue, "RETRAINER_CONCURRENCY_RETRY_SECONDS": "0.5"}
    workspace = "queues-" + secrets.token_hex(3)
    account = make_user(workspace=workspace)
    server = start_api(backend, tmp_path / "api.log", **env)
    workers = [_worker(backend, tmp_path / f"gpu{i}.log", gpu, "--workspace", workspace, **env) for i in (1, 2)]
    plain = _worker(backend, tmp_path / "plain.log", default_queue, **env)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            headers = bearer(password_token(c, account))
            c.put("/datastores/default/files/small/train.csv", content=small_csv(400), headers=headers)
            pipeline = c.post("/pipelines", json=small_pipeline(), headers=headers).json()
            assert c.post("/endpoints", json={"name": "limited"}, headers=headers).status_code == 201
            c.post("/endpoints/limited/versions", json={"pipeline_id": pipeline["id"]}, headers=headers)

            bad = c.patch("/endpoints/limited", json={"queue": "no spaces", "max_concurrent_runs": 0},
                          headers=headers)
            assert bad.status_code == 422
            assert {tuple(e["loc"]) for e in bad.json()["errors"]} == {("body", "queue"),
                                                                      ("body", "max_concurrent_runs")}
            patched = c.patch("/endpoints/limited", json={"queue": gpu, "max_concurrent_runs": 1}, headers=headers)
            assert patched.status_code == 200
            assert (patched.json()["queue"], patched.json()["max_concurrent_runs"]) == (gpu, 1)

            ids = [c.post("/endpoints/limited/runs", json={"regenerate": True}, headers=headers).json()["id"]
                   for _ in range(4)]
            runs = [wait_for(c, headers, run_id, timeout=240) for run_id in ids]
            assert [r["status"] for r in runs] == ["succeeded"] * 4, [r["error"] for r in runs]
            # One at a time, in the order submitted: each started after the one before finished.
            for before, after in zip(runs, runs[1:], strict=False):
                assert datetime.fromisoformat(after["started_at"]) >= datetime.fromisoformat(before["finished_at"])
            logs = [w.log() for w in workers]
            assert all(any(f"[{run_id}]" in log for log in logs) for run_id in ids)
            assert not any(f"[{run_id}]" in plain.log() for run_id in ids)  # not its queue

            # Back to the default queue and no limit: the plain worker runs it.
            c.patch("/endpoints/limited", json={"queue": None, "max_concurrent_runs": None}, headers=headers)
            back = wait_for(c, headers, c.post("/endpoints/limited/runs", json={}, headers=headers).json()["id"])
            assert back["status"] == "succeeded"
            assert f"[{back['id']}]" in plain.log()
    finally:
        for worker in [*workers, plain]:
            stop_process(worker.process, timeout=30)
        stop_process(server.process)
