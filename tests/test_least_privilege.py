"""A run acts with its submitter's rights: scopes hold through runs, their outputs and
the definitions of published versions."""

from __future__ import annotations

import secrets

import httpx
import pytest

from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.samples import small_csv, small_pipeline


def _assert_insufficient(response: httpx.Response, scope: str) -> None:
    assert response.status_code == 403, response.text
    assert response.json()["type"].endswith("/insufficient-scope")
    assert scope in response.json()["detail"]
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and f'scope="{scope}"' in challenge


@pytest.fixture(scope="module")
def published(api, worker, make_user):
    """A workspace with data, a draft that reads a data path and writes another, published."""
    with httpx.Client(base_url=api.url, timeout=60) as client:
        admin = make_user(workspace="least-" + secrets.token_hex(3), admin=True)
        headers = bearer(password_token(client, admin))
        client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers)
        client.put("/datastores/default/files/secret/salaries.csv", content=small_csv(80), headers=headers)
        body = small_pipeline()
        body["parameters"]["export_path"] = {"type": "data_path", "default": "datastore://default/out/scored.csv"}
        body["steps"]["export"] = {"component": "export_data", "inputs": {"data": "score.scored"},
                                   "settings": {"path": "${{parameters.export_path}}"}}
        pipeline = client.post("/pipelines", json=body, headers=headers).json()
        endpoint = client.post("/endpoints", json={"name": "least-" + secrets.token_hex(3)}, headers=headers).json()
        assert client.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"]},
                           headers=headers).status_code == 201
        run = wait_for(client, headers, client.post(f"/pipelines/{pipeline['id']}/runs", headers=headers,
                                                    json={}).json()["id"])
        assert run["status"] == "succeeded", run["error"]
        yield {"admin": headers, "endpoint": endpoint, "pipeline": pipeline, "run": run, "url": api.url}


def test_a_retrain_reads_data_only_with_data_read(client, published):
    ci = principal_headers(client, published["admin"], ["runs:read", "runs:write", "endpoints:read"])
    before = client.get("/runs", headers=published["admin"]).json()["items"]
    response = client.post(f"/endpoints/{published['endpoint']['id']}/runs", headers=ci, json={
        "parameters": {"data_path": "datastore://default/secret/salaries.csv"}})
    _assert_insufficient(response, "data:read")
    # Decided at submit time: nothing was created, nothing ran.
    assert client.get("/runs", headers=published["admin"]).json()["items"] == before
    dry = client.post(f"/endpoints/{published['endpoint']['id']}/runs?dry_run=true", headers=ci, json={})
    _assert_insufficient(dry, "data:read")


def test_a_run_writes_data_only_with_data_write(client, published):
    reader = principal_headers(client, published["admin"], ["runs:read", "runs:write", "endpoints:read",
                                                              "data:read"])
    response = client.post(f"/endpoints/{published['endpoint']['id']}/runs", headers=reader, json={
        "parameters": {"export_path": "datastore://default/small/train.csv"}})  # would overwrite the data
    _assert_insufficient(response, "data:write")
    writer = principal_headers(client, published["admin"], ["runs:read", "runs:write", "endpoints:read",
                                                              "data:read", "data:write"])
    accepted = client.post(f"/endpoints/{published['endpoint']['id']}/runs?dry_run=true", headers=writer,
                           json={"parameters": {"export_path": "datastore://default/out/again.csv"}})
    assert accepted.status_code == 200, accepted.text


def test_a_rerun_acts_with_the_rights_of_who_asks(client, published):
    runner = principal_headers(client, published["admin"], ["runs:read", "runs:write"])
    _assert_insufficient(client.post(f"/runs/{published['run']['id']}/rerun", headers=runner, json={}),
                         "data:read")


def test_outputs_download_with_the_scope_of_what_they_hold(client, published):
    run_id = published["run"]["id"]
    runs_only = principal_headers(client, published["admin"], ["runs:read"])
    listed = client.get(f"/runs/{run_id}/outputs", headers=runs_only).json()["items"]
    kinds = {(o["step"], o["port"]): o["type"] for o in listed}
    assert kinds[("import", "data")] == "dataset" and kinds[("train", "model")] == "model"
    _assert_insufficient(client.get(f"/runs/{run_id}/outputs/import/data", headers=runs_only), "data:read")
    _assert_insufficient(client.get(f"/runs/{run_id}/outputs/train/model", headers=runs_only), "models:read")
    metrics = client.get(f"/runs/{run_id}/outputs/evaluate/metrics", headers=runs_only)
    assert metrics.status_code == 200 and "accuracy" in metrics.json()

    full = principal_headers(client, published["admin"], ["runs:read", "data:read", "models:read"])
    assert client.get(f"/runs/{run_id}/outputs/import/data", headers=full).status_code == 200
    assert client.get(f"/runs/{run_id}/outputs/train/model", headers=full).status_code == 200


def test_step_definitions_of_a_version_need_pipelines_read(client, published):
    endpoint = published["endpoint"]["id"]
    retrainer = principal_headers(client, published["admin"], ["endpoints:read", "runs:write"])
    version = client.get(f"/endpoints/{endpoint}/versions/1", headers=retrainer).json()
    assert version["steps"] is None
    assert set(version["parameters"]) == {"data_path", "export_path"}  # what a retrain may set
    listed = client.get(f"/endpoints/{endpoint}/versions", headers=retrainer).json()["items"]
    assert all(v["steps"] is None for v in listed)
    designer = principal_headers(client, published["admin"], ["endpoints:read", "pipelines:read"])
    full = client.get(f"/endpoints/{endpoint}/versions/1", headers=designer).json()
    assert full["steps"]["import"]["settings"] == {"path": "${{parameters.data_path}}"}

