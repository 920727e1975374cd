"""Drift that retrains, and ground truth, on UCI Adult against real processes: the API, two
`retrainer scheduler` at once (each check runs once per slot), the suite's worker, a
webhook receiver and the suite's database (PostgreSQL or SQLite).

The income model (version 1) is trained on 3,000 rows of adult.data; the retrain a drift
episode submits trains on the next 3,000. Checks run every second here
(RETRAINER_MIN_TRIGGER_SECONDS lowered); what needs an episode to end, or a cooldown to
pass, is driven in process through the function the scheduler records a check with
(app.deployments.monitoring.record), against the same database, with the time given."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from sklearn import metrics as skm

from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.backends import Backend
from tests.helpers.processes import Server, Worker, start_api, start_scheduler, stop_process
from tests.helpers.receiver import Receiver, running_receiver
from tests.helpers.samples import adult_bytes, income_pipeline
from tests.test_deployments import MODEL, test_rows
from tests.test_monitoring import _shifted
from tests.test_webhooks import verified

FAST = {"RETRAINER_MIN_TRIGGER_SECONDS": "1", "RETRAINER_PREDICTION_LOG_FLUSH_SECONDS": "1"}
Json = dict[str, Any]


def _lines(data: bytes, start: int, stop: int) -> bytes:
    lines = [line for line in data.decode().splitlines() if line.strip()]
    return ("\n".join(lines[start:stop]) + "\n").encode()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


@pytest.fixture(scope="module")
def stack(backend: Backend, worker: Worker, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Server, list[Worker]]]:
    logs = tmp_path_factory.mktemp("drift-logs")
    server = start_api(backend, logs / "api.log", **FAST)
    schedulers = [start_scheduler(backend, logs / f"scheduler-{n}.log", **FAST) for n in (1, 2)]
    try:
        yield server, schedulers
    finally:
        for scheduler in schedulers:
            stop_process(scheduler.process)
        stop_process(server.process)


@pytest.fixture(scope="module")
def trained(stack: tuple[Server, list[Worker]], make_user: Callable[..., Any]) -> Iterator[Json]:
    """A workspace whose income model (version 1) was trained on rows 0-3,000 of adult.data;
    rows 3,000-6,000 wait as the retrain's data."""
    with httpx.Client(base_url=stack[0].url, timeout=120) as client:
        account = make_user(workspace="drift-" + secrets.token_hex(3), admin=True)
        headers = bearer(password_token(client, account))
        for name, (start, stop) in (("first", (0, 3000)), ("next", (3000, 6000))):
            assert client.put(f"/datastores/default/files/census/{name}.data",
                              content=_lines(adult_bytes(), start, stop), headers=headers).status_code == 201
        pipeline = client.post("/pipelines", json=income_pipeline(), headers=headers).json()
        endpoint = client.post("/endpoints", json={"name": "income-" + secrets.token_hex(3)}, headers=headers).json()
        assert client.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"]},
                           headers=headers).status_code == 201
        run = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={
            "parameters": {"data_path": "datastore://default/census/first.data"}}).json()
        done = wait_for(client, headers, run["id"])
        assert done["status"] == "succeeded", done["error"]
        yield {"client": client, "admin": headers, "endpoint": endpoint, "workspace": account.workspace}


def _clean_rows(limit: int | None = None) -> list[Json]:
    # The model was trained on rows without a missing value (its clean step).
    rows = [row for row in test_rows() if None not in row.values()]
    return rows[:limit] if limit else rows


def _serve(client: httpx.Client, headers: dict[str, str], name: str, rows: list[Json]) -> list[Json]:
    answers = []
    for start in range(0, len(rows), 4000):
        answer = client.post(f"/deployments/{name}/predict", headers=headers, json={"rows": rows[start:start + 4000]})
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
    return answers


def _checks(client: httpx.Client, headers: dict[str, str], name: str) -> list[Json]:
    items: list[Json] = []
    cursor = None
    while True:
        page = client.get(f"/deployments/{name}/drift/checks", headers=headers,
                          params={"limit": 200, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return items


def _until(what: Callable[[], Any], seconds: float = 180) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = what()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _logged(client: httpx.Client, headers: dict[str, str], name: str, rows: int) -> None:
    """Waits until `rows` logged rows are in the store (written every second here)."""
    assert _until(lambda: client.get(f"/deployments/{name}/drift", headers=headers,
                                     params={"window": "PT1H"}).json()["rows"] >= rows)


def test_a_drift_episode_sends_one_event_and_submits_one_retrain_the_gate_decides(trained, receiver):
    client, admin, endpoint = trained["client"], trained["admin"], trained["endpoint"]
    name = "watch-" + secrets.token_hex(2)
    hook = client.post("/webhooks", headers=admin, json={"url": receiver.url(f"/{name}"),
                                                         "events": ["deployment.drift_detected"]})
    assert hook.status_code == 201, hook.text
    created = client.post("/deployments", headers=admin, json={
        "name": name, "model": MODEL, "version": 1, "follow": True,
        "monitor": {"check_every_seconds": 1, "retrain": {
            "endpoint": endpoint["name"], "cooldown_seconds": 3600,
            "parameters": {"data_path": "datastore://default/census/next.data"}}}})
    assert created.status_code == 201, created.text
    deployment = created.json()
    assert deployment["monitor"]["retrain"]["endpoint"] == endpoint["name"]

    # Checks before any row: too few rows, nothing measured, no episode.
    assert _until(lambda: _checks(client, admin, name))
    assert not any(c["drifted"] or c["enough_rows"] for c in _checks(client, admin, name))

    rows = _clean_rows(2000)
    _serve(client, admin, name, _shifted(rows))
    _logged(client, admin, name, len(rows))
    first = _until(lambda: [c for c in _checks(client, admin, name) if c["episode_started"]])
    assert len(first) == 1, first
    started = first[0]
    # Several checks of the same episode later: still one event, one run.
    assert _until(lambda: sum(c["episode_id"] == started["id"] for c in _checks(client, admin, name)) >= 4)
    checks = _checks(client, admin, name)
    assert [c["at"] for c in checks] == sorted((c["at"] for c in checks), reverse=True)  # newest first
    episode = [c for c in checks if c["episode_id"] == started["id"]]
    assert all(c["drifted"] for c in episode)
    assert {c["name"] for c in started["columns"] if c["drifted"]} == {"age", "workclass"}
    assert [c["run_id"] for c in checks if c["run_id"]] == [started["run_id"]], checks
    assert not any(c["retrain_note"] for c in checks)

    runs = client.get("/runs", headers=admin, params={"trigger_id": deployment["id"]}).json()["items"]
    assert [r["id"] for r in runs] == [started["run_id"]]
    done = wait_for(client, admin, started["run_id"])
    assert done["status"] == "succeeded", done["error"]
    assert done["trigger"]["kind"] == "drift" and done["trigger"]["name"] == name
    assert done["trigger"]["id"] == deployment["id"] and done["trigger"]["check"] == started["id"]
    assert done["parameters"]["data_path"] == "datastore://default/census/next.data"
    # The follower's gate decided on the retrained version, as for any run.
    effect = next(e for e in done["deployments"] if e["deployment"] == name)
    assert effect["reason"] in ("promoted", "held")
    history = client.get(f"/deployments/{name}/history", headers=admin).json()["items"]
    assert any(e["run_id"] == done["id"] and e["reason"] == effect["reason"] for e in history)

    got = receiver.wait(lambda rs: any(r.path == f"/{name}" for r in rs))
    assert len([r for r in got if r.path == f"/{name}"]) == 1
    body = verified(hook.json()["secret"], next(r for r in got if r.path == f"/{name}"))
    assert body["type"] == "deployment.drift_detected"
    assert body["data"]["deployment"]["name"] == name and body["data"]["check"]["id"] == started["id"]
    assert body["data"]["check"]["run_id"] == started["run_id"]
    deliveries = client.get(f"/webhooks/{hook.json()['id']}/deliveries", headers=admin).json()["items"]
    assert len({d["id"] for d in deliveries}) == 1
    stopped = client.patch(f"/deployments/{name}", headers=admin, json={"monitor": None})
    assert stopped.status_code == 200, stopped.text


def _drift(drifted: bool, enough: bool = True) -> Any:
    from app.core.clock import utcnow
    from app.deployments.schemas import DriftOut

    now = utcnow()
    return DriftOut(rows=500 if enough else 3, reference_rows=1500, version=1, since=now - timedelta(hours=24),
                    until=now, enough_rows=enough, drifted=drifted, columns=[])


def test_episodes_and_the_cooldown_when_checks_come_in_any_order(trained, backend, receiver):
    """One event per episode, one retrain per episode and none within the cooldown, with
    four checks recorded at once (two schedulers, retries): the deployment's row lock
    orders them."""
    from app.core.clock import utcnow
    from app.deployments.monitoring import record
    from app.runtime import Runtime

    client, admin, endpoint = trained["client"], trained["admin"], trained["endpoint"]
    name = "episodes-" + secrets.token_hex(2)
    hook = client.post("/webhooks", headers=admin, json={"url": receiver.url(f"/{name}"),
                                                         "events": ["deployment.drift_detected"]}).json()
    deployment = client.post("/deployments", headers=admin, json={
        "name": name, "model": MODEL, "version": 1,
        "monitor": {"check_every_seconds": None, "retrain": {
            "endpoint": endpoint["id"], "cooldown_seconds": 3600,
            "parameters": {"data_path": "datastore://default/census/next.data"}}}}).json()
    runtime = Runtime.build(backend.settings())
    try:
        def check(drifted: bool, enough: bool = True, later: timedelta = timedelta()) -> None:
            with runtime.unit_of_work() as uow:
                record(uow, runtime.settings, deployment["id"], _drift(drifted, enough),
                       utcnow() + later if later else None)

        start = threading.Barrier(4)

        def racing() -> None:
            start.wait()
            check(True)

        threads = [threading.Thread(target=racing) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first = _checks(client, admin, name)
        assert len(first) == 4 and sum(c["episode_started"] for c in first) == 1
        assert len({c["episode_id"] for c in first}) == 1 and len([c for c in first if c["run_id"]]) == 1
        check(False, enough=False)  # too few rows: neither ends nor starts an episode
        check(True)
        check(False)  # ends the episode
        check(True)  # a second episode within the cooldown: an event, no run
        check(True)
        check(False)
        check(True, later=timedelta(seconds=3601))  # a third, after the cooldown: a run
        checks = _checks(client, admin, name)[::-1]
        # A check past the log's retention deletes the older ones, but those that began an
        # episode or submitted a run (episodes and the cooldown are decided from them).
        check(False, later=timedelta(days=31))
        kept = [c["id"] for c in _checks(client, admin, name)[::-1]]
        assert kept[:-1] == [c["id"] for c in checks if c["episode_started"] or c["run_id"]]
    finally:
        runtime.close()
    assert [c["episode_started"] for c in checks[4:]] == [False, False, False, True, False, False, True]
    assert len({c["episode_id"] for c in checks[:4] + checks[5:6]}) == 1
    assert checks[4]["episode_id"] is None and checks[6]["episode_id"] is None
    assert checks[8]["episode_id"] == checks[7]["id"] and checks[10]["episode_id"] == checks[10]["id"]
    assert "cooldown" in (checks[7]["retrain_note"] or "") and checks[7]["run_id"] is None
    assert checks[8]["retrain_note"] and "cooldown" in checks[8]["retrain_note"]
    assert checks[10]["run_id"] and not checks[10]["retrain_note"]
    runs = client.get("/runs", headers=admin, params={"trigger_id": deployment["id"]}).json()["items"]
    assert {r["id"] for r in runs} == {c["run_id"] for c in checks if c["run_id"]} and len(runs) == 2
    for run in runs:
        client.post(f"/runs/{run['id']}/cancel", headers=admin)
    got = receiver.wait(lambda rs: sum(r.path == f"/{name}" for r in rs) >= 3)
    events = [verified(hook["secret"], r) for r in got if r.path == f"/{name}"]
    assert sorted(e["data"]["check"]["id"] for e in events) == sorted(
        c["id"] for c in checks if c["episode_started"])


def test_a_due_check_is_taken_by_one_scheduler(trained, backend):
    """Four schedulers at the same slot: one checks, three find it taken."""
    from app.core.clock import utcnow
    from app.deployments.monitoring import check
    from app.runtime import Runtime

    client, admin = trained["client"], trained["admin"]
    name = "claimed-" + secrets.token_hex(2)
    deployment = client.post("/deployments", headers=admin, json={
        "name": name, "model": MODEL, "version": 1, "monitor": {"check_every_seconds": 3600}}).json()
    runtimes = [Runtime.build(backend.settings()) for _ in range(4)]
    due = utcnow() + timedelta(seconds=3601)
    start = threading.Barrier(4)
    taken: list[int] = []

    def race(runtime: Runtime) -> None:
        start.wait()
        taken.append(check(runtime, deployment["id"], due))

    threads = [threading.Thread(target=race, args=(r,)) for r in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for runtime in runtimes:
        runtime.close()
    assert sorted(taken) == [0, 0, 0, 1]
    checks = _checks(client, admin, name)
    assert len(checks) == 1 and not checks[0]["enough_rows"] and "RETRAINER_DRIFT_MIN_ROWS" in checks[0]["message"]


def test_a_retrain_is_checked_when_set(trained, make_user):
    client, admin, endpoint = trained["client"], trained["admin"], trained["endpoint"]
    name = "refused-" + secrets.token_hex(2)
    base = {"name": name, "model": MODEL, "version": 1}
    unknown = client.post("/deployments", headers=admin, json={**base, "monitor": {"retrain": {"endpoint": "nope"}}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == [
        "body", "monitor", "retrain", "endpoint"]
    for parameters in ({"no_such_parameter": 1}, {"data_path": "datastore://default/census/missing.data"}):
        bad = client.post("/deployments", headers=admin, json={**base, "monitor": {"retrain": {
            "endpoint": endpoint["name"], "parameters": parameters}}})
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"][0]["loc"][:4] == ["body", "monitor", "retrain", "parameters"], bad.text
    often = client.post("/deployments", headers=admin, json={**base, "monitor": {"check_every_seconds": 0}})
    assert often.status_code == 422
    assert client.post("/deployments", headers=admin, json=base).status_code == 201
    # A principal that may deploy but not run the endpoint cannot make drift run it.
    deployer = principal_headers(client, admin, ["deployments:read", "deployments:write"])
    refused = client.patch(f"/deployments/{name}", headers=deployer,
                           json={"monitor": {"retrain": {"endpoint": endpoint["name"]}}})
    assert refused.status_code == 403 and "runs:write" in refused.text
    assert client.patch(f"/deployments/{name}", headers=deployer,
                        json={"monitor": {"sample": 0.5}}).status_code == 200
    # Another workspace's endpoint does not exist here; its deployments neither.
    other = bearer(password_token(client, make_user(workspace="drift-other-" + secrets.token_hex(3), admin=True)))
    assert client.post("/deployments", headers=other, json={
        "name": "x", "model": MODEL, "version": 1, "monitor": {"retrain": {"endpoint": endpoint["id"]}}}
    ).status_code == 422
    for path in ("drift/checks", "performance"):
        assert client.get(f"/deployments/{name}/{path}", headers=other).status_code == 404
    assert client.post(f"/deployments/{name}/feedback", headers=other, json={
        "items": [{"prediction_id": "prd_x", "label": "a"}]}).status_code == 404


def test_feedback_gives_live_metrics_equal_to_scikit_learn(trained):
    client, admin = trained["client"], trained["admin"]
    name = "truth-" + secrets.token_hex(2)
    assert client.post("/deployments", headers=admin, json={
        "name": name, "model": MODEL, "version": 1, "monitor": {"check_every_seconds": None}}).status_code == 201
    rows = _clean_rows(3000)
    answers = _serve(client, admin, name, rows)  # the label in the row is ignored
    ids = [i for a in answers for i in a["prediction_ids"]]
    predicted = [p for a in answers for p in a["predictions"]]
    classes = answers[0]["classes"]
    scores = [p[classes.index(">50K")] for a in answers for p in a["probabilities"]]
    truth = [r["income"].rstrip(".") for r in rows]
    _logged(client, admin, name, len(rows))

    scorer = principal_headers(client, admin, ["predict"])
    reader = principal_headers(client, admin, ["deployments:read"])
    items = [{"prediction_id": i, "label": t} for i, t in zip(ids, truth, strict=True)]
    assert client.post(f"/deployments/{name}/feedback", headers=reader, json={"items": items[:1]}).status_code == 403
    for start in range(0, len(items), 1000):
        sent = client.post(f"/deployments/{name}/feedback", headers=scorer, json={"items": items[start:start + 1000]})
        assert sent.status_code == 200, sent.text
        assert sent.json() == {"recorded": len(items[start:start + 1000]), "unchanged": 0}
    again = client.post(f"/deployments/{name}/feedback", headers=scorer, json={"items": items[:10]})
    assert again.json() == {"recorded": 0, "unchanged": 10}

    live = client.get(f"/deployments/{name}/performance", headers=admin, params={"window": "PT1H"})
    assert live.status_code == 200, live.text
    body = live.json()
    assert body["rows"] == len(rows)
    version = body["metrics"]["1"]
    assert version["rows"] == len(rows) and version["metric"] == "roc_auc"
    assert abs(version["accuracy"] - skm.accuracy_score(truth, predicted)) < 1e-9
    auc = skm.roc_auc_score(np.asarray(truth) == ">50K", scores)
    assert abs(version["value"] - auc) < 1e-9

    # A correction replaces the label; the metric follows.
    flipped = [{"prediction_id": ids[0], "label": "<=50K" if truth[0] == ">50K" else ">50K"}]
    assert client.post(f"/deployments/{name}/feedback", headers=scorer, json={"items": flipped}).json() == {
        "recorded": 1, "unchanged": 0}
    truth[0] = flipped[0]["label"]
    version = client.get(f"/deployments/{name}/performance", headers=admin).json()["metrics"]["1"]
    assert abs(version["accuracy"] - skm.accuracy_score(truth, predicted)) < 1e-9

    # Unknown ids are named, and nothing of the request is recorded.
    forged = [ids[1][:-1] + "x", "prd_" + "0" * 27 + "_0", ids[2].replace(ids[2][4:15], "0" * 11)]
    refused = client.post(f"/deployments/{name}/feedback", headers=scorer, json={"items": [
        {"prediction_id": ids[1], "label": "<=50K"}] + [{"prediction_id": f, "label": "a"} for f in forged]})
    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["errors"]] == [["body", "items", i, "prediction_id"] for i in (1, 2, 3)]
    assert all(f in refused.json()["detail"] for f in forged)
    # Ids of 101 moments hours apart: too many stretches of the log to read for one request.
    now_ms = int(time.time() * 1000)
    scattered = [f"prd_{now_ms - k * 3_600_000:011x}{secrets.token_hex(8)}_0" for k in range(101)]
    spread = client.post(f"/deployments/{name}/feedback", headers=scorer,
                         json={"items": [{"prediction_id": i, "label": "a"} for i in scattered]})
    assert spread.status_code == 422 and spread.json()["errors"][0]["loc"] == ["body", "items"], spread.text
    too_many = client.post(f"/deployments/{name}/feedback", headers=scorer,
                           json={"items": [{"prediction_id": ids[0], "label": "a"}] * 1001})
    assert too_many.status_code == 422
    long_label = client.post(f"/deployments/{name}/feedback", headers=scorer,
                             json={"items": [{"prediction_id": ids[0], "label": "a" * 201}]})
    assert long_label.status_code == 422
    # Another deployment's predictions are unknown here.
    twin = "truth-twin-" + secrets.token_hex(2)
    assert client.post("/deployments", headers=admin, json={"name": twin, "model": MODEL, "version": 1,
                                                            "monitor": {"check_every_seconds": None}}).status_code == 201
    assert client.post(f"/deployments/{twin}/feedback", headers=scorer, json={"items": items[:2]}).status_code == 422
