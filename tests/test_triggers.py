"""Triggers against real processes: `retrainer scheduler` twice at once, the API, a worker,
the suite's database (PostgreSQL or SQLite) and, for S3 datastores, SeaweedFS.

Schedules fire every few seconds here (RETRAINER_MIN_TRIGGER_SECONDS lowered); what a
real wait would take minutes or years for (downtime, catch-up) is driven in process with
the clock given to `fire_schedule`, against the same database."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.backends import Backend
from tests.helpers.processes import (
    CLI,
    ROOT,
    Server,
    Worker,
    start_api,
    start_scheduler,
    start_worker,
    stop_process,
)
from tests.helpers.samples import small_csv, small_pipeline
from tests.helpers.seaweed import SeaweedFS

FAST = {"RETRAINER_MIN_TRIGGER_SECONDS": "1", "RETRAINER_TRIGGER_POLL_SECONDS": "1"}
BUCKET = "triggers"
Json = dict[str, Any]


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    try:
        store.create_bucket(BUCKET)
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="module")
def stack(backend: Backend, seaweed: SeaweedFS, worker: Worker, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Server, list[Worker]]]:
    """An API and two schedulers, all allowed short triggers and the SeaweedFS endpoint."""
    logs = tmp_path_factory.mktemp("trigger-logs")
    env = {**FAST, "RETRAINER_S3_DATASTORE_ENDPOINTS": seaweed.endpoint}
    server = start_api(backend, logs / "api.log", **env)
    schedulers = [start_scheduler(backend, logs / f"scheduler-{n}.log", **env) for n in (1, 2)]
    try:
        yield server, schedulers
    finally:
        for scheduler in schedulers:
            stop_process(scheduler.process)
        stop_process(server.process)


@pytest.fixture
def c(stack: tuple[Server, list[Worker]]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack[0].url, timeout=60) as client:
        yield client


@pytest.fixture
def h(c: httpx.Client, make_user: Callable[..., Any]) -> Iterator[dict[str, str]]:
    """An admin of a workspace of its own; its triggers are deleted after the test (the
    schedulers keep running for the next tests)."""
    headers = bearer(password_token(c, make_user(workspace="trg-" + secrets.token_hex(3), admin=True)))
    yield headers
    for endpoint in c.get("/endpoints?limit=500", headers=headers).json()["items"]:
        for trigger in c.get(f"/endpoints/{endpoint['id']}/triggers?limit=500", headers=headers).json()["items"]:
            c.delete(f"/triggers/{trigger['id']}", headers=headers)


def _endpoint(c: httpx.Client, h: dict[str, str], parked: bool = True, **pipeline: Any) -> Json:
    """An endpoint of the small pipeline; `parked`: its runs go to a queue no worker serves
    (they stay queued: overlap is deterministic and nothing loads the machine)."""
    assert c.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=h).status_code == 201
    draft = c.post("/pipelines", json=small_pipeline(**pipeline), headers=h).json()
    endpoint = c.post("/endpoints", json={"name": "ep-" + secrets.token_hex(3)}, headers=h).json()
    assert c.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": draft["id"]},
                  headers=h).status_code == 201
    if parked:
        assert c.patch(f"/endpoints/{endpoint['id']}", json={"queue": "parked-" + secrets.token_hex(3)},
                       headers=h).status_code == 200
    return endpoint


def _trigger(c: httpx.Client, h: dict[str, str], endpoint: Json, **body: Any) -> Json:
    body.setdefault("name", "t-" + secrets.token_hex(3))
    response = c.post(f"/endpoints/{endpoint['id']}/triggers", json=body, headers=h)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"/triggers/{response.json()['id']}"
    return response.json()


def _firings(c: httpx.Client, h: dict[str, str], trigger: Json) -> list[Json]:
    """Every firing, oldest first."""
    out: list[Json] = []
    cursor = None
    while True:
        page = c.get(f"/triggers/{trigger['id']}/firings", params={"limit": 500, "cursor": cursor}, headers=h).json()
        out.extend(page["items"])
        if not (cursor := page["next_cursor"]):
            return out[::-1]


def _until(c: httpx.Client, h: dict[str, str], trigger: Json, done: Callable[[list[Json]], bool],
           timeout: float = 120) -> list[Json]:
    deadline = time.monotonic() + timeout
    while True:
        firings = _firings(c, h, trigger)
        if done(firings):
            return firings
        assert time.monotonic() < deadline, f"trigger {trigger['name']} never got there: {firings}"
        time.sleep(0.5)


def _submitted(firings: list[Json]) -> list[Json]:
    return [f for f in firings if f["outcome"] == "submitted"]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _runs_of(c: httpx.Client, h: dict[str, str], trigger: Json) -> list[Json]:
    return c.get("/runs", params={"trigger_id": trigger["id"], "limit": 500}, headers=h).json()["items"]


# Schedules ---------------------------------------------------------------------------------------


def test_two_schedulers_fire_each_slot_once_and_a_cron_on_time_in_its_zone(c, h, stack):
    endpoint = _endpoint(c, h)
    # A daily cron at the wall-clock minute that comes next in Kathmandu (UTC+05:45): read
    # in any other zone it would fire hours away from this test.
    zone = ZoneInfo("Asia/Kathmandu")
    target = (datetime.now(UTC) + timedelta(seconds=75)).replace(second=0, microsecond=0)
    local = target.astimezone(zone)
    daily = _trigger(c, h, endpoint, kind="schedule", cron=f"{local.minute} {local.hour} * * *",
                     timezone="Asia/Kathmandu", overlap="allow")
    assert _at(daily["next_fire_at"]) == target
    every = _trigger(c, h, endpoint, kind="schedule", every_seconds=3, overlap="allow")
    _until(c, h, daily, lambda f: len(f) >= 1)
    _until(c, h, every, lambda f: len(f) >= 8)  # the daily slot may come within 15 s
    assert c.patch(f"/triggers/{every['id']}", json={"enabled": False}, headers=h).status_code == 200
    assert all(s.process.poll() is None for s in stack[1]), "both schedulers ran throughout"

    [fired] = _firings(c, h, daily)
    assert fired["outcome"] == "submitted" and _at(fired["slot"]) == target, fired
    shown = c.get(f"/triggers/{daily['id']}", headers=h).json()
    assert _at(shown["next_fire_at"]) == target + timedelta(days=1)
    assert shown["last_firing"]["id"] == fired["id"]
    [run] = _runs_of(c, h, daily)
    assert run["id"] == fired["run_id"]
    assert run["trigger"] == {"id": daily["id"], "name": daily["name"], "kind": "schedule",
                              "slot": fired["slot"], "path": None, "check": None}

    firings = _firings(c, h, every)
    slots = [_at(f["slot"]) for f in firings]
    assert len(firings) >= 8 and len(set(slots)) == len(slots), "each slot fired once"
    anchor = _at(every["created_at"])
    assert all((slot - anchor).total_seconds() % 3 == 0 for slot in slots)
    submitted = _submitted(firings)
    runs = _runs_of(c, h, every)
    assert sorted(r["id"] for r in runs) == sorted(f["run_id"] for f in submitted), "one run per submitted firing"
    assert all(f["reason"].startswith("caught up") for f in firings if f["outcome"] == "skipped")


def test_overlap_policies_skip_queue_or_allow(c, h):
    endpoint = _endpoint(c, h)  # its runs stay queued: the previous run never ends by itself
    made = {policy: _trigger(c, h, endpoint, kind="schedule", every_seconds=2, overlap=policy)
            for policy in ("skip", "queue", "allow")}
    on_time = lambda firings: [f for f in firings if not (f["reason"] or "").startswith("caught up")]  # noqa: E731
    skip = _until(c, h, made["skip"], lambda f: len(on_time(f)) >= 3)
    queue = _until(c, h, made["queue"], lambda f: len(on_time(f)) >= 3)
    allow = _until(c, h, made["allow"], lambda f: len(_submitted(f)) >= 3)
    first, *later = on_time(skip)
    assert first["outcome"] == "submitted" and first["run_id"]
    assert all(f["outcome"] == "skipped" and f["reason"].startswith("overlap") and first["run_id"] in f["reason"]
               for f in later)
    first, second, *later = on_time(queue)
    assert first["outcome"] == "submitted" and second["outcome"] == "waiting" and second["run_id"] is None
    assert all(f["outcome"] == "skipped" and "already waits" in f["reason"] for f in later)
    assert len({f["run_id"] for f in _submitted(allow)}) == len(_submitted(allow))
    # The queued firing is submitted once the run before it ends.
    assert c.post(f"/runs/{first['run_id']}/cancel", headers=h).status_code == 200
    released = _until(c, h, made["queue"], lambda f: any(x["id"] == second["id"] and x["run_id"] for x in f))
    [now_submitted] = [f for f in released if f["id"] == second["id"]]
    assert now_submitted["outcome"] == "submitted"
    assert c.get(f"/runs/{now_submitted['run_id']}", headers=h).json()["trigger"]["slot"] == second["slot"]


def test_a_triggered_run_runs_on_a_worker_and_overlap_skip_never_runs_two_at_once(c, h):
    endpoint = _endpoint(c, h, parked=False)
    trigger = _trigger(c, h, endpoint, kind="schedule", every_seconds=2, parameters={"data_path":
                       "datastore://default/small/train.csv"}, experiment="nightly")
    firings = _until(c, h, trigger, lambda f: len(_submitted(f)) >= 2, timeout=240)
    c.patch(f"/triggers/{trigger['id']}", json={"enabled": False}, headers=h)
    first, second = (wait_for(c, h, f["run_id"]) for f in _submitted(firings)[:2])
    assert first["status"] == "succeeded", first["error"]
    assert first["experiment"] == "nightly" and first["endpoint_id"] == endpoint["id"]
    assert first["trigger"]["id"] == trigger["id"] and first["trigger"]["kind"] == "schedule"
    # The second was submitted only once the first had ended.
    assert second["created_at"] >= first["finished_at"]
    assert {r["id"] for r in _runs_of(c, h, trigger)} >= {first["id"], second["id"]}


def test_pausing_then_resuming_never_fires_the_paused_slots(c, h):
    endpoint = _endpoint(c, h)
    trigger = _trigger(c, h, endpoint, kind="schedule", every_seconds=2, overlap="allow")
    _until(c, h, trigger, lambda f: len(f) >= 1)
    paused = c.patch(f"/triggers/{trigger['id']}", json={"enabled": False}, headers=h).json()
    assert paused["enabled"] is False and paused["next_fire_at"] is None
    before = len(_firings(c, h, trigger))
    time.sleep(5)  # slots pass while it is paused (what the test is about, not a timing check)
    resumed = c.patch(f"/triggers/{trigger['id']}", json={"enabled": True}, headers=h).json()
    assert _at(resumed["next_fire_at"]) > _at(resumed["updated_at"])
    firings = _until(c, h, trigger, lambda f: len(f) > before + 1)
    for firing in firings[before:]:
        assert _at(firing["slot"]) > _at(resumed["updated_at"]), "a slot of the pause fired"
    assert all(_at(f["slot"]) <= _at(paused["updated_at"]) for f in firings[:before])


def test_downtime_catch_up_latest_fires_the_newest_slot_once_and_skip_none(c, h, backend):
    from app.runtime import Runtime
    from app.triggers.firing import fire_schedule

    endpoint = _endpoint(c, h)
    # Noon in Berlin on 29 February: no real scheduler reaches its first slot (2028) here.
    body = {"kind": "schedule", "cron": "0 12 29 2 *", "timezone": "Europe/Berlin"}
    latest = _trigger(c, h, endpoint, catchup="latest", **body)
    skip = _trigger(c, h, endpoint, catchup="skip", **body)
    assert _at(latest["next_fire_at"]) == datetime(2028, 2, 29, 11, tzinfo=UTC)
    runtime = Runtime.build(backend.settings())
    back = datetime(2036, 3, 1, tzinfo=UTC)  # down since 2028: the 2028, 2032 and 2036 slots were missed
    try:
        for _ in range(2):  # restarted twice: nothing fires again
            fire_schedule(runtime, latest["id"], back)
            fire_schedule(runtime, skip["id"], back)
    finally:
        runtime.close()
    [fired] = _firings(c, h, latest)
    assert fired["outcome"] == "submitted" and _at(fired["slot"]) == datetime(2036, 2, 29, 11, tzinfo=UTC)
    assert [r["id"] for r in _runs_of(c, h, latest)] == [fired["run_id"]]
    [skipped] = _firings(c, h, skip)
    assert skipped["outcome"] == "skipped" and skipped["reason"].startswith("caught up") and not skipped["run_id"]
    assert _at(skipped["slot"]) == datetime(2036, 2, 29, 11, tzinfo=UTC) and _runs_of(c, h, skip) == []
    for trigger in (latest, skip):
        shown = c.get(f"/triggers/{trigger['id']}", headers=h).json()
        assert _at(shown["next_fire_at"]) == datetime(2040, 2, 29, 11, tzinfo=UTC)


def test_schedulers_racing_for_a_slot_fire_it_once(c, h, backend):
    from app.runtime import Runtime
    from app.triggers.firing import fire_schedule

    endpoint = _endpoint(c, h)
    trigger = _trigger(c, h, endpoint, kind="schedule", cron="0 12 29 2 *", timezone="America/New_York")
    runtimes = [Runtime.build(backend.settings()) for _ in range(4)]
    slot = datetime(2028, 2, 29, 17, tzinfo=UTC)
    start = threading.Barrier(len(runtimes))

    def race(runtime: Runtime) -> None:
        start.wait()
        fire_schedule(runtime, trigger["id"], slot + timedelta(seconds=1))

    threads = [threading.Thread(target=race, args=(r,)) for r in runtimes]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for runtime in runtimes:
            runtime.close()
    [fired] = _firings(c, h, trigger)
    assert fired["outcome"] == "submitted" and _at(fired["slot"]) == slot
    assert len(_runs_of(c, h, trigger)) == 1


def test_a_scheduler_killed_before_its_commit_loses_and_duplicates_nothing(c, h, backend, monkeypatch):
    from app.endpoints import service as endpoints
    from app.runtime import Runtime
    from app.triggers.firing import fire_schedule

    endpoint = _endpoint(c, h)
    trigger = _trigger(c, h, endpoint, kind="schedule", cron="0 12 29 2 *", timezone="UTC")
    real = endpoints.retrain

    def dies_after_submitting(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the run and its message are in the transaction...
        raise SystemExit("killed")  # ...and the process dies before the commit

    runtime = Runtime.build(backend.settings())
    at = datetime(2028, 2, 29, 12, 0, 1, tzinfo=UTC)
    try:
        monkeypatch.setattr(endpoints, "retrain", dies_after_submitting)
        with pytest.raises(SystemExit):
            fire_schedule(runtime, trigger["id"], at)
        assert _firings(c, h, trigger) == [] and _runs_of(c, h, trigger) == []
        monkeypatch.setattr(endpoints, "retrain", real)
        fire_schedule(runtime, trigger["id"], at)  # the restarted scheduler
        fire_schedule(runtime, trigger["id"], at)
    finally:
        runtime.close()
    [fired] = _firings(c, h, trigger)
    assert fired["outcome"] == "submitted"
    assert [r["id"] for r in _runs_of(c, h, trigger)] == [fired["run_id"]]


def test_a_broker_outage_delays_a_triggered_run_and_never_drops_it(c, h, backend, tmp_path):
    """The scheduler fires while the broker is down: the firing, its run and the run's
    message commit together (the outbox); once the broker is back, a worker's relay sends
    the run, and it runs once."""
    from sqlmodel import select

    from app.core.settings import Settings
    from app.db.tables import OutboxMessage
    from app.embedded import EmbeddedRedis
    from app.runtime import Runtime
    from app.triggers.firing import fire_schedule

    broker = EmbeddedRedis(Settings(data_dir=tmp_path / "broker"))
    broker.start()
    url = f"redis+socket://{broker.socket_path}"
    endpoint = _endpoint(c, h, parked=False)
    trigger = _trigger(c, h, endpoint, kind="schedule", cron="0 12 29 2 *", timezone="UTC")
    runtime = Runtime.build(backend.settings(broker_url=url))
    worker = None
    try:
        broker.stop()
        fire_schedule(runtime, trigger["id"], datetime(2028, 2, 29, 12, 0, 1, tzinfo=UTC))
        [fired] = _firings(c, h, trigger)
        assert fired["outcome"] == "submitted"
        assert c.get(f"/runs/{fired['run_id']}", headers=h).json()["status"] == "queued"
        with runtime.read_session() as session:  # kept in the outbox, unsent
            held = session.exec(select(OutboxMessage).where(OutboxMessage.task_id == fired["run_id"])).all()
        assert [m.sent_at for m in held] == [None]
        broker.start()
        worker = start_worker(backend, tmp_path / "worker.log", RETRAINER_BROKER_URL=url)
        run = wait_for(c, h, fired["run_id"], timeout=240)
        assert run["status"] == "succeeded" and run["attempt"] == 1, run["error"]
    finally:
        if worker is not None:
            stop_process(worker.process, timeout=30)
        runtime.close()
        broker.stop()


# Reasons for skipping ----------------------------------------------------------------------------


def test_a_revoked_creator_a_disabled_endpoint_and_a_refused_request_skip_with_the_reason(c, h, backend):
    from app.storage.registry import builtin_datastore

    endpoint = _endpoint(c, h)
    sp = c.post("/service-principals", headers=h, json={"name": "cron-" + secrets.token_hex(3), "scopes": [
        "triggers:write", "triggers:read", "runs:write", "endpoints:read", "data:read"]}).json()
    sp_headers = bearer(c.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": sp["client_id"],
                                                     "client_secret": sp["client_secret"]}).json()["access_token"])
    by_sp = _trigger(c, sp_headers, endpoint, kind="schedule", every_seconds=2, overlap="allow")
    _until(c, h, by_sp, lambda f: len(_submitted(f)) >= 1)
    assert c.delete(f"/service-principals/{sp['id']}", headers=h).status_code in (200, 204)
    revoked = _until(c, h, by_sp, lambda f: f[-1]["outcome"] == "skipped" and "creator revoked" in f[-1]["reason"])
    assert revoked[-1]["run_id"] is None

    doomed = f"doomed-{secrets.token_hex(3)}.csv"
    assert c.put(f"/datastores/default/files/{doomed}", content=small_csv(), headers=h).status_code == 201
    refused = _trigger(c, h, endpoint, kind="schedule", every_seconds=2, overlap="allow",
                       parameters={"data_path": f"datastore://default/{doomed}"})
    _until(c, h, refused, lambda f: len(_submitted(f)) >= 1)
    # The file goes away (through the storage layer, as an operator's clean-up would).
    builtin_datastore(backend.settings(), c.get("/me", headers=h).json()["workspace_id"], "default").delete(doomed)
    gone = _until(c, h, refused, lambda f: f[-1]["outcome"] == "skipped" and "(422)" in f[-1]["reason"])
    assert doomed in gone[-1]["reason"] and "parameters.data_path" in gone[-1]["reason"]

    assert c.patch(f"/endpoints/{endpoint['id']}", json={"enabled": False}, headers=h).status_code == 200
    disabled = _trigger(c, h, endpoint, kind="schedule", every_seconds=2)
    skipped = _until(c, h, disabled, lambda f: len(f) >= 1)
    assert skipped[0]["outcome"] == "skipped" and skipped[0]["reason"].startswith("endpoint disabled")


def test_a_skipped_firing_is_a_signed_trigger_skipped_webhook(c, h):
    """The firing and its event are written together; a worker delivers it, signed."""
    from contextlib import contextmanager

    from standardwebhooks import Webhook

    from tests.helpers.receiver import running_receiver

    with contextmanager(running_receiver)() as receiver:
        hook = c.post("/webhooks", headers=h, json={"url": receiver.url("/skipped"),
                                                    "events": ["trigger.skipped"]})
        assert hook.status_code == 201, hook.text
        endpoint = _endpoint(c, h)
        assert c.patch(f"/endpoints/{endpoint['id']}", json={"enabled": False}, headers=h).status_code == 200
        trigger = _trigger(c, h, endpoint, kind="schedule", every_seconds=2)
        skipped = _until(c, h, trigger, lambda f: len(f) >= 1)
        assert skipped[0]["outcome"] == "skipped"
        got = receiver.wait(lambda rs: any(r.path == "/skipped" for r in rs))
        body = Webhook(hook.json()["secret"]).verify(got[0].body, got[0].headers)
        assert body["type"] == "trigger.skipped"
        assert body["data"]["trigger"]["id"] == trigger["id"] and body["data"]["trigger"]["slot"]
        assert body["data"]["reason"].startswith("endpoint disabled")


# Data triggers -----------------------------------------------------------------------------------


def _put(c: httpx.Client, h: dict[str, str], store: str, path: str, data: bytes) -> None:
    response = c.put(f"/datastores/{store}/files/{path}", content=data, headers=h)
    assert response.status_code in (200, 201), response.text


def _watch_story(c: httpx.Client, h: dict[str, str], store: str, endpoint: Json) -> None:
    """A burst of three files, a re-upload of the same bytes, a new file and a changed one,
    watched by a trigger that runs the newest file and one that runs each."""
    folder = f"in-{secrets.token_hex(3)}/"
    _put(c, h, store, folder + "before.csv", small_csv(40))  # there before: the baseline
    time.sleep(1.1)  # a bucket's times are whole seconds: before.csv is older than the trigger
    body = {"kind": "data", "watch": f"datastore://{store}/{folder}", "parameter": "data_path",
            "debounce_seconds": 2, "overlap": "allow"}
    newest = _trigger(c, h, endpoint, **body)
    each = _trigger(c, h, endpoint, each=True, **body)
    assert newest["next_fire_at"] is None and newest["debounce_seconds"] == 2
    # Written at once (before the schedulers' first look): new, not part of the baseline.
    uri = f"datastore://{store}/{folder}"
    for n, name in enumerate(("a.csv", "b.csv", "c.csv")):
        _put(c, h, store, folder + name, small_csv(50 + n))
    [one] = _until(c, h, newest, lambda f: len(f) >= 1)
    assert one["path"] == uri + "c.csv" and one["outcome"] == "submitted", one
    burst = _until(c, h, each, lambda f: len(f) >= 3)
    assert sorted(f["path"] for f in burst) == [uri + "a.csv", uri + "b.csv", uri + "c.csv"]
    assert all(f["outcome"] == "submitted" for f in burst)
    run = c.get(f"/runs/{one['run_id']}", headers=h).json()
    assert run["parameters"]["data_path"] == uri + "c.csv"
    assert run["trigger"] == {"id": newest["id"], "name": newest["name"], "kind": "data", "slot": None,
                              "path": uri + "c.csv", "check": None}

    _put(c, h, store, folder + "a.csv", small_csv(50))  # the same bytes again: nothing
    _put(c, h, store, folder + "d.csv", small_csv(70))
    after = _until(c, h, each, lambda f: len(f) >= 4)
    time.sleep(3)  # more passes of the schedulers over the same files
    after = _firings(c, h, each)
    assert [f["path"] for f in after[3:]] == [uri + "d.csv"], "the re-uploaded file fired again"
    _put(c, h, store, folder + "b.csv", small_csv(80))  # changed bytes: fires again
    changed = _until(c, h, each, lambda f: len(f) >= 5)
    assert changed[4]["path"] == uri + "b.csv" and changed[4]["sha256"] != changed[1]["sha256"]
    # The newest-file trigger ran d.csv and then the changed b.csv (or only b.csv, had the
    # two arrived within one burst); never the re-uploaded a.csv again.
    runs_newest = _until(c, h, newest, lambda f: f[-1]["sha256"] == changed[4]["sha256"])
    assert [f["path"] for f in runs_newest[1:]] in ([uri + "d.csv", uri + "b.csv"], [uri + "b.csv"])
    assert not any(f["path"].endswith("before.csv") for f in changed + runs_newest)


def test_a_data_trigger_on_a_local_datastore_runs_the_new_file(c, h):
    endpoint = _endpoint(c, h)
    _watch_story(c, h, "default", endpoint)


def test_a_data_trigger_on_an_s3_datastore(c, h, seaweed):
    lake = c.post("/datastores", headers=h, json={
        "name": "lake", "kind": "s3", "url": f"s3://{BUCKET}/ws-{secrets.token_hex(3)}",
        "endpoint_url": seaweed.endpoint, "access_key_id": seaweed.access_key,
        "secret_access_key": seaweed.secret_key})
    assert lake.status_code == 201, lake.text
    _watch_story(c, h, "lake", _endpoint(c, h))


def test_a_triggered_data_run_succeeds_on_a_worker(c, h):
    endpoint = _endpoint(c, h, parked=False)
    folder = f"fresh-{secrets.token_hex(3)}/"
    trigger = _trigger(c, h, endpoint, kind="data", watch=f"datastore://default/{folder}", parameter="data_path",
                       debounce_seconds=1)
    _put(c, h, "default", folder + "train.csv", small_csv(90))
    [fired] = _until(c, h, trigger, lambda f: len(f) >= 1)
    run = wait_for(c, h, fired["run_id"])
    assert run["status"] == "succeeded", run["error"]
    assert run["parameters"]["data_path"] == f"datastore://default/{folder}train.csv"


# Bad input and scopes ---------------------------------------------------------------------------


def _problems(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {".".join(map(str, p["loc"])): p["msg"] for p in response.json()["errors"]}


def test_every_problem_of_a_trigger_is_named_at_once(client, admin_headers):
    c, h = client, admin_headers  # the service's default RETRAINER_MIN_TRIGGER_SECONDS (60)
    endpoint = _endpoint(c, h, algorithm="logistic_regression")
    post = lambda body: c.post(f"/endpoints/{endpoint['id']}/triggers", json={"name": "bad", **body}, headers=h)  # noqa: E731
    found = _problems(post({"kind": "schedule", "cron": "61 * * * *", "timezone": "Mars/Olympus",
                            "parameters": {"nope": 1, "data_path": "datastore://default/missing.csv"}}))
    assert set(found) == {"body.cron", "body.timezone", "body.parameters.nope", "body.parameters.data_path"}, found
    assert "IANA" in found["body.timezone"] and "does not exist" in found["body.parameters.data_path"]
    found = _problems(post({"kind": "schedule", "every_seconds": 5, "version": 9}))
    assert set(found) == {"body.every_seconds", "body.version"}
    assert "RETRAINER_MIN_TRIGGER_SECONDS" in found["body.every_seconds"] and "60" in found["body.every_seconds"]
    found = _problems(post({"kind": "schedule", "cron": "0 2 * * *", "every_seconds": 3600}))
    assert "exactly one" in found["body.cron"]
    found = _problems(post({"kind": "data", "watch": "datastore://nowhere/x/", "parameter": "rows",
                            "debounce_seconds": 10}))
    assert set(found) == {"body.watch", "body.parameter", "body.debounce_seconds"}
    assert "nowhere" in found["body.watch"] and "no parameter 'rows'" in found["body.parameter"]
    for watch in ("datastore://default/../up/", "file:///etc/", "datastore://default/no-slash"):
        assert "body.watch" in _problems(post({"kind": "data", "watch": watch, "parameter": "data_path"}))
    found = _problems(post({"kind": "data", "watch": "datastore://default/x/", "parameter": "data_path",
                            "cron": "0 2 * * *"}))
    assert set(found) == {"body.cron"}
    missing = _problems(post({"kind": "data"}))
    assert set(missing) == {"body.watch", "body.parameter"}


def test_a_parameter_that_is_not_a_data_path_is_refused(client, admin_headers):
    c, h = client, admin_headers
    endpoint = _endpoint(c, h)
    draft = small_pipeline()
    draft["parameters"]["note"] = {"type": "string", "default": "x"}
    pipeline = c.post("/pipelines", json=draft, headers=h).json()
    assert c.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"],
                                                                 "make_default": True}, headers=h).status_code == 201
    found = _problems(c.post(f"/endpoints/{endpoint['id']}/triggers", headers=h, json={
        "name": "n", "kind": "data", "watch": "datastore://default/x/", "parameter": "note"}))
    assert "not a data_path" in found["body.parameter"]


def test_trigger_scopes(client, admin_headers, make_user):
    from tests.helpers.api import principal_headers

    c, h = client, admin_headers
    endpoint = _endpoint(c, h)
    trigger = _trigger(c, h, endpoint, kind="schedule", cron="0 3 * * *")
    reader = principal_headers(c, h, ["triggers:read"])
    assert c.get(f"/triggers/{trigger['id']}", headers=reader).status_code == 200
    assert c.get(f"/triggers/{trigger['id']}/firings", headers=reader).status_code == 200
    for response in (c.post(f"/endpoints/{endpoint['id']}/triggers", headers=reader,
                            json={"name": "x", "kind": "schedule", "cron": "0 3 * * *"}),
                     c.patch(f"/triggers/{trigger['id']}", headers=reader, json={"enabled": False}),
                     c.delete(f"/triggers/{trigger['id']}", headers=reader)):
        assert response.status_code == 403 and "triggers:write" in response.text
    no_runs = principal_headers(c, h, ["triggers:write", "endpoints:read"])
    refused = c.post(f"/endpoints/{endpoint['id']}/triggers", headers=no_runs,
                     json={"name": "x", "kind": "schedule", "cron": "0 3 * * *"})
    assert refused.status_code == 403 and "runs:write" in refused.text
    assert c.get(f"/triggers/{trigger['id']}", headers=principal_headers(c, h, ["runs:read"])).status_code == 403
    user = bearer(password_token(c, make_user(workspace=c.get("/me", headers=h).json()["workspace"])))
    assert c.get(f"/triggers/{trigger['id']}", headers=user).status_code == 200
    outsider = bearer(password_token(c, make_user(workspace="other-" + secrets.token_hex(3))))
    assert c.get(f"/triggers/{trigger['id']}", headers=outsider).status_code == 404
    # Changing a trigger makes its runs act with the changer's rights: one who could not run
    # it cannot take it over (the version reads a data path: data:read).
    no_data = principal_headers(c, h, ["triggers:write", "endpoints:read", "runs:write"])
    taken = c.patch(f"/triggers/{trigger['id']}", headers=no_data, json={"enabled": False})
    assert taken.status_code == 403 and "data:read" in taken.text
    operator = principal_headers(c, h, ["triggers:write", "endpoints:read", "runs:write", "data:read"])
    paused = c.patch(f"/triggers/{trigger['id']}", headers=operator, json={"enabled": False})
    assert paused.status_code == 200 and paused.json()["created_by"] == c.get("/me", headers=operator).json()["id"]
    assert c.delete(f"/triggers/{trigger['id']}", headers=h).status_code == 204


# The terminal commands ---------------------------------------------------------------------------


def _cli(url: str, h: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update({"RETRAINER_URL": url, "RETRAINER_TOKEN": h["Authorization"].split()[1], "COLUMNS": "250"})
    return subprocess.run(CLI + ["triggers", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_triggers_commands(c, h, stack):
    url = stack[0].url
    endpoint = _endpoint(c, h)
    made = _cli(url, h, "create", endpoint["name"], "every-two", "--every", "2", "--overlap", "allow",
                "-p", "data_path=datastore://default/small/train.csv")
    assert made.returncode == 0, made.stderr
    assert "created trigger every-two" in made.stdout and "every 2 s" in made.stdout
    listed = _cli(url, h, "list", endpoint["name"], "--json")
    [trigger] = json.loads(listed.stdout)
    assert trigger["name"] == "every-two" and trigger["parameters"] == {"data_path": "datastore://default/small/train.csv"}
    _until(c, h, trigger, lambda f: len(_submitted(f)) >= 1)
    paused = _cli(url, h, "disable", trigger["id"])
    assert paused.returncode == 0 and "paused" in paused.stdout
    table_out = _cli(url, h, "list", endpoint["name"]).stdout
    assert "every-two" in table_out and "paused" in table_out and "submitted" in table_out
    firings = _cli(url, h, "firings", trigger["id"])
    assert firings.returncode == 0 and "submitted" in firings.stdout and "run_" in firings.stdout
    as_json = json.loads(_cli(url, h, "firings", trigger["id"], "--json").stdout)
    assert as_json == _firings(c, h, trigger)[::-1][:20]
    resumed = _cli(url, h, "enable", trigger["id"], "--json")
    assert json.loads(resumed.stdout)["enabled"] is True
    assert _cli(url, h, "disable", trigger["id"]).returncode == 0
    # Refusals: the API's problems, each field named, exit 2.
    bad = _cli(url, h, "create", endpoint["name"], "bad", "--cron", "61 * * * *", "--timezone", "Mars/Olympus")
    assert bad.returncode == 2 and "cron:" in bad.stderr and "timezone:" in bad.stderr
    assert _cli(url, h, "create", endpoint["name"], "none").returncode == 2
    missing = _cli(url, h, "firings", "trg_nope")
    assert missing.returncode == 2 and "trg_nope" in missing.stderr
