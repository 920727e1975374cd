"""Pipeline endpoints over HTTP with a worker: publish versions, retrain over REST,
idempotency, reuse, long-poll. The service's refusals (versions, disabled endpoints, bad
parameters, names) are tested in process, in tests/endpoints/test_service.py."""

from __future__ import annotations

import concurrent.futures
import copy
import json
import secrets

import httpx
import pytest

from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.samples import EXAMPLE, adult_bytes, income_pipeline, small_csv, small_pipeline


def _endpoint(client, headers, name: str | None = None) -> dict:
    response = client.post("/endpoints", json={"name": name or "ep-" + secrets.token_hex(4),
                                               "description": "test endpoint"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _publish(client, headers, endpoint: str, pipeline_id: str, **extra) -> dict:
    response = client.post(f"/endpoints/{endpoint}/versions", json={"pipeline_id": pipeline_id, **extra},
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _small_endpoint(client, headers, **pipeline_kwargs) -> tuple[dict, dict]:
    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers)
    pipeline = client.post("/pipelines", json=small_pipeline(**pipeline_kwargs), headers=headers).json()
    endpoint = _endpoint(client, headers)
    _publish(client, headers, endpoint["id"], pipeline["id"])
    return endpoint, pipeline


# The retraining story on the Adult data -----------------------------------------------------


@pytest.fixture(scope="module")
def story(api, worker, make_user):
    """Train on the US rows, publish v1; edit the draft, publish v2; a CI principal with only
    runs:write runs:read endpoints:read retrains version 1 on the non-US rows."""
    with httpx.Client(base_url=api.url, timeout=60) as client:
        admin = make_user(workspace="story-" + secrets.token_hex(3), admin=True)
        headers = bearer(password_token(client, admin))
        client.put("/datastores/default/files/census/adult.data", content=adult_bytes(), headers=headers)
        prepare = client.post("/pipelines", json=json.loads((EXAMPLE / "prepare.json").read_text()),
                              headers=headers).json()
        prepared = wait_for(client, headers, client.post(f"/pipelines/{prepare['id']}/runs", headers=headers,
                                                         json={}).json()["id"])
        assert prepared["status"] == "succeeded", prepared["error"]

        body = income_pipeline()
        body["parameters"]["data_path"]["default"] = "datastore://default/census/us.csv"
        body["steps"]["import"]["settings"] = {"path": "${{parameters.data_path}}"}  # CSV with a header
        draft = client.post("/pipelines", json=body, headers=headers).json()
        us_run = wait_for(client, headers, client.post(f"/pipelines/{draft['id']}/runs", headers=headers,
                                                       json={"experiment": "us"}).json()["id"])
        assert us_run["status"] == "succeeded", us_run["error"]

        endpoint = _endpoint(client, headers, name="census-income-" + secrets.token_hex(3))
        v1 = _publish(client, headers, endpoint["name"], draft["id"], description="boosted trees")
        edited = copy.deepcopy(body)
        edited["steps"]["train"]["settings"]["algorithm"] = "logistic_regression"
        edited["steps"]["train"]["settings"]["hyperparameters"] = {"C": 0.5}
        edited["parameters"].pop("learning_rate")
        assert client.put(f"/pipelines/{draft['id']}", json=edited, headers=headers).status_code == 200
        v2 = _publish(client, headers, endpoint["id"], draft["id"], description="logistic regression")

        sp = client.post("/service-principals", headers=headers, json={
            "name": "ci-retrain", "scopes": ["runs:write", "runs:read", "endpoints:read", "data:read"]}).json()
        ci_token = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                     "client_id": sp["client_id"],
                                                     "client_secret": sp["client_secret"]}).json()["access_token"]
        ci = bearer(ci_token)
        submitted = client.post(f"/endpoints/{endpoint['name']}/runs", headers=ci, json={
            "parameters": {"data_path": "datastore://default/census/non-us.csv"},
            "version": 1, "experiment": "non-us-retrain"})
        assert submitted.status_code == 202, submitted.text
        retrained = wait_for(client, ci, submitted.json()["id"])
        yield {"client": client, "headers": headers, "ci": ci, "endpoint": endpoint, "v1": v1, "v2": v2,
               "draft": draft, "body": body, "us_run": us_run, "submitted": submitted, "retrained": retrained}


def test_versions_are_immutable_snapshots(story):
    client, headers, endpoint = story["client"], story["headers"], story["endpoint"]
    assert story["v1"]["version"] == 1 and story["v2"]["version"] == 2
    assert story["v1"]["is_default"] is True  # the first version is the default
    v1 = client.get(f"/endpoints/{endpoint['id']}/versions/1", headers=headers).json()
    assert v1["steps"]["train"]["settings"]["algorithm"] == "boosted_decision_tree"  # the edit did not touch it
    assert v1["parameters"]["data_path"]["default"] == "datastore://default/census/us.csv"
    assert v1["pipeline_digest"] == story["draft"]["digest"]
    v2 = client.get(f"/endpoints/{endpoint['name']}/versions/2", headers=headers).json()
    assert v2["steps"]["train"]["settings"]["algorithm"] == "logistic_regression"
    assert v2["pipeline_digest"] != v1["pipeline_digest"] and v2["is_default"] is False
    listed = client.get(f"/endpoints/{endpoint['id']}/versions", headers=headers).json()["items"]
    assert [v["version"] for v in listed] == [1, 2]
    got = client.get(f"/endpoints/{endpoint['name']}", headers=headers).json()
    assert got["id"] == endpoint["id"] and got["default_version"] == 1 and got["latest_version"] == 2


def test_ci_principal_retrains_version_1_on_non_us_rows(story):
    run = story["retrained"]
    assert story["submitted"].headers["location"] == f"/runs/{run['id']}"
    assert run["status"] == "succeeded", run["error"]
    assert run["endpoint_id"] == story["endpoint"]["id"] and run["endpoint_version"] == 1
    assert run["pipeline_digest"] == story["v1"]["pipeline_digest"]
    assert run["parameters"] == {"data_path": "datastore://default/census/non-us.csv", "learning_rate": 0.1}
    assert run["experiment"] == "non-us-retrain"
    # Different data: nothing is reused from the US run.
    assert all(step["reused_from"] is None for step in run["steps"])


def test_new_model_version_lineage_shows_the_non_us_path(story):
    client, headers = story["client"], story["headers"]
    model = story["retrained"]["model"]
    assert model["name"] == "income-prediction" and model["version"] == 2  # v1 came from the US draft run
    version = client.get(f"/models/income-prediction/versions/{model['version']}", headers=headers).json()
    lineage = version["lineage"]
    assert lineage["endpoint_id"] == story["endpoint"]["id"] and lineage["endpoint_version"] == 1
    assert lineage["parameters"]["data_path"] == "datastore://default/census/non-us.csv"
    assert [d["path"] for d in lineage["data"]] == ["datastore://default/census/non-us.csv"]
    assert lineage["run_id"] == story["retrained"]["id"]


def test_ci_principal_cannot_publish_or_see_models(story):
    client, ci, endpoint = story["client"], story["ci"], story["endpoint"]
    publish = client.post(f"/endpoints/{endpoint['id']}/versions", headers=ci,
                          json={"pipeline_id": story["draft"]["id"]})
    assert publish.status_code == 403 and 'scope="endpoints:write"' in publish.headers["www-authenticate"]
    assert client.get("/models", headers=ci).status_code == 403
    assert client.get(f"/endpoints/{endpoint['id']}", headers=ci).status_code == 200


def test_default_version_switching_and_dry_run(story):
    client, headers, ci, endpoint = story["client"], story["headers"], story["ci"], story["endpoint"]
    dry = client.post(f"/endpoints/{endpoint['id']}/runs?dry_run=true", headers=ci, json={})
    assert dry.status_code == 200
    assert dry.json() == {"endpoint_id": endpoint["id"], "version": 1, "pipeline_digest": story["v1"]["pipeline_digest"],
                          "parameters": {"data_path": "datastore://default/census/us.csv", "learning_rate": 0.1}}
    patched = client.patch(f"/endpoints/{endpoint['name']}", headers=headers, json={"default_version": 2})
    assert patched.status_code == 200 and patched.json()["default_version"] == 2
    dry = client.post(f"/endpoints/{endpoint['id']}/runs?dry_run=true", headers=ci, json={}).json()
    assert dry["version"] == 2 and dry["parameters"] == {"data_path": "datastore://default/census/us.csv"}
    client.patch(f"/endpoints/{endpoint['id']}", headers=headers, json={"default_version": 1})
    runs_before = client.get(f"/runs?endpoint_id={endpoint['id']}", headers=ci).json()["items"]
    assert len(runs_before) == 1  # dry runs created nothing






# Idempotency -------------------------------------------------------------------------------------


def test_idempotency_key_replays_and_refuses_a_different_body(client, admin_headers, worker):
    endpoint, _ = _small_endpoint(client, admin_headers)
    key = "key-" + secrets.token_hex(8)
    headers = {**admin_headers, "Idempotency-Key": key}
    first = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={"experiment": "idem"})
    assert first.status_code == 202
    replay = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={"experiment": "idem"})
    assert replay.status_code == 202
    assert replay.json() == first.json() and replay.headers["location"] == first.headers["location"]
    other = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={"experiment": "other"})
    assert other.status_code == 422 and other.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    runs = client.get(f"/runs?endpoint_id={endpoint['id']}", headers=admin_headers).json()["items"]
    assert [r["id"] for r in runs] == [first.json()["id"]]


def test_idempotency_keys_are_each_principals_own(client, admin_headers):
    """A CI job's predictable key cannot be squatted: another principal of the workspace
    sending it (same body or another) gets a run of its own, never the first caller's run
    (a replay) or a 422; each caller repeating its request still gets its own replay."""
    endpoint, _ = _small_endpoint(client, admin_headers)
    key = "ci-nightly-" + secrets.token_hex(4)
    scopes = ["runs:write", "runs:read", "endpoints:read", "data:read"]
    callers = {"admin": admin_headers, "ci": principal_headers(client, admin_headers, scopes),
               "squatter": principal_headers(client, admin_headers, scopes)}
    bodies = {"admin": {"experiment": "idem-own"}, "ci": {"experiment": "idem-own"},
              "squatter": {"experiment": "idem-squat"}}
    url = f"/endpoints/{endpoint['id']}/runs"
    firsts = {}
    for name, headers in callers.items():
        response = client.post(url, headers={**headers, "Idempotency-Key": key}, json=bodies[name])
        assert response.status_code == 202, (name, response.text)
        assert "idempotency-replayed" not in response.headers, name
        firsts[name] = response.json()["id"]
    assert len(set(firsts.values())) == 3
    for name, headers in callers.items():
        again = client.post(url, headers={**headers, "Idempotency-Key": key}, json=bodies[name])
        assert (again.status_code, again.json()["id"], again.headers.get("idempotency-replayed")) == \
            (202, firsts[name], "true"), name
    runs = client.get(f"/runs?endpoint_id={endpoint['id']}", headers=admin_headers).json()["items"]
    assert sorted(r["id"] for r in runs) == sorted(firsts.values())
    for run_id in firsts.values():  # nobody needs them run
        client.post(f"/runs/{run_id}/cancel", headers=admin_headers)


def test_concurrent_requests_with_one_key_create_exactly_one_run(api, client, admin_headers, worker):
    endpoint, _ = _small_endpoint(client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": "burst-" + secrets.token_hex(8)}

    def submit(_):
        with httpx.Client(base_url=api.url, timeout=60) as c:
            return c.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={})

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(submit, range(8)))
    assert [r.status_code for r in responses] == [202] * 8, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    runs = client.get(f"/runs?endpoint_id={endpoint['id']}", headers=admin_headers).json()["items"]
    assert len(runs) == 1


def test_a_burst_larger_than_the_connection_pool_is_answered(api, client, admin_headers):
    """48 submissions at once, more than the API's database pool holds (SQLite 5 + 10,
    PostgreSQL 10 + 20) and than its thread pool runs (40): each is answered. A request that
    held a read connection while it waited for a second one to write stalled them all until
    the pool's timeout (seen as a stuck server under load), then answered 500."""
    endpoint, _ = _small_endpoint(client, admin_headers)

    def submit(_):
        with httpx.Client(base_url=api.url, timeout=120) as c:
            return c.post(f"/endpoints/{endpoint['id']}/runs", headers=admin_headers, json={})

    with concurrent.futures.ThreadPoolExecutor(max_workers=48) as pool:
        responses = list(pool.map(submit, range(48)))
    assert [r.status_code for r in responses] == [202] * 48, [r.text for r in responses if r.status_code != 202]
    for response in responses:  # nobody needs them run
        client.post(f"/runs/{response.json()['id']}/cancel", headers=admin_headers)


def test_failed_request_releases_the_key(client, admin_headers):
    endpoint, _ = _small_endpoint(client, admin_headers)
    headers = {**admin_headers, "Idempotency-Key": "fix-" + secrets.token_hex(8)}
    bad = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers,
                      json={"parameters": {"data_path": "datastore://default/small/missing.csv"}})
    assert bad.status_code == 422
    good = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers,
                       json={"parameters": {"data_path": "datastore://default/small/missing.csv"}})
    assert good.status_code == 422  # still invalid: nothing was stored for the key
    client.put("/datastores/default/files/small/missing.csv", content=small_csv(), headers=admin_headers)
    fixed = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers,
                        json={"parameters": {"data_path": "datastore://default/small/missing.csv"}})
    assert fixed.status_code == 202




def test_a_retrain_that_reuses_its_train_step_registers_no_new_version(client, make_user, worker):
    """The same retrain twice: the second reuses every step, registers nothing (its model is
    the first's version), and the gate of a deployment following the model is not run again."""
    headers = bearer(password_token(client, make_user(workspace="reuse-model-" + secrets.token_hex(3), admin=True)))
    endpoint, _ = _small_endpoint(client, headers)

    def retrain() -> dict:
        run = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={}).json()
        done = wait_for(client, headers, run["id"])
        assert done["status"] == "succeeded", done["error"]
        return done

    def versions() -> list[dict]:
        response = client.get("/models/small/versions", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def history() -> list[dict]:
        return client.get("/deployments/small-follows/history", headers=headers).json()["items"]

    first = retrain()
    assert first["model"] == {"name": "small", "version": 1}
    assert client.post("/deployments", headers=headers, json={"name": "small-follows", "model": "small",
                                                              "follow": True}).status_code == 201
    sha256 = versions()[0]["sha256"]

    second = retrain()
    assert {s["name"]: s["reused_from"] for s in second["steps"]} == {s["name"]: first["id"] for s in first["steps"]}
    assert second["model"] == first["model"]  # the version it reused, not a copy of it
    assert [(v["version"], v["sha256"], v["lineage"]["run_id"]) for v in versions()] == [(1, sha256, first["id"])]
    assert client.get("/models", headers=headers).json()["items"][0]["versions"] == 1
    # No new version, so no gate: the follower keeps version 1 and its history says nothing new.
    assert second["deployments"] == []
    assert [e["reason"] for e in history()] == ["created"]

    # New data trains a new model: it is registered, and the follower's gate decides on it.
    client.put("/datastores/default/files/small/train.csv", content=small_csv(rows=80), headers=headers)
    third = retrain()
    assert third["model"] == {"name": "small", "version": 2}
    assert len(versions()) == 2
    decided = history()[0]
    assert decided["reason"] in ("promoted", "held") and decided["run_id"] == third["id"]
    assert [e["deployment"] for e in third["deployments"]] == ["small-follows"]


def test_rerun_resumes_a_failed_run_where_it_failed(client, make_user, worker):
    headers = bearer(password_token(client, make_user(workspace="rerun-" + secrets.token_hex(3))))
    endpoint, _ = _small_endpoint(client, headers)
    client.put("/datastores/default/files/small/bad.csv", headers=headers,
               content=b"x1,x2,color,y\n" + b"".join(f"{i},{i},red,same\n".encode() for i in range(30)))
    failed = wait_for(client, headers, client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers, json={
        "parameters": {"data_path": "datastore://default/small/bad.csv"}}).json()["id"])
    assert failed["status"] == "failed" and failed["error"]["step"] == "train"

    rerun = client.post(f"/runs/{failed['id']}/rerun", headers=headers,
                        json={"parameters": {"data_path": "datastore://default/small/train.csv"}})
    assert rerun.status_code == 202 and rerun.headers["location"] == f"/runs/{rerun.json()['id']}"
    done = wait_for(client, headers, rerun.json()["id"])
    assert done["status"] == "succeeded" and done["endpoint_version"] == failed["endpoint_version"]

    # Same data again: the steps that succeeded before are reused, the failed one runs again.
    client.put("/datastores/default/files/small/bad.csv", headers=headers,
               content=b"x1,x2,color,y\n" + b"".join(f"{i},{i},red,same\n".encode() for i in range(30)))
    again = wait_for(client, headers, client.post(f"/runs/{failed['id']}/rerun", headers=headers,
                                                  json={}).json()["id"])
    reused = {s["name"]: s["reused_from"] for s in again["steps"]}
    assert reused["import"] == failed["id"] and reused["split"] == failed["id"]
    assert again["status"] == "failed" and again["error"]["step"] == "train"
    unknown = client.post(f"/runs/{failed['id']}/rerun", headers=headers, json={"parameters": {"nope": 1}})
    assert unknown.status_code == 422


# Waiting without polling --------------------------------------------------------------------------------


def test_long_poll_returns_on_change_and_304_when_nothing_changes(client, admin_headers, worker):
    endpoint, _ = _small_endpoint(client, admin_headers)
    run_id = client.post(f"/endpoints/{endpoint['id']}/runs", headers=admin_headers,
                         json={"regenerate": True}).json()["id"]
    first = client.get(f"/runs/{run_id}", headers=admin_headers)
    etag = first.headers["etag"]
    seen = [first.json()["status"]]
    while seen[-1] not in ("succeeded", "failed", "canceled"):
        response = client.get(f"/runs/{run_id}?wait=30", headers={**admin_headers, "If-None-Match": etag})
        assert response.status_code == 200 and response.headers["etag"] != etag
        etag = response.headers["etag"]
        seen.append(response.json()["status"])
    assert seen[-1] == "succeeded"
    unchanged = client.get(f"/runs/{run_id}?wait=1", headers={**admin_headers, "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.headers["etag"] == etag
    # Without If-None-Match, wait returns once the run is finished.
    finished = client.get(f"/runs/{run_id}?wait=5", headers=admin_headers)
    assert finished.status_code == 200 and finished.json()["status"] == "succeeded"
    too_long = client.get(f"/runs/{run_id}?wait=61", headers=admin_headers)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["loc"] == ["query", "wait"]


def test_endpoint_names_are_checked_at_the_edge(client, admin_headers):
    bad = client.post("/endpoints", json={"name": "has space"}, headers=admin_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "name"]


def test_out_of_range_numbers_are_422_not_500(client, admin_headers):
    """Found by fuzzing the OpenAPI spec (schemathesis): a version number beyond what the
    database stores must be refused as input, not crash the query."""
    endpoint = _endpoint(client, admin_headers)
    huge = 10**20
    patched = client.patch(f"/endpoints/{endpoint['id']}", headers=admin_headers, json={"default_version": huge})
    assert patched.status_code == 422 and patched.json()["errors"][0]["loc"] == ["body", "default_version"]
    for path in (f"/endpoints/{endpoint['id']}/versions/{huge}", f"/models/anything/versions/{huge}"):
        response = client.get(path, headers=admin_headers)
        assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["path", "version"]
    retrain = client.post(f"/endpoints/{endpoint['id']}/runs", headers=admin_headers, json={"version": huge})
    assert retrain.status_code == 422
    from app.core.paging import encode_cursor

    page = client.get(f"/endpoints/{endpoint['id']}/versions?cursor={encode_cursor(str(huge))}", headers=admin_headers)
    assert page.status_code == 422 and page.json()["errors"][0]["loc"] == ["query", "cursor"]
