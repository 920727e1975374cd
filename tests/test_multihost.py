"""Scale-out for real: an API and two workers that share only PostgreSQL, Redis and an
S3 bucket (SeaweedFS), each with an empty data directory of its own, as if on three
machines. The income walk-through runs there (upload, pipeline, run, publish, retrain
from an S3 datastore's Parquet file); the worker holding the retrain is SIGKILLed with
its children (the machine is gone) and the other finishes it; no run output, log or
model lands on any local disk, and everything is in the bucket.

Hosts that share a database need PostgreSQL (a SQLite file is one machine's): the test makes a
database of its own on the server of RETRAINER_TEST_DATABASE_URL (else 127.0.0.1:5432, as the
suite's PostgreSQL run uses), so it runs the same whether the suite runs on PostgreSQL or SQLite.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from app.storage.locations import Credentials, S3Location
from app.storage.s3 import S3Store
from tests.helpers.api import bearer, wait_for
from tests.helpers.backends import SECRET_KEY, Backend, create_pg_database, drop_pg_database
from tests.helpers.processes import CLI, ROOT, free_port, stop_process
from tests.helpers.samples import ADULT_COLUMNS, adult_bytes, income_pipeline
from tests.helpers.seaweed import SeaweedFS

PG_SERVER = os.environ.get("RETRAINER_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    try:
        name, url = create_pg_database(PG_SERVER)
    except Exception as exc:  # noqa: BLE001 - say what the test needs, not a driver traceback
        pytest.fail(f"the multi-host test needs PostgreSQL at {PG_SERVER} (RETRAINER_TEST_DATABASE_URL): {exc}")
    try:
        yield url
    finally:
        drop_pg_database(PG_SERVER, name)


class Machine:
    """One process of the deployment with a data directory (and temp folder) of its own."""

    def __init__(self, name: str, root: Path, shared: dict[str, str]) -> None:
        self.name, self.data_dir, self.tmp = name, root / name / "data", root / name / "tmp"
        self.data_dir.mkdir(parents=True)
        self.tmp.mkdir(parents=True)
        self.log_path = root / f"{name}.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("RETRAINER_", "AWS_"))}
        self.env.update(shared, RETRAINER_DATA_DIR=str(self.data_dir), TMPDIR=str(self.tmp), PYTHONUNBUFFERED="1")
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(CLI + list(argv), env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=120)

    def start(self, *argv: str) -> Machine:
        with open(self.log_path, "wb") as log:
            # A session of its own: killing the group is losing the machine (the worker's
            # children too).
            self.process = subprocess.Popen(CLI + list(argv), env=self.env, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def files(self) -> list[str]:
        """Every file left in its data directory and temp folder, but the host's bookkeeping
        of which runs compute on it (empty lock files, see worker/cores.py)."""
        return [str(p.relative_to(self.data_dir.parent)) for folder in (self.data_dir, self.tmp)
                for p in folder.rglob("*") if p.is_file() and p.parent.name != "runs-computing"]

    def lose(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process, timeout=30)


def _wait_healthy(url: str, machine: Machine) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert machine.process is not None and machine.process.poll() is None, machine.log()
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the API is not ready:\n{machine.log()}")


def test_api_and_two_workers_share_only_the_database_the_broker_and_the_bucket(
        backend: Backend, seaweed: SeaweedFS, s3_bucket: str, database: str, tmp_path: Path) -> None:
    # A datastore's bucket of its own: the service's bucket is never a datastore.
    lake_name = "lake-" + secrets.token_hex(4)
    seaweed.create_bucket(lake_name)
    broker = backend.broker_url or f"redis+socket://{backend.data_dir / 'redis.sock'}"
    shared = {
        "RETRAINER_DATABASE_URL": database, "RETRAINER_BROKER_URL": broker, "RETRAINER_SECRET_KEY": SECRET_KEY,
        "RETRAINER_ARTIFACT_URL": f"s3://{s3_bucket}/deployment", "RETRAINER_S3_ENDPOINT_URL": seaweed.endpoint,
        "RETRAINER_QUEUE": "multihost-" + secrets.token_hex(3),
        # A lost machine is noticed after three missed beats of 1 s; the reconcilers look every second.
        "RETRAINER_HEARTBEAT_SECONDS": "1", "RETRAINER_RECONCILE_SECONDS": "1",
        "RETRAINER_LOG_FLUSH_SECONDS": "0.5", "RETRAINER_TOKEN_FAILURES_PER_ADDRESS": "1000/minute",
        **seaweed.env(),
    }
    api = Machine("api", tmp_path, shared)
    workers = [Machine(f"worker{i}", tmp_path, shared) for i in (1, 2)]
    migrated = api.run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    password = "pw-" + secrets.token_urlsafe(12)
    created = api.run("users", "create", "alice", "--password", password, "--admin")
    assert created.returncode == 0, created.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    machines = [api.start("api", "--port", str(port))] + [w.start("worker", "--concurrency", "1") for w in workers]
    bucket = S3Store(S3Location(s3_bucket, "", seaweed.endpoint, "us-east-1",
                                Credentials(seaweed.access_key, seaweed.secret_key)))
    try:
        _wait_healthy(url, api)
        with httpx.Client(base_url=url, timeout=60) as c:
            token = c.post("/oauth/token", data={"grant_type": "password", "username": "alice",
                                                 "password": password}).json()["access_token"]
            headers = bearer(token)
            assert c.get("/readyz").json()["checks"]["storage"] == "ok"

            # Upload: streamed into the bucket, hashed on the way.
            adult = adult_bytes()
            up = c.put("/datastores/default/files/census/adult.data", content=adult, headers=headers)
            assert up.status_code == 201, up.text
            assert up.json()["sha256"] == hashlib.sha256(adult).hexdigest()
            listed = c.get("/datastores/default/files", params={"prefix": "census/"}, headers=headers).json()
            assert [f["path"] for f in listed["items"]] == ["census/adult.data"]
            assert c.get("/datastores/default/files/census/adult.data", headers=headers).content == adult

            # A datastore of kind s3 with its own prefix and credentials (stored sealed, never shown).
            lake = c.post("/datastores", headers=headers, json={
                "name": "lake", "kind": "s3", "url": f"s3://{lake_name}/lake", "endpoint_url": seaweed.endpoint,
                "access_key_id": seaweed.access_key, "secret_access_key": seaweed.secret_key})
            assert lake.status_code == 201, lake.text
            assert lake.json()["has_credentials"] is True
            assert seaweed.secret_key not in c.get("/datastores", headers=headers).text

            # Run the draft: every step on whichever worker, every file in the bucket.
            body = income_pipeline()
            pipeline = c.post("/pipelines", json=body, headers=headers).json()
            run = wait_for(c, headers, c.post(f"/pipelines/{pipeline['id']}/runs", headers=headers,
                                               json={}).json()["id"], timeout=240)
            assert run["status"] == "succeeded", run["error"]
            assert run["model"] == {"name": "income-prediction", "version": 1}
            log = c.get(f"/runs/{run['id']}/steps/train/logs", headers=headers).text
            assert "step train succeeded" in log
            model = c.get("/models/income-prediction/versions/1/download", headers=headers)
            assert model.status_code == 200
            assert hashlib.sha256(model.content).hexdigest() == model.headers["X-Content-SHA256"]
            lineage = c.get("/models/income-prediction/versions/1", headers=headers).json()["lineage"]
            assert lineage["data"][0]["sha256"] == hashlib.sha256(adult).hexdigest()

            # Publish, then retrain on new data: Parquet in the S3 datastore, read by ranged GETs.
            assert c.post("/endpoints", json={"name": "census"}, headers=headers).status_code == 201
            assert c.post("/endpoints/census/versions", json={"pipeline_id": pipeline["id"]},
                          headers=headers).status_code == 201
            frame = pd.read_csv(io.BytesIO(adult), header=None, names=ADULT_COLUMNS, skipinitialspace=True,
                                na_values=["?"])
            parquet = io.BytesIO()
            frame[frame["native-country"] != "United-States"].to_parquet(parquet, index=False)
            assert c.put("/datastores/lake/files/census/non-us.parquet", content=parquet.getvalue(),
                         headers=headers).status_code == 201
            retrain = c.post("/endpoints/census/runs", headers=headers, json={
                "parameters": {"data_path": "datastore://lake/census/non-us.parquet", "learning_rate": 0.05},
                "regenerate": True}).json()
            deadline = time.monotonic() + 120
            while {s["name"]: s["status"] for s in c.get(f"/runs/{retrain['id']}", headers=headers).json()[
                    "steps"]}["import"] not in ("running", "succeeded"):
                assert time.monotonic() < deadline, "the retrain never started"
                time.sleep(0.05)

            # The machine holding it is lost (SIGKILL to the worker and its children)...
            holder = next(w for w in workers if f"[{retrain['id']}] received" in w.log())
            other = next(w for w in workers if w is not holder)
            holder.lose()
            # ...and the other machine takes it over once its heartbeat is stale.
            done = wait_for(c, headers, retrain["id"], timeout=240)
            assert done["status"] == "succeeded", done["error"]
            assert done["attempt"] >= 2
            assert done["model"] == {"name": "income-prediction", "version": 2}
            assert f"[{retrain['id']}]" in other.log()
            read = c.get("/models/income-prediction/versions/2", headers=headers).json()["lineage"]["data"]
            assert read[0]["path"] == "datastore://lake/census/non-us.parquet"
            assert read[0]["sha256"] == hashlib.sha256(parquet.getvalue()).hexdigest()
            outputs = c.get(f"/runs/{retrain['id']}/outputs", headers=headers).json()["items"]
            scored = next(o for o in outputs if o["port"] == "scored")
            downloaded = c.get(f"/runs/{retrain['id']}/outputs/score/scored", headers=headers).content
            assert hashlib.sha256(downloaded).hexdigest() == scored["sha256"]
        # Nothing of any run landed on a local disk; it is all in the bucket.
        for machine in [api, *workers]:
            assert machine.files() == [], f"{machine.name} wrote {machine.files()}"
        keys = [o.key for o in bucket.list("deployment/artifacts/", None, 1000)]
        assert sum(k.endswith("/model.joblib") for k in keys) >= 2
        assert any(k.endswith("/train/log.txt") for k in keys)
        assert [o.key for o in bucket.list("deployment/datastores/", None, 10)][0].endswith("census/adult.data")
        lake_bucket = S3Store(S3Location(lake_name, "", seaweed.endpoint, "us-east-1",
                                         Credentials(seaweed.access_key, seaweed.secret_key)))
        assert lake_bucket.stat("lake/census/non-us.parquet") is not None
    finally:
        for machine in machines:
            machine.stop()
