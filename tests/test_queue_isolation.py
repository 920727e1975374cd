"""One workspace cannot stop or reach the others through queues, with a real API, real
workers and the suite's real Redis:

- an endpoint's `queue` is a queue of its workspace (on the broker
  `retrainer.ws.<workspace id>.NAME`): a name like a key of the broker's own
  (`_kombu.binding.*`, `unacked`) harms nobody, and a worker started with
  `--queue NAME --workspace W` runs W's runs only;
- a message the broker refuses (WRONGTYPE: its queue's key holds a string) is skipped,
  counted and given up after RETRAINER_OUTBOX_MAX_FAILURES refusals, failing its run with
  the broker's answer; other workspaces' runs go on meanwhile, and /readyz and /metrics
  report the outbox that does not drain while it does not.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import redis

from app.core.queue_names import WORKSPACE_QUEUE_PREFIX, service_queue_problem, workspace_queue
from app.core.settings import ConfigurationError
from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import CLI, ROOT, Worker, process_env, start_api, start_worker, stop_process
from tests.helpers.samples import small_csv, small_pipeline


def _worker(backend, log_path, *args: str, **env: str) -> Worker:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(CLI + ["worker", "--concurrency", "1", *args], env=process_env(backend, **env),
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    return Worker(process=process, log_path=log_path)


def _tenant(c: httpx.Client, make_user, prefix: str) -> tuple[dict[str, str], dict[str, Any]]:
    """A user of a new workspace with a published endpoint `small`: (its headers, GET /me)."""
    account = make_user(workspace=prefix + "-" + secrets.token_hex(3))
    headers = bearer(password_token(c, account))
    c.put("/datastores/default/files/small/train.csv", content=small_csv(300), headers=headers)
    pipeline = c.post("/pipelines", json=small_pipeline(), headers=headers).json()
    assert c.post("/endpoints", json={"name": "small"}, headers=headers).status_code == 201
    assert c.post("/endpoints/small/versions", json={"pipeline_id": pipeline["id"]},
                  headers=headers).status_code == 201
    return headers, c.get("/me", headers=headers).json()


def _retrain(c: httpx.Client, headers: dict[str, str], endpoint: str = "small") -> str:
    response = c.post(f"/endpoints/{endpoint}/runs", json={"regenerate": True}, headers=headers)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _until(check: Callable[[], Any], what: str, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"still not {what}"
        time.sleep(0.2)


def _gauge(metrics: str, name: str) -> float:
    found = re.search(rf"^{name} ([0-9.e+-]+)$", metrics, re.M)
    assert found is not None, f"{name} is not in /metrics"
    return float(found.group(1))


# No resend by a worker's reconciler (after the claim timeout) may hide a blocked outbox.
NO_RESEND = {"RETRAINER_CLAIM_TIMEOUT_SECONDS": "3600"}


def test_a_queue_named_like_a_broker_key_stops_no_one(backend, make_user, tmp_path):
    """Before, {"queue": "_kombu.binding.<queue>"} made Redis refuse the run's message and
    the relay stopped there: every workspace's runs stayed queued and /readyz said ready."""
    default_queue = "iso-" + secrets.token_hex(3)
    env = {"RETRAINER_QUEUE": default_queue, **NO_RESEND}
    server = start_api(backend, tmp_path / "api.log", **env)
    plain = start_worker(backend, tmp_path / "worker.log", **env)
    client = redis.Redis.from_url(backend.settings().redis_url)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            hostile, hostile_me = _tenant(c, make_user, "hostile")
            victim, _ = _tenant(c, make_user, "victim")
            assert wait_for(c, victim, _retrain(c, victim))["status"] == "succeeded"  # the binding key exists now
            assert client.type(f"_kombu.binding.{default_queue}") == b"set"
            parked = []
            for name in (f"_kombu.binding.{default_queue}", "_kombu.binding.celery.pidbox", "unacked",
                         "unacked_index", default_queue):
                patched = c.patch("/endpoints/small", json={"queue": name}, headers=hostile)
                assert (patched.status_code, patched.json()["queue"]) == (200, name)
                parked.append(_retrain(c, hostile))
            # The victim's runs, submitted after, still run; so does the hostile workspace's
            # own run on the service's queue.
            victims = [_retrain(c, victim) for _ in range(2)]
            c.patch("/endpoints/small", json={"queue": None}, headers=hostile)
            own = _retrain(c, hostile)
            assert [wait_for(c, victim, run_id, timeout=240)["status"] for run_id in victims] == ["succeeded"] * 2
            assert wait_for(c, hostile, own)["status"] == "succeeded"
            # Each parked run waits in its workspace's queue of that name, for a worker of it;
            # the broker's own keys are untouched; nothing is stuck in the outbox.
            assert [c.get(f"/runs/{run_id}", headers=hostile).json()["status"] for run_id in parked] == \
                ["queued"] * 5
            assert client.type(f"_kombu.binding.{default_queue}") == b"set"
            assert client.llen(workspace_queue(hostile_me["workspace_id"], "unacked")) == 1
            assert client.llen(workspace_queue(hostile_me["workspace_id"], default_queue)) == 1
            ready = _until(lambda: (r := c.get("/readyz")).status_code == 200 and r, "ready")
            assert ready.json()["checks"]["outbox"] == "ok"
            for run_id in parked:
                c.post(f"/runs/{run_id}/cancel", headers=hostile)
    finally:
        stop_process(plain.process, timeout=30)
        stop_process(server.process)


def _not_ready(client: httpx.Client, timeout: float = 30) -> httpx.Response:
    """/readyz once it says not ready (or its last answer after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while (ready := client.get("/readyz")).status_code != 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    return ready


def test_a_message_the_broker_refuses_is_skipped_and_its_run_fails_after_the_bound(backend, make_user, tmp_path):
    """A queue whose key holds a string (WRONGTYPE on every push): its message is refused,
    counted and tried again later while the others go; /readyz is 503 naming the outbox and
    /metrics counts it meanwhile; after RETRAINER_OUTBOX_MAX_FAILURES refusals the run fails
    naming the queue and the broker's answer, and the outbox is ready again."""
    default_queue = "refused-" + secrets.token_hex(3)
    env = {"RETRAINER_QUEUE": default_queue, "RETRAINER_OUTBOX_MAX_FAILURES": "5",
           "RETRAINER_OUTBOX_RELAY_SECONDS": "1", **NO_RESEND}
    server = start_api(backend, tmp_path / "api.log", **env)
    plain = start_worker(backend, tmp_path / "worker.log", **env)
    client = redis.Redis.from_url(backend.settings().redis_url)
    jammed_key = None
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            owner, owner_me = _tenant(c, make_user, "jammed")
            other, _ = _tenant(c, make_user, "neighbour")
            jammed_key = workspace_queue(owner_me["workspace_id"], "jammed")
            client.set(jammed_key, "not a list")  # a stray key of the wrong type where the queue goes
            c.post("/endpoints", json={"name": "jammed"}, headers=owner)
            version = c.get("/endpoints/small/versions/1", headers=owner).json()
            c.post("/endpoints/jammed/versions", json={"pipeline_id": version["pipeline_id"]}, headers=owner)
            assert c.patch("/endpoints/jammed", json={"queue": "jammed"}, headers=owner).status_code == 200

            bad = _retrain(c, owner, "jammed")
            # While it is refused: not ready, the outbox named; the gauges count it. The API's
            # relay thread sends (and is refused) just after the 202, off the request's path.
            ready = _not_ready(c)
            assert ready.status_code == 503, ready.text
            assert ready.json()["status"] == "not ready"
            assert ready.json()["checks"]["outbox"].startswith("not draining")
            assert "refused by the broker" in ready.json()["checks"]["outbox"]
            assert jammed_key not in ready.text and owner_me["workspace_id"] not in ready.text  # a public probe
            metrics = c.get("/metrics").text
            assert _gauge(metrics, "retrainer_outbox_refused_messages") >= 1
            assert _gauge(metrics, "retrainer_outbox_waiting_messages") >= 1
            # Meanwhile the others' runs, and the owner's other endpoint, go through.
            others = [_retrain(c, other), _retrain(c, owner)]
            assert [wait_for(c, other, others[0])["status"], wait_for(c, owner, others[1])["status"]] == \
                ["succeeded", "succeeded"]

            failed = wait_for(c, owner, bad, timeout=240)
            assert failed["status"] == "failed", failed
            message = failed["error"]["message"]
            assert "refused" in message and "'jammed'" in message and "WRONGTYPE" in message
            assert "5 times" in message and "RETRAINER_OUTBOX_MAX_FAILURES" in message
            assert jammed_key not in message  # the user's name of the queue, not the broker's
            assert {s["status"] for s in failed["steps"]} == {"skipped"}
            assert client.get(jammed_key) == b"not a list"  # refused, never overwritten
            ready = _until(lambda: (r := c.get("/readyz")).status_code == 200 and r, "ready again", timeout=60)
            assert ready.json()["checks"]["outbox"] == "ok"
            metrics = c.get("/metrics").text
            assert _gauge(metrics, "retrainer_outbox_refused_messages") == 0
            assert _gauge(metrics, "retrainer_outbox_given_up_messages") >= 1
    finally:
        if jammed_key is not None:
            client.delete(jammed_key)
        stop_process(plain.process, timeout=30)
        stop_process(server.process)


def test_a_workspaces_queue_is_its_own(backend, make_user, tmp_path):
    """Two workspaces both name their endpoint's queue `gpu`: `retrainer worker --queue gpu
    --workspace A` runs A's runs and never B's (before, both were the one queue `gpu`)."""
    default_queue = "own-" + secrets.token_hex(3)
    env = {"RETRAINER_QUEUE": default_queue}
    server = start_api(backend, tmp_path / "api.log", **env)
    workers: list[Worker] = []
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            a, a_me = _tenant(c, make_user, "team-a")
            b, b_me = _tenant(c, make_user, "team-b")
            for headers in (a, b):
                assert c.patch("/endpoints/small", json={"queue": "gpu"}, headers=headers).status_code == 200
            b_run = _retrain(c, b)  # first in line, were it the same queue
            a_run = _retrain(c, a)
            workers.append(_worker(backend, tmp_path / "a.log", "--queue", "gpu", "--workspace", a_me["workspace"],
                                   **env))
            assert wait_for(c, a, a_run, timeout=240)["status"] == "succeeded"
            assert f"[{a_run}]" in workers[0].log()
            assert c.get(f"/runs/{b_run}", headers=b).json()["status"] == "queued"
            assert f"[{b_run}]" not in workers[0].log()
            # B's worker (named by the workspace's id this time) runs B's run.
            workers.append(_worker(backend, tmp_path / "b.log", "--queue", "gpu", "--workspace",
                                   b_me["workspace_id"], **env))
            assert wait_for(c, b, b_run, timeout=240)["status"] == "succeeded"
            assert f"[{b_run}]" in workers[1].log() and f"[{b_run}]" not in workers[0].log()
    finally:
        for worker in workers:
            stop_process(worker.process, timeout=30)
        stop_process(server.process)


def test_a_worker_for_an_unknown_workspace_is_refused(backend):
    result = subprocess.run(CLI + ["worker", "--queue", "gpu", "--workspace", "no-such-" + secrets.token_hex(3)],
                            env=process_env(backend), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "no workspace named" in result.stderr and "--workspace" in result.stderr


@pytest.mark.parametrize("name", ["_kombu.binding.retrainer", "_kombu.binding.celery.pidbox", "unacked",
                                  "unacked_index", "unacked_mutex", "celeryev", WORKSPACE_QUEUE_PREFIX + "ws_x.gpu"])
def test_the_services_queue_cannot_be_a_broker_key_or_a_workspaces(backend, name):
    assert service_queue_problem(name) is not None
    with pytest.raises(ConfigurationError, match="RETRAINER_QUEUE"):
        backend.settings(queue=name).validate_for_start()
    # As a workspace's queue the same name is harmless: it lives under the workspace's prefix.
    settings = backend.settings(queue=name, queue_workspace="ws_abc")
    settings.validate_for_start()
    assert settings.broker_queue == f"{WORKSPACE_QUEUE_PREFIX}ws_abc.{name}"
