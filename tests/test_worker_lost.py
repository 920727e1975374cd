"""A worker process killed in the middle of a run: the run is not lost and not stuck."""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import time

import httpx
from sqlmodel import Session, select

from app.db.engine import build_engine
from app.db.tables import ModelVersion, RunOutput
from app.storage.registry import service_folder
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
            assert run["attempt"] == 2
        assert "stopped sending heartbeats; taking it over" in worker.log()
        _outputs_are_the_second_attempts(backend, run_id)
    finally:
        stop_process(worker.process, timeout=30)
        stop_process(server.process)


def _outputs_are_the_second_attempts(backend, run_id: str) -> None:
    """Each attempt writes under <workspace>/<run>/a<attempt>/: what the run records (its
    outputs and its model version) is the taking-over attempt's a2/ files, intact; the
    killed attempt's files stay in a1/, pointed to by nothing."""
    settings = backend.settings()
    engine = build_engine(settings)
    try:
        with Session(engine) as session:
            recorded = {o.path: o.sha256 for o in session.exec(select(RunOutput).where(RunOutput.run_id == run_id))}
            recorded.update({m.artifact_path: m.sha256 for m in session.exec(
                select(ModelVersion).where(ModelVersion.run_id == run_id))})
    finally:
        engine.dispose()
    assert recorded
    workspace_id = next(iter(recorded)).split("/")[0]
    for path, sha256 in recorded.items():
        assert path.startswith(f"{workspace_id}/{run_id}/a2/"), path
        assert hashlib.sha256((service_folder(settings) / "artifacts" / path).read_bytes()).hexdigest() == sha256
    root = service_folder(settings) / "artifacts"
    stale = [p.relative_to(root).as_posix() for p in (root / workspace_id / run_id / "a1").rglob("*") if p.is_file()]
    assert stale, "the killed attempt wrote its first steps' files under a1/"
    assert not set(stale) & set(recorded)
