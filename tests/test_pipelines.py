"""Draft pipelines over HTTP: the routes, their scopes and problem documents. What the
service decides (every invalid pipeline, digests, privacy) is tested in process, in
tests/pipelines/test_service.py."""

from __future__ import annotations

import copy
import secrets

from tests.helpers.api import bearer, password_token
from tests.helpers.samples import income_pipeline, small_pipeline


def _locs(response) -> list[tuple]:
    return [tuple(e["loc"]) for e in response.json()["errors"]]


def test_components_are_listed_with_ports_and_settings_schema(client, admin_headers):
    response = client.get("/components", headers=admin_headers)
    assert response.status_code == 200
    items = {c["name"]: c for c in response.json()["items"]}
    assert {"import_data", "export_data", "select_columns", "clean_missing_data", "normalize_data",
            "split_data", "train_model", "score_model", "evaluate_model"} <= set(items)
    train = items["train_model"]
    assert train["version"] and train["description"]
    assert train["inputs"][0]["type"] == "dataset" and train["outputs"][0]["type"] == "model"
    assert "label_column" in train["settings"]["properties"]


def test_create_get_replace_list_delete(client, admin_headers):
    body = income_pipeline()
    created = client.post("/pipelines", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    pipeline = created.json()
    assert created.headers["location"] == f"/pipelines/{pipeline['id']}"
    assert pipeline["name"] == "income-prediction" and len(pipeline["digest"]) == 64
    assert pipeline["parameters"]["data_path"]["type"] == "data_path"
    got = client.get(f"/pipelines/{pipeline['id']}", headers=admin_headers).json()
    assert got["digest"] == pipeline["digest"]

    changed = copy.deepcopy(body)
    changed["steps"]["split"]["settings"]["fraction"] = 0.7
    replaced = client.put(f"/pipelines/{pipeline['id']}", json=changed, headers=admin_headers)
    assert replaced.status_code == 200
    assert replaced.json()["digest"] != pipeline["digest"]
    assert replaced.json()["steps"]["split"]["settings"]["fraction"] == 0.7

    ids = [p["id"] for p in client.get("/pipelines?limit=500", headers=admin_headers).json()["items"]]
    assert pipeline["id"] in ids
    assert client.delete(f"/pipelines/{pipeline['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"/pipelines/{pipeline['id']}", headers=admin_headers).status_code == 404


















def test_writing_needs_pipelines_write(client, admin):
    token = password_token(client, admin, scope="pipelines:read")
    response = client.post("/pipelines", json=small_pipeline(), headers=bearer(token))
    assert response.status_code == 403


def test_deeply_nested_settings_are_422_not_500(client, admin_headers):
    body = small_pipeline()
    deep: list = []
    node = deep
    for _ in range(900):
        node.append([])
        node = node[0]
    body["steps"]["import"]["settings"]["column_names"] = deep
    response = client.post("/pipelines", json=body, headers=admin_headers)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_non_ascii_basic_credentials_are_invalid_client(client):
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": "Basic \u00e9t\u00e9".encode("latin-1")})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_an_empty_draft_is_kept_but_neither_runs_nor_publishes(client, admin_headers):
    """The studio starts a pipeline from a name alone; what cannot run says why."""
    created = client.post("/pipelines", json={"name": "blank"}, headers=admin_headers)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["steps"] == {} and draft["layout"] is None
    run = client.post(f"/pipelines/{draft['id']}/runs", json={}, headers=admin_headers)
    assert run.status_code == 422
    assert run.json()["errors"] == [{"loc": ["pipeline", "steps"],
                                     "msg": "the pipeline 'blank' has no steps yet: add at least one step to the draft"}]
    endpoint = client.post("/endpoints", json={"name": "blank-" + secrets.token_hex(3)}, headers=admin_headers).json()
    published = client.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": draft["id"]},
                            headers=admin_headers)
    assert published.status_code == 422
    assert [e["loc"] for e in published.json()["errors"]] == [["body", "pipeline_id"]]


def test_layout_is_kept_with_the_draft_outside_the_digest(client, admin_headers):
    body = income_pipeline()
    plain = client.post("/pipelines", json=body, headers=admin_headers).json()
    placed = client.post("/pipelines", json={**body, "layout": {"import": {"x": 10, "y": 20.5}}},
                         headers=admin_headers)
    assert placed.status_code == 201, placed.text
    assert placed.json()["layout"] == {"import": {"x": 10, "y": 20.5}}
    assert placed.json()["digest"] == plain["digest"]  # where a step is drawn is not what runs
    moved = client.put(f"/pipelines/{plain['id']}", json={**body, "layout": {"train": {"x": 400, "y": 0}}},
                       headers=admin_headers)
    assert moved.status_code == 200 and moved.json()["digest"] == plain["digest"]
    assert client.get(f"/pipelines/{plain['id']}", headers=admin_headers).json()["layout"] == {"train": {"x": 400, "y": 0}}
    # Published with the draft, so that "Edit as new draft" draws it the same way.
    endpoint = client.post("/endpoints", json={"name": "laid-out-" + secrets.token_hex(3)}, headers=admin_headers).json()
    client.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": plain["id"]}, headers=admin_headers)
    version = client.get(f"/endpoints/{endpoint['id']}/versions/1", headers=admin_headers).json()
    assert version["layout"] == {"train": {"x": 400, "y": 0}} and version["pipeline_digest"] == plain["digest"]


def test_a_bad_layout_is_refused_where_it_is_wrong(client, admin_headers):
    body = income_pipeline()
    layout = {"import": {"x": -1, "y": 0}, "train": {"x": 0, "y": 1e9}, "ghost": {"x": 0, "y": 0},
              "clean": {"x": 1, "y": 2, "z": 3}, "split": {"x": "left", "y": 0}}
    response = client.post("/pipelines", json={**body, "layout": layout}, headers=admin_headers)
    assert response.status_code == 422
    locs = _locs(response)
    for loc in (("body", "layout", "import", "x"), ("body", "layout", "train", "y"),
                ("body", "layout", "clean", "z"), ("body", "layout", "split", "x")):
        assert loc in locs, (loc, locs)
    ghost = client.post("/pipelines", json={**body, "layout": {"ghost": {"x": 0, "y": 0}}}, headers=admin_headers)
    assert ghost.status_code == 422 and _locs(ghost) == [("body", "layout", "ghost")]
    # Bounded in size: a layout of many entries is refused before anything is looked at.
    huge = {f"s{i}": {"x": 0, "y": 0} for i in range(1001)}
    too_many = client.post("/pipelines", json={**body, "layout": huge}, headers=admin_headers)
    assert too_many.status_code == 422 and ("body", "layout") in _locs(too_many)
