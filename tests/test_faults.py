"""Faults, caused for real: a broker that goes away, a lost message, a killed API, a worker
killed again and again, a run over its memory or time, a worker told to stop mid-run,
and SQLite written by the API and two workers at once. No run is lost, none loops
forever, and every failure names the step and the cause.

Each test has a queue of its own (and its own workers), so nothing else takes its runs.
"""

from __future__ import annotations

import concurrent.futures
import os
import secrets
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from app.core.settings import Settings
from app.embedded import EmbeddedRedis
from tests.helpers.api import Account, bearer, password_token, wait_for
from tests.helpers.backends import Backend
from tests.helpers.processes import Server, Worker, children_of, start_api, start_worker, stop_process
from tests.helpers.samples import adult_bytes, income_pipeline, small_csv, small_pipeline

# Short heartbeats (a lost worker is noticed within 6 s) but not so short that a step holding
# the GIL on a busy machine looks lost.
FAST = {"RETRAINER_HEARTBEAT_SECONDS": "2", "RETRAINER_RECONCILE_SECONDS": "1",
        "RETRAINER_OUTBOX_RELAY_SECONDS": "0.5"}


class Stack:
    """An API and workers of one test, on a queue of their own."""

    def __init__(self, backend: Backend, tmp_path: Path, make_user: Callable[..., Account], **env: str) -> None:
        self.backend, self.tmp_path = backend, tmp_path
        self.env = {"RETRAINER_QUEUE": "fault-" + secrets.token_hex(4), **FAST, **env}
        self.api: Server | None = None
        self.workers: list[Worker] = []
        self.account = make_user(workspace="fault-" + secrets.token_hex(3), admin=True)

    def start_api(self) -> Server:
        self.api = start_api(self.backend, self.tmp_path / f"api-{secrets.token_hex(2)}.log", **self.env)
        return self.api

    def start_worker(self, **extra: str) -> Worker:
        worker = start_worker(self.backend, self.tmp_path / f"worker-{len(self.workers)}.log", **{**self.env, **extra})
        self.workers.append(worker)
        return worker

    def client(self) -> httpx.Client:
        assert self.api is not None
        return httpx.Client(base_url=self.api.url, timeout=60)

    def headers(self, client: httpx.Client) -> dict[str, str]:
        return bearer(password_token(client, self.account))

    def stop(self) -> None:
        for worker in self.workers:
            stop_process(worker.process, timeout=60)
        if self.api is not None:
            stop_process(self.api.process)


@pytest.fixture
def stack(backend: Backend, tmp_path: Path, make_user: Callable[..., Account]) -> Iterator[Callable[..., Stack]]:
    made: list[Stack] = []

    def _make(**env: str) -> Stack:
        made.append(Stack(backend, tmp_path, make_user, **env))
        return made[-1]

    yield _make
    for each in made:
        each.stop()


def _small_draft(client: httpx.Client, headers: dict[str, str], **kwargs: str) -> dict:
    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers)
    return client.post("/pipelines", json=small_pipeline(**kwargs), headers=headers).json()


def _slow_income(client: httpx.Client, headers: dict[str, str], name: str, iterations: int = 300) -> dict:
    """The income pipeline with a training step that takes a few seconds (300 boosting
    iterations: about 3 s on an idle core)."""
    client.put("/datastores/default/files/census/adult.data", content=adult_bytes(), headers=headers)
    body = income_pipeline()
    body["name"] = name
    body["steps"]["train"]["settings"]["hyperparameters"] = {"learning_rate": 0.05, "max_iter": iterations}
    return client.post("/pipelines", json=body, headers=headers).json()


def _wait_step(client: httpx.Client, headers: dict[str, str], run_id: str, step: str, status: str,
               timeout: float = 120, attempt: int | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/runs/{run_id}", headers=headers).json()
        if {s["name"]: s["status"] for s in run["steps"]}[step] == status and \
                (attempt is None or run["attempt"] == attempt):
            return run
        assert time.monotonic() < deadline, f"step {step} never {status}: {run}"
        time.sleep(0.05)


def test_broker_down_then_the_api_killed_then_the_broker_back(stack, tmp_path):
    """Submit answers 202 while the broker is down (the run waits in the outbox), an
    Idempotency-Key replays it; the API dies before it could send; once the broker is back
    a worker's relay sends it, and it runs once."""
    broker = EmbeddedRedis(Settings(data_dir=tmp_path / "broker"))
    broker.start()
    s = stack(RETRAINER_BROKER_URL=f"redis+socket://{broker.socket_path}")
    try:
        s.start_api()
        with s.client() as c:
            headers = s.headers(c)
            pipeline = _small_draft(c, headers)
            endpoint = c.post("/endpoints", json={"name": "outage-" + secrets.token_hex(3)}, headers=headers).json()
            c.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"]}, headers=headers)
            broker.stop()
            ready = c.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["broker"] != "ok"
            key = {"Idempotency-Key": "outage-" + secrets.token_hex(4)}
            first = c.post(f"/endpoints/{endpoint['id']}/runs", json={}, headers={**headers, **key})
            assert first.status_code == 202, first.text
            again = c.post(f"/endpoints/{endpoint['id']}/runs", json={}, headers={**headers, **key})
            assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
            assert again.headers["Idempotency-Replayed"] == "true"
            assert c.get(f"/runs/{first.json()['id']}", headers=headers).json()["status"] == "queued"
        assert s.api is not None
        s.api.process.send_signal(signal.SIGKILL)  # nothing of it sends the message now
        s.api.process.wait()
        broker.start()
        s.start_worker()
        s.start_api()
        with s.client() as c:
            headers = s.headers(c)
            run = wait_for(c, headers, first.json()["id"], timeout=180)
            assert run["status"] == "succeeded", run["error"]
            runs = c.get("/runs", params={"endpoint_id": endpoint["id"]}, headers=headers).json()["items"]
            assert [r["id"] for r in runs] == [run["id"]]  # one run, not one per request
            assert c.get("/readyz").status_code == 200
    finally:
        broker.stop()


def test_a_message_the_broker_lost_is_sent_again(stack, backend):
    """The queue is deleted after the submit while the broker's own record (its sentinel)
    survives: the run is sent again once no worker claimed it in time."""
    s = stack(RETRAINER_CLAIM_TIMEOUT_SECONDS="2")
    s.start_api()
    queue = s.env["RETRAINER_QUEUE"]
    client = redis.Redis.from_url(backend.broker_url) if backend.broker_url else \
        redis.Redis(unix_socket_path=str(backend.settings().redis_socket_path))
    client.set(f"retrainer:broker-epoch:{queue}", "before")  # the broker was not flushed
    with s.client() as c:
        headers = s.headers(c)
        pipeline = _small_draft(c, headers)
        run_id = c.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers).json()["id"]
        deadline = time.monotonic() + 10
        while not client.llen(queue):
            assert time.monotonic() < deadline, "the message never reached the queue"
            time.sleep(0.05)
        client.delete(queue)  # lost: a trimmed or deleted queue
        worker = s.start_worker()
        run = wait_for(c, headers, run_id, timeout=120)
        assert run["status"] == "succeeded", run["error"]
        assert "that no worker claimed in time" in worker.log()


def test_a_run_that_kills_its_worker_every_time_fails_naming_step_and_cause(stack):
    s = stack(RETRAINER_MAX_ATTEMPTS="3")
    s.start_api()
    worker = s.start_worker()
    with s.client() as c:
        headers = s.headers(c)
        pipeline = _slow_income(c, headers, "killer-" + secrets.token_hex(3), iterations=5000)
        run_id = c.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers).json()["id"]
        for attempt in (1, 2, 3):
            # Each attempt is taken over once the killed one missed its heartbeats.
            _wait_step(c, headers, run_id, "train", "running", timeout=180, attempt=attempt)
            for pid in children_of(worker.pid):  # what the out-of-memory killer does
                os.kill(pid, signal.SIGKILL)
        run = wait_for(c, headers, run_id, timeout=180)
        assert run["status"] == "failed"
        assert run["error"]["step"] == "train"
        assert "lost 3 times" in run["error"]["message"]
        assert "signal 9 (SIGKILL)" in run["error"]["message"]
        assert run["attempt"] == 3
        assert {s["name"]: s["status"] for s in run["steps"]}["train"] == "failed"
        assert not {s["status"] for s in run["steps"]} & {"pending", "running"}


def test_a_run_over_its_memory_limit_fails_and_the_worker_goes_on(stack):
    s = stack(RETRAINER_RUN_MEMORY_LIMIT_MB="64")
    s.start_api()
    worker = s.start_worker()
    with s.client() as c:
        headers = s.headers(c)
        rows = "\n".join(f"{i},{i % 7},{i % 3}" for i in range(3_000_000))
        c.put("/datastores/default/files/big/rows.csv", content=("x1,x2,y\n" + rows + "\n").encode(),
              headers=headers)
        big = c.post("/pipelines", json=small_pipeline("datastore://default/big/rows.csv"), headers=headers).json()
        run = wait_for(c, headers, c.post(f"/pipelines/{big['id']}/runs", json={}, headers=headers).json()["id"])
        assert run["status"] == "failed"
        assert run["error"]["step"] == "import"
        assert "out of memory" in run["error"]["message"] and "64 MiB" in run["error"]["message"]
        children = children_of(worker.pid)
        small = _small_draft(c, headers)
        after = wait_for(c, headers, c.post(f"/pipelines/{small['id']}/runs", json={}, headers=headers).json()["id"])
        assert after["status"] == "succeeded", after["error"]
        assert children_of(worker.pid) == children  # the same child served it


def test_a_run_over_its_endpoints_time_limit_fails_and_is_not_sent_again(stack):
    s = stack()
    s.start_api()
    s.start_worker()
    with s.client() as c:
        headers = s.headers(c)
        pipeline = _slow_income(c, headers, "slow-" + secrets.token_hex(3), iterations=10000)
        endpoint = c.post("/endpoints", json={"name": "slow-" + secrets.token_hex(3)}, headers=headers).json()
        c.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"]}, headers=headers)
        too_long = c.patch(f"/endpoints/{endpoint['id']}", json={"time_limit_seconds": 7 * 24 * 3600},
                           headers=headers)
        assert too_long.status_code == 422 and too_long.json()["errors"][0]["loc"] == ["body", "time_limit_seconds"]
        patched = c.patch(f"/endpoints/{endpoint['id']}", json={"time_limit_seconds": 4}, headers=headers)
        assert patched.status_code == 200 and patched.json()["time_limit_seconds"] == 4
        run = wait_for(c, headers, c.post(f"/endpoints/{endpoint['id']}/runs", json={},
                                          headers=headers).json()["id"], timeout=180)
        assert run["status"] == "failed"
        assert "time limit" in run["error"]["message"]
        assert run["error"]["step"] == "train" and run["attempt"] == 1  # failed, not taken over and run again


def test_a_run_past_its_hard_time_limit_is_failed_by_the_worker_not_left_running(stack):
    """A step that does not stop at the soft limit: its worker process is stopped (SIGSTOP)
    in the middle of training, so the soft limit's signal is never handled; 30 s later the
    pool kills it (the hard limit) and the worker's main process fails the run."""
    # Heartbeats every 120 s: a stopped process is not taken over for lost heartbeats before
    # its hard limit (20 + 30 s), and it holds no database transaction while stopped.
    s = stack(RETRAINER_HEARTBEAT_SECONDS="120")
    s.start_api()
    worker = s.start_worker()
    stopped: list[int] = []
    try:
        with s.client() as c:
            headers = s.headers(c)
            pipeline = _slow_income(c, headers, "hard-" + secrets.token_hex(3), iterations=10000)
            endpoint = c.post("/endpoints", json={"name": "hard-" + secrets.token_hex(3)}, headers=headers).json()
            c.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"]}, headers=headers)
            patched = c.patch(f"/endpoints/{endpoint['id']}", json={"time_limit_seconds": 20}, headers=headers)
            assert patched.status_code == 200
            run_id = c.post(f"/endpoints/{endpoint['id']}/runs", json={}, headers=headers).json()["id"]
            _wait_step(c, headers, run_id, "train", "running", timeout=20)
            deadline = time.monotonic() + 15
            while "fitting" not in c.get(f"/runs/{run_id}/steps/train/logs", headers=headers).text:
                assert time.monotonic() < deadline, "the train step never started fitting"
                time.sleep(0.05)
            time.sleep(1)  # past the step's last database read before fitting
            stopped = children_of(worker.pid)
            assert stopped, "the worker has no pool process"
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            run = wait_for(c, headers, run_id, timeout=120)
            assert run["status"] == "failed", run
            assert "hard time limit (50 s)" in run["error"]["message"]
            assert "time_limit_seconds" in run["error"]["message"]
            assert run["error"]["step"] == "train" and run["attempt"] == 1
            assert not {st["status"] for st in run["steps"]} & {"pending", "running"}
            # Acknowledged, not re-sent: a few reconciler passes later it is still attempt 1, failed.
            time.sleep(5)
            again = c.get(f"/runs/{run_id}", headers=headers).json()
            assert (again["status"], again["attempt"]) == ("failed", 1)
        assert "Hard time limit (50s) exceeded" in worker.log()
        # The stopped process was killed and replaced (its pid may linger a moment, until reaped).
        gone_by = time.monotonic() + 30
        while set(children_of(worker.pid, alive_only=True)) & set(stopped):
            assert time.monotonic() < gone_by, "the stopped pool process was never killed"
            time.sleep(0.5)
    finally:
        for pid in stopped:  # a process left stopped would hold up the worker's shutdown
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass


def test_sigterm_finishes_the_run_in_hand_and_another_worker_takes_the_next(stack):
    s = stack()
    s.start_api()
    first_worker = s.start_worker()
    with s.client() as c:
        headers = s.headers(c)
        name = "graceful-" + secrets.token_hex(3)
        pipeline = _slow_income(c, headers, name)
        held = c.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers).json()["id"]
        _wait_step(c, headers, held, "train", "running", timeout=180)
        first_worker.process.send_signal(signal.SIGTERM)
        # regenerate: were the held run done when this one trains, a reused train step would
        # register no version of its own, and "each ran once" could not be read off the registry.
        waiting = c.post(f"/pipelines/{pipeline['id']}/runs", json={"regenerate": True}, headers=headers).json()["id"]
        s.start_worker()
        finished = wait_for(c, headers, held, timeout=240)
        assert finished["status"] == "succeeded", finished["error"]
        assert first_worker.process.wait(120) == 0  # it stopped once its run was done
        other = wait_for(c, headers, waiting, timeout=240)
        assert other["status"] == "succeeded", other["error"]
        versions = c.get(f"/models/{name}/versions", headers=headers).json()["items"]
        assert sorted(v["lineage"]["run_id"] for v in versions) == sorted([held, waiting])  # each ran once


def test_sqlite_written_by_the_api_and_two_workers_at_once(stack):
    s = stack()
    s.start_api()
    s.start_worker()
    s.start_worker()
    with s.client() as c:
        headers = s.headers(c)
        pipeline = _small_draft(c, headers)

        def submit_and_read(_: int) -> tuple[int, list[int]]:
            with s.client() as own:
                response = own.post(f"/pipelines/{pipeline['id']}/runs", json={"regenerate": True}, headers=headers)
                reads = [own.get(f"/runs/{response.json()['id']}", headers=headers).status_code for _ in range(5)]
                reads.append(own.get("/runs", headers=headers).status_code)
                return response.status_code, reads

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(submit_and_read, range(12)))
        assert [status for status, _ in answers] == [202] * 12
        assert all(code == 200 for _, reads in answers for code in reads)
        runs = c.get("/runs", params={"pipeline_id": pipeline["id"]}, headers=headers).json()["items"]
        assert len(runs) == 12
        for run in runs:
            done = wait_for(c, headers, run["id"], timeout=240)
            assert done["status"] == "succeeded", done["error"]
