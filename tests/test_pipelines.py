"""Draft pipelines: CRUD, and every kind of invalid pipeline refused with 422 and locations."""

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


def test_same_definition_same_digest(client, admin_headers):
    a = client.post("/pipelines", json=income_pipeline(), headers=admin_headers).json()
    b = client.post("/pipelines", json=income_pipeline(), headers=admin_headers).json()
    assert a["id"] != b["id"] and a["digest"] == b["digest"]


def test_every_problem_is_reported_at_once_with_its_location(client, admin_headers):
    body = {
        "name": "broken",
        "parameters": {
            "rate": {"type": "number", "default": "fast"},
            "kind": {"type": "enum"},
        },
        "steps": {
            "import": {"component": "import_data", "settings": {"path": "${{parameters.missing}}"}},
            "mystery": {"component": "no_such_component"},
            "clean": {"component": "clean_missing_data", "inputs": {"data": "import.nope"},
                      "settings": {"mode": "sideways"}},
            "train": {"component": "train_model", "inputs": {"data": "ghost.data"},
                      "settings": {"label_column": "y", "algorithm": "boosted_decision_tree",
                                   "hyperparameters": {"learning_rate": -1, "depth": 3}, "colour": "red"}},
            "score": {"component": "score_model",
                      "inputs": {"model": "import.data", "data": "clean.data"}},
        },
    }
    response = client.post("/pipelines", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    locs = _locs(response)
    expected = [
        ("body", "parameters", "rate", "default"),           # default of the wrong type
        ("body", "parameters", "kind", "choices"),           # enum without choices
        ("body", "steps", "import", "settings", "path"),     # undefined parameter
        ("body", "steps", "mystery", "component"),           # unknown component
        ("body", "steps", "clean", "inputs", "data"),        # unknown output port
        ("body", "steps", "clean", "settings", "mode"),      # invalid setting value
        ("body", "steps", "train", "inputs", "data"),        # dangling input
        ("body", "steps", "train", "settings", "colour"),    # unknown setting
        ("body", "steps", "score", "inputs", "model"),       # ill-typed input (dataset -> model)
    ]
    for loc in expected:
        assert loc in locs, (loc, response.json()["errors"])
    messages = " ".join(e["msg"] for e in response.json()["errors"])
    assert "no_such_component" in messages and "ghost" in messages and "missing" in messages


def test_invalid_hyperparameters_name_the_field_and_the_allowed_ones(client, admin_headers):
    body = small_pipeline(algorithm="boosted_decision_tree")
    body["steps"]["train"]["settings"]["hyperparameters"] = {"learning_rate": -1, "depth": 3}
    response = client.post("/pipelines", json=body, headers=admin_headers)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["loc"][:4] == ["body", "steps", "train", "settings"]
    assert "learning_rate" in error["msg"] and "depth" in error["msg"] and "max_leaf_nodes" in error["msg"]


def test_cycle_is_refused(client, admin_headers):
    body = {"name": "loop", "steps": {
        "a": {"component": "select_columns", "inputs": {"data": "b.data"}, "settings": {"columns": ["x"]}},
        "b": {"component": "select_columns", "inputs": {"data": "a.data"}, "settings": {"columns": ["x"]}},
    }}
    response = client.post("/pipelines", json=body, headers=admin_headers)
    assert response.status_code == 422
    cycle = [e for e in response.json()["errors"] if e["loc"] == ["body", "steps"]]
    assert cycle and "cycle" in cycle[0]["msg"] and "a" in cycle[0]["msg"]


def test_missing_input_and_unknown_fields(client, admin_headers):
    body = small_pipeline()
    del body["steps"]["train"]["inputs"]
    body["steps"]["score"]["extra"] = 1
    response = client.post("/pipelines", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert ("body", "steps", "score", "extra") in _locs(response)


def test_partial_parameter_reference_is_refused(client, admin_headers):
    body = small_pipeline()
    body["steps"]["import"]["settings"]["path"] = "datastore://default/${{parameters.data_path}}"
    response = client.post("/pipelines", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert ("body", "steps", "import", "settings", "path") in _locs(response)
    assert "whole value" in response.json()["errors"][0]["msg"]


def test_data_path_default_outside_a_datastore_is_refused(client, admin_headers):
    for bad in ["/etc/passwd", "file:///etc/passwd", "datastore://default/../x.csv", "s3://bucket/x.csv"]:
        body = small_pipeline(path=bad)
        response = client.post("/pipelines", json=body, headers=admin_headers)
        assert response.status_code == 422, bad
        assert ("body", "parameters", "data_path", "default") in _locs(response)


def test_pipelines_are_private_to_their_workspace(client, admin_headers, make_user):
    pipeline = client.post("/pipelines", json=small_pipeline(), headers=admin_headers).json()
    other = bearer(password_token(client, make_user(workspace="other-" + secrets.token_hex(3))))
    assert client.get(f"/pipelines/{pipeline['id']}", headers=other).status_code == 404
    assert client.put(f"/pipelines/{pipeline['id']}", json=small_pipeline(), headers=other).status_code == 404
    assert client.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=other).status_code == 404


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
