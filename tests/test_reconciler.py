"""Runs survive a flushed Redis: the database is the truth, the reconciler re-sends."""

from __future__ import annotations

import secrets
import subprocess
import sys

import httpx
import redis

from tests.conftest import ROOT, bearer, password_token, process_env, start_api, stop_process
from tests.pipeline_samples import small_csv, small_pipeline
from tests.test_runs import wait_for


def test_queued_run_survives_a_flushed_redis(backend, make_user, tmp_path):
    from app.core.settings import Settings
    from app.embedded import EmbeddedRedis

    # A Redis of this test's own, so that flushing it disturbs nothing else.
    private = EmbeddedRedis(Settings(data_dir=tmp_path / "redis"))
    private.start()
    env = {"RETRAINER_BROKER_URL": f"redis+socket://{private.socket_path}",
           "RETRAINER_QUEUE": "flushed-" + secrets.token_hex(3), "RETRAINER_RECONCILE_SECONDS": "1"}
    server = start_api(backend, tmp_path / "api.log", **env)
    worker = None
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            headers = bearer(password_token(c, make_user(workspace="flush-" + secrets.token_hex(3))))
            c.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers)
            pipeline = c.post("/pipelines", json=small_pipeline(), headers=headers).json()
            run_id = c.post(f"/pipelines/{pipeline['id']}/runs", headers=headers, json={}).json()["id"]
            client = redis.Redis(unix_socket_path=str(private.socket_path))
            assert client.dbsize() > 0  # the task is in the broker...
            client.flushall()            # ...and now it is gone, as after a Redis restart without persistence
            assert c.get(f"/runs/{run_id}", headers=headers).json()["status"] == "queued"

            log_path = tmp_path / "worker.log"
            with open(log_path, "wb") as log:
                worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
                                          env=process_env(backend, **env), cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT)
            run = wait_for(c, headers, run_id, timeout=120)
            assert run["status"] == "succeeded", run["error"]
            assert "sent 1 queued run(s) again" in log_path.read_text(errors="replace")
    finally:
        if worker is not None:
            stop_process(worker, timeout=30)
        stop_process(server.process)
        private.stop()
