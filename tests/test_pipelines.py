"""Draft pipelines over HTTP: the routes, their scopes and problem documents. What the
service decides (every invalid pipeline, digests, privacy) is tested in process, in
tests/pipelines/test_service.py."""

from __future__ import annotations

import copy

from tests.helpers.api import bearer, password_token
from tests.helpers.samples import income_pipeline, small_pipeline


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
