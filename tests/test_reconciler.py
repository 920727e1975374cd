"""Runs survive a flushed Redis: the database is the truth, the reconciler re-sends."""

from __future__ import annotations

import secrets

import httpx
import redis

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import start_api, start_worker, stop_process
from tests.helpers.samples import small_csv, small_pipeline


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

            worker = start_worker(backend, tmp_path / "worker.log", **env)
            run = wait_for(c, headers, run_id, timeout=120)
            assert run["status"] == "succeeded", run["error"]
            # At once, by the sentinel key the flush removed, not after RETRAINER_CLAIM_TIMEOUT_SECONDS (60 s).
            assert "sent 1 queued run(s) again (the broker had no record of this deployment" in worker.log()
            assert "that no worker claimed in time" not in worker.log()
    finally:
        if worker is not None:
            stop_process(worker.process, timeout=30)
        stop_process(server.process)
        private.stop()
