"""Signed webhooks end to end: a real receiver (http.server on 127.0.0.1, allow-listed),
signatures verified with the `standardwebhooks` package, events from runs through the
real API and worker, retries, Retry-After, 410, SSRF refusals, slow and huge receivers."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select
from standardwebhooks import Webhook

from app.core.settings import Settings
from app.db.engine import build_engine
from app.db.tables import WebhookSubscription, Workspace
from app.webhooks import addresses, delivery
from app.webhooks.events import emit
from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.processes import ROOT, start_api, start_worker, stop_process
from tests.helpers.receiver import Answer, Receiver, running_receiver
from tests.helpers.samples import small_csv, small_pipeline

HOOK_ENV = {"RETRAINER_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "RETRAINER_WEBHOOK_RETRY_SECONDS": "0.2,0.2,0.2",
            "RETRAINER_WEBHOOK_POLL_SECONDS": "0.2"}


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


@pytest.fixture(scope="module")
def hooks(backend, make_user, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """An API and a worker that allow 127.0.0.1 and retry after 0.2 s, and an admin of a
    workspace of its own with a small pipeline whose data is uploaded."""
    logs = tmp_path_factory.mktemp("hook-logs")
    api = start_api(backend, logs / "api.log", **HOOK_ENV)
    worker = start_worker(backend, logs / "worker.log", **HOOK_ENV)
    try:
        with httpx.Client(base_url=api.url, timeout=60) as client:
            account = make_user(workspace="hooks-" + secrets.token_hex(3), admin=True)
            headers = bearer(password_token(client, account))
            assert client.put("/datastores/default/files/small/train.csv", content=small_csv(),
                              headers=headers).status_code == 201
            pipeline = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
            yield {"client": client, "headers": headers, "pipeline": pipeline, "api": api, "worker": worker,
                   "workspace": account.workspace}
    finally:
        stop_process(worker.process, timeout=30)
        stop_process(api.process)


def subscribe(hooks: dict[str, Any], url: str, events: list[str]) -> dict[str, Any]:
    created = hooks["client"].post("/webhooks", headers=hooks["headers"], json={"url": url, "events": events})
    assert created.status_code == 201, created.text
    return created.json()


def deliveries(hooks: dict[str, Any], webhook_id: str) -> list[dict[str, Any]]:
    answer = hooks["client"].get(f"/webhooks/{webhook_id}/deliveries", headers=hooks["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def verified(secret: str, request) -> dict[str, Any]:
    """The body, once the `standardwebhooks` package verified its signature."""
    return Webhook(secret).verify(request.body, request.headers)


def run_pipeline(hooks: dict[str, Any], regenerate: bool = False, **parameters: str) -> dict[str, Any]:
    client, headers = hooks["client"], hooks["headers"]
    submitted = client.post(f"/pipelines/{hooks['pipeline']['id']}/runs", headers=headers,
                            json={"parameters": parameters, "regenerate": regenerate})
    assert submitted.status_code == 202, submitted.text
    return wait_for(client, headers, submitted.json()["id"])


def emit_now(backend, workspace: str, event: str, data: dict[str, Any]) -> str:
    """Records an event as a domain does (app.webhooks.events.emit, in a transaction)."""
    engine = build_engine(backend.settings())
    try:
        with Session(engine) as session:
            workspace_id = session.exec(select(Workspace.id).where(Workspace.name == workspace)).one()
            recorded = emit(session, workspace_id, event, data)
            session.commit()
            assert recorded is not None
            return recorded.id
    finally:
        engine.dispose()


def test_runs_send_signed_started_succeeded_and_failed_events(hooks, receiver):
    hook = subscribe(hooks, receiver.url("/runs"), ["run.started", "run.succeeded", "run.failed"])
    assert hook["secret"].startswith("whsec_") and hook["enabled"]
    shown = hooks["client"].get(f"/webhooks/{hook['id']}", headers=hooks["headers"]).json()
    assert "secret" not in shown and shown["events"] == ["run.failed", "run.started", "run.succeeded"]

    run = run_pipeline(hooks)
    assert run["status"] == "succeeded", run["error"]
    got = receiver.wait(lambda rs: sum(r.path == "/runs" and run["id"].encode() in r.body for r in rs) >= 2)
    bodies = [verified(hook["secret"], r) for r in got if r.path == "/runs" and run["id"].encode() in r.body]
    assert [b["type"] for b in bodies] == ["run.started", "run.succeeded"]
    started, succeeded = bodies
    assert started["data"]["id"] == run["id"] and started["data"]["status"] == "running"
    assert succeeded["data"]["status"] == "succeeded" and succeeded["data"]["model"] == run["model"]
    assert [s["status"] for s in succeeded["data"]["steps"]] == [s["status"] for s in run["steps"]]
    assert datetime.fromisoformat(succeeded["timestamp"])

    # A tampered body or another secret does not verify.
    request = receiver.on("/runs")[-1]
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)

    assert hooks["client"].put("/datastores/default/files/small/empty.csv", content=b"",
                               headers=hooks["headers"]).status_code == 201
    failed = run_pipeline(hooks, data_path="datastore://default/small/empty.csv")
    assert failed["status"] == "failed"
    got = receiver.wait(lambda rs: any(failed["id"].encode() in r.body and b"run.failed" in r.body for r in rs))
    body = verified(hook["secret"], next(r for r in got if failed["id"].encode() in r.body
                                         and b"run.failed" in r.body))
    assert body["data"]["error"] == failed["error"] and body["data"]["error"]["step"] == "import"

    # The receiver answered before the worker recorded the answer: the log follows shortly.
    wait_log(hooks, hook["id"], lambda d: d["delivered"])
    log = deliveries(hooks, hook["id"])
    assert len(log) >= 3 and all(d["delivered"] and d["status_code"] == 200 and d["attempt"] == 1
                                 and d["next_attempt_at"] is None for d in log)
    webhook_ids = {r.headers["webhook-id"] for r in receiver.on("/runs")}
    assert {d["event_id"] for d in log} <= webhook_ids


def test_a_promotion_sends_deployment_promoted(hooks, receiver):
    client, headers = hooks["client"], hooks["headers"]
    first = run_pipeline(hooks)
    assert first["status"] == "succeeded", first["error"]
    model = first["model"]["name"]
    name = "small-" + secrets.token_hex(3)
    assert client.post("/deployments", headers=headers,
                       json={"name": name, "model": model, "follow": True}).status_code == 201
    hook = subscribe(hooks, receiver.url("/deployments"), ["deployment.promoted", "deployment.held"])
    # Trained again on the same data (a reused train step would register no version): as good
    # as the champion on the champion's test split, so the gate (min_delta 0) promotes.
    second = run_pipeline(hooks, regenerate=True)
    effect = next(e for e in second["deployments"] if e["deployment"] == name)
    got = receiver.wait(lambda rs: any(r.path == "/deployments" and name.encode() in r.body for r in rs))
    body = verified(hook["secret"], next(r for r in got if r.path == "/deployments" and name.encode() in r.body))
    assert effect["reason"] == "promoted", effect
    assert body["type"] == "deployment.promoted"
    assert body["data"]["name"] == name and body["data"]["version"] == second["model"]["version"]
    assert body["data"]["change"]["run_id"] == second["id"] and body["data"]["change"]["reason"] == "promoted"


def test_a_failing_receiver_is_retried_with_the_same_id_until_it_answers(hooks, receiver, backend):
    receiver.answers["/flaky"] = [Answer(500), Answer(502), Answer(200)]
    hook = subscribe(hooks, receiver.url("/flaky"), ["trigger.skipped"])
    emit_now(backend, hooks["workspace"], "trigger.skipped", {"trigger": "nightly", "reason": "overlap"})
    got = receiver.wait(lambda rs: sum(r.path == "/flaky" for r in rs) >= 3)
    attempts = [r for r in got if r.path == "/flaky"]
    assert len({r.headers["webhook-id"] for r in attempts}) == 1
    assert all(verified(hook["secret"], r)["data"] == {"trigger": "nightly", "reason": "overlap"}
               for r in attempts)
    log = wait_log(hooks, hook["id"], lambda d: d["delivered"])
    assert log["attempt"] == 3 and log["status_code"] == 200 and log["error"] is None


def wait_log(hooks: dict[str, Any], webhook_id: str, predicate, event_id: str | None = None,
             timeout: float = 120) -> dict[str, Any]:
    """The newest delivery (or the one of `event_id`) once `predicate` holds for it."""
    deadline = time.monotonic() + timeout
    while True:
        log = [d for d in deliveries(hooks, webhook_id) if event_id in (None, d["event_id"])]
        if log and predicate(log[0]):
            return log[0]
        assert time.monotonic() < deadline, log
        time.sleep(0.2)


def test_retry_after_is_honoured_and_a_redelivery_sends_again(hooks, receiver, backend):
    receiver.answers["/busy"] = [Answer(503, {"Retry-After": "600"}), Answer(200)]
    hook = subscribe(hooks, receiver.url("/busy"), ["trigger.skipped"])
    emit_now(backend, hooks["workspace"], "trigger.skipped", {"n": 1})
    log = wait_log(hooks, hook["id"], lambda d: d["attempt"] == 1)
    assert log["status_code"] == 503 and not log["delivered"] and "503" in log["error"]
    wait = (datetime.fromisoformat(log["next_attempt_at"]) - datetime.fromisoformat(log["last_attempt_at"]))
    assert wait.total_seconds() >= 600  # not the 0.2 s of the schedule
    assert len(receiver.on("/busy")) == 1

    again = hooks["client"].post(f"/webhooks/{hook['id']}/deliveries/{log['id']}/redeliver", headers=hooks["headers"])
    assert again.status_code == 202, again.text
    log = wait_log(hooks, hook["id"], lambda d: d["delivered"])
    assert log["attempt"] == 2
    first, second = receiver.on("/busy")
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    missing = hooks["client"].post(f"/webhooks/{hook['id']}/deliveries/whd_nope/redeliver", headers=hooks["headers"])
    assert missing.status_code == 404


def test_410_disables_the_subscription(hooks, receiver, backend):
    receiver.answers["/gone"] = [Answer(410)]
    hook = subscribe(hooks, receiver.url("/gone"), ["trigger.skipped"])
    emit_now(backend, hooks["workspace"], "trigger.skipped", {"n": 1})
    log = wait_log(hooks, hook["id"], lambda d: d["attempt"] == 1)
    assert log["status_code"] == 410 and log["next_attempt_at"] is None and not log["delivered"]
    shown = hooks["client"].get(f"/webhooks/{hook['id']}", headers=hooks["headers"]).json()
    assert shown["enabled"] is False and "410" in shown["disabled_reason"]
    again = hooks["client"].post(f"/webhooks/{hook['id']}/deliveries/{log['id']}/redeliver", headers=hooks["headers"])
    assert again.status_code == 409 and "enable it" in again.json()["detail"]
    # Enabled again by hand, it receives again.
    receiver.answers["/gone"] = [Answer(200)]
    patched = hooks["client"].patch(f"/webhooks/{hook['id']}", headers=hooks["headers"], json={"enabled": True})
    assert patched.status_code == 200 and patched.json()["disabled_reason"] is None
    assert hooks["client"].post(f"/webhooks/{hook['id']}/deliveries/{log['id']}/redeliver",
                                headers=hooks["headers"]).status_code == 202
    assert wait_log(hooks, hook["id"], lambda d: d["delivered"])["attempt"] == 2


@pytest.mark.parametrize("url, said", [
    ("https://127.0.0.2/hook", "127.0.0.2 is a loopback address"),
    ("https://10.1.2.3/hook", "10.1.2.3 is a private address"),
    ("https://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local (cloud metadata) address"),
    ("https://[::1]/hook", "::1 is a loopback address"),
    ("https://localhost/hook", "'localhost' resolves to"),
    ("http://example.com/hook", "plain http is accepted only for hosts in RETRAINER_WEBHOOK_ALLOWED_HOSTS"),
])
def test_private_targets_are_refused_at_creation(hooks, url, said):
    answer = hooks["client"].post("/webhooks", headers=hooks["headers"], json={"url": url, "events": ["run.failed"]})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["errors"][0]["loc"] == ["body", "url"] and said in problem["errors"][0]["msg"]
    hook = subscribe(hooks, "http://127.0.0.1:9/allowed", ["run.failed"])
    patched = hooks["client"].patch(f"/webhooks/{hook['id']}", headers=hooks["headers"], json={"url": url})
    assert patched.status_code == 422 and said in patched.json()["errors"][0]["msg"]
    assert hooks["client"].delete(f"/webhooks/{hook['id']}", headers=hooks["headers"]).status_code == 204


def test_every_field_problem_is_listed_at_once(hooks):
    answer = hooks["client"].post("/webhooks", headers=hooks["headers"], json={
        "url": "ftp://example.com/x", "events": ["run.started", "run.exploded"], "description": "d" * 2000,
        "colour": "red"})
    assert answer.status_code == 422
    locs = {tuple(e["loc"]) for e in answer.json()["errors"]}
    assert {("body", "url"), ("body", "events", 1), ("body", "description"), ("body", "colour")} <= locs


@pytest.mark.parametrize("answers, said", [
    (["127.0.0.1"], "127.0.0.1 is a loopback address"),
    (["10.0.0.7"], "10.0.0.7 is a private address"),
    (["169.254.169.254"], "169.254.169.254 is a link-local"),
    (["::1"], "::1 is a loopback address"),
    (["93.184.215.14", "127.0.0.1"], "127.0.0.1 is a loopback address"),
])
def test_a_name_that_now_resolves_privately_is_refused_at_delivery(receiver, answers, said):
    """The attempt the workers make: DNS (here a stand-in resolver, as a rebinding name would
    answer) is asked again, and a private answer is refused before any connection."""
    before = len(receiver.received)
    outcome = delivery.attempt(f"https://hooks.example.test:{receiver.port}/rebound", "whsec_" + "A" * 43 + "=",
                               "msg_1", b"{}", frozenset(), resolve=lambda host, port: answers)
    assert outcome.status_code is None and not outcome.delivered
    assert outcome.error.startswith("refused: 'hooks.example.test' resolves to ") and said in outcome.error
    assert len(receiver.received) == before


def test_the_connection_goes_to_the_address_checked(receiver):
    """A name allowed by the operator, checked once: the request reaches the address the
    check saw (the system's DNS does not know this name), with the name as its Host."""
    outcome = delivery.attempt(f"http://pinned.example.test:{receiver.port}/pinned", "whsec_" + "A" * 43 + "=",
                               "msg_2", b'{"a":1}', frozenset({"pinned.example.test"}),
                               resolve=lambda host, port: ["127.0.0.1"])
    assert outcome.delivered, outcome
    request = receiver.on("/pinned")[-1]
    assert request.headers["host"] == f"pinned.example.test:{receiver.port}"


def test_address_checks_without_an_allow_list():
    refused = {"https://127.0.0.1/": "loopback", "https://10.0.0.1/": "private", "https://192.168.1.1/": "private",
               "https://169.254.169.254/": "link-local", "https://[::1]/": "loopback",
               "https://[::ffff:127.0.0.1]/": "loopback", "https://[fd00:ec2::254]/": "private",
               "https://100.100.100.200/": "non-public", "https://0.0.0.0/": "unspecified",
               "http://93.184.215.14/": "plain http"}
    for url, said in refused.items():
        with pytest.raises(addresses.Refused, match=said):
            addresses.target(url, frozenset(), addresses.system_resolver)
    assert addresses.target("https://93.184.215.14:8443/a?b=1", frozenset()).path == "/a?b=1"


def test_slow_and_huge_receivers_do_not_delay_another_subscription(hooks, receiver, backend):
    release = threading.Event()
    receiver.answers["/slow"] = [Answer(200, block=release)]
    receiver.answers["/huge"] = [Answer(endless_headers=True)]
    slow = subscribe(hooks, receiver.url("/slow"), ["trigger.skipped"])
    huge = subscribe(hooks, receiver.url("/huge"), ["trigger.skipped"])
    try:
        first = emit_now(backend, hooks["workspace"], "trigger.skipped", {"n": "first"})
        receiver.wait(lambda rs: any(r.path == "/slow" and r.headers["webhook-id"] == first for r in rs))
        huge_log = wait_log(hooks, huge["id"], lambda d: d["attempt"] >= 1)
        assert "bytes of headers" in huge_log["error"] and not huge_log["delivered"]
        # The slow receiver holds its request; a new subscription's event is delivered meanwhile.
        fast = subscribe(hooks, receiver.url("/fast"), ["trigger.skipped"])
        second = emit_now(backend, hooks["workspace"], "trigger.skipped", {"n": "second"})
        receiver.wait(lambda rs: any(r.path == "/fast" and r.headers["webhook-id"] == second for r in rs))
        assert wait_log(hooks, fast["id"], lambda d: d["delivered"])["attempt"] == 1
        held = [d for d in deliveries(hooks, slow["id"]) if d["event_id"] == first]
        assert held[0]["attempt"] == 0 and not release.is_set()  # still waiting for the slow answer
    finally:
        release.set()
    assert wait_log(hooks, slow["id"], lambda d: d["delivered"], event_id=first)["status_code"] == 200
    for hook in (slow, huge, fast):
        hooks["client"].delete(f"/webhooks/{hook['id']}", headers=hooks["headers"])


def test_an_attempt_has_a_total_deadline(receiver):
    release = threading.Event()
    receiver.answers["/stuck"] = [Answer(200, block=release)]
    try:
        outcome = delivery.attempt(receiver.url("/stuck"), "whsec_" + "A" * 43 + "=", "msg_3", b"{}",
                                   frozenset({"127.0.0.1"}), timeout=1)
    finally:
        release.set()
    assert not outcome.delivered and outcome.error == "no answer within 1 s"


def test_scopes_and_the_secret_at_rest(hooks, receiver, backend):
    client = hooks["client"]
    reader = principal_headers(client, hooks["headers"], ["webhooks:read"])
    assert client.get("/webhooks", headers=reader).status_code == 200
    denied = client.post("/webhooks", headers=reader, json={"url": receiver.url("/x"), "events": ["run.failed"]})
    assert denied.status_code == 403 and "webhooks:write" in denied.text
    writer = principal_headers(client, hooks["headers"], ["webhooks:write"])
    hook = client.post("/webhooks", headers=writer, json={"url": receiver.url("/x"), "events": ["run.failed"]})
    assert hook.status_code == 201
    secret = hook.json()["secret"]
    engine = build_engine(backend.settings())
    try:
        with Session(engine) as session:
            stored = session.get(WebhookSubscription, hook.json()["id"])
            assert stored is not None and secret not in stored.secret and "whsec_" not in stored.secret
    finally:
        engine.dispose()
    assert secret not in hooks["api"].log() and secret not in hooks["worker"].log()


def test_deliveries_need_no_broker(backend, receiver, make_user):
    """The deliveries table is the queue: a worker delivers with its broker unreachable."""
    account = make_user(workspace="hooks-nobroker-" + secrets.token_hex(3))
    settings = Settings(**{**backend.settings().model_dump(), "broker_url": "redis://127.0.0.1:1/0",
                           "webhook_allowed_hosts": "127.0.0.1"})
    engine = build_engine(settings)
    try:
        with Session(engine) as session:
            workspace_id = session.exec(select(Workspace.id).where(Workspace.name == account.workspace)).one()
            from app.core import secretbox
            secret = "whsec_" + "B" * 43 + "="
            session.add(WebhookSubscription(workspace_id=workspace_id, url=receiver.url("/nobroker"),
                                            events=["trigger.skipped"],
                                            secret=secretbox.seal(settings.signing_key(), secret)))
            session.commit()
            emit(session, workspace_id, "trigger.skipped", {"broker": "down"})
            session.commit()
        deliverer = delivery.Deliverer(engine, settings)
        try:
            receiver.wait(lambda rs: deliverer.take() is not None and any(r.path == "/nobroker" for r in rs), 60)
        finally:
            deliverer.close()
        request = receiver.on("/nobroker")[0]
        assert verified(secret, request)["data"] == {"broker": "down"}
        assert json.loads(request.body)["type"] == "trigger.skipped"
    finally:
        engine.dispose()


def test_cli_webhooks_list_create_and_deliveries(hooks, receiver, backend):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update({"RETRAINER_URL": hooks["api"].url, "PYTHONUNBUFFERED": "1", "COLUMNS": "250",
                "RETRAINER_TOKEN": hooks["headers"]["Authorization"].removeprefix("Bearer ")})

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", "webhooks", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)

    created = cli("create", receiver.url("/cli"), "--event", "trigger.skipped", "--description", "from the CLI")
    assert created.returncode == 0, created.stderr
    webhook_id = created.stdout.split()[1]
    secret = created.stdout.rsplit(" ", 1)[1].strip()
    assert secret.startswith("whsec_") and "shown only now" in created.stdout

    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["ID", "STATE", "URL", "EVENTS"]
    assert [webhook_id, "enabled", receiver.url("/cli"), "trigger.skipped"] in [r.split() for r in rows]
    assert secret not in listed.stdout
    assert any(h["id"] == webhook_id for h in json.loads(cli("list", "--json").stdout))

    event_id = emit_now(backend, hooks["workspace"], "trigger.skipped", {"via": "cli"})
    assert verified(secret, receiver.wait(lambda rs: any(r.path == "/cli" for r in rs))[-1])["data"] == {"via": "cli"}
    wait_log(hooks, webhook_id, lambda d: d["delivered"])
    shown = cli("deliveries", webhook_id)
    assert shown.returncode == 0, shown.stderr
    header, row = shown.stdout.splitlines()
    assert header.split()[:6] == ["ID", "EVENT", "ATTEMPT", "STATUS", "MS", "DELIVERED"]
    assert row.split()[1:4] == ["trigger.skipped", "1", "200"] and row.split()[5] == "yes"
    assert json.loads(cli("deliveries", webhook_id, "--json").stdout)[0]["event_id"] == event_id

    refused = cli("create", "https://10.0.0.1/hook", "--event", "run.failed")
    assert refused.returncode == 2 and "10.0.0.1 is a private address" in refused.stderr
    unknown = cli("deliveries", "wh_nope")
    assert unknown.returncode == 2 and "HTTP 404" in unknown.stderr


def test_the_retry_schedule_and_its_setting():
    assert Settings().webhook_retry_delays == (5, 300, 1800, 7200, 18000, 36000, 36000)
    assert Settings(webhook_retry_seconds="1, 2.5").webhook_retry_delays == (1.0, 2.5)
    with pytest.raises(ValueError, match="RETRAINER_WEBHOOK_RETRY_SECONDS"):
        Settings(webhook_retry_seconds="5,soon")
    delays = (5.0, 300.0)
    assert 5 <= delivery.next_delay(0, delays, None) <= 5.5  # jitter lengthens, never shortens
    assert delivery.next_delay(1, delays, 900) == 900  # a later Retry-After wins
    assert delivery.next_delay(2, delays, None) is None  # the schedule is over: the delivery gives up
    assert delivery.retry_after_seconds("120", datetime.now().astimezone()) == 120
    assert delivery.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", datetime.now().astimezone()) == 0
    assert delivery.retry_after_seconds("10 years", datetime.now().astimezone()) is None
