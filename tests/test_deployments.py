"""Deployments end to end: train, deploy, predict raw rows, retrain on better data and
watch the promotion, on worse data and watch it held, roll back, least privilege,
bad rows, batch scoring, and predictions during a version switch.

Real API and worker processes; the income pipeline on UCI Adult (examples/)."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.processes import start_api, stop_process
from tests.helpers.samples import ADULT_COLUMNS, adult_bytes, income_pipeline, small_csv, small_pipeline

MODEL = "income-prediction"
NUMERIC = {"age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"}


def _lines(data: bytes, count: int | None = None) -> bytes:
    lines = [line for line in data.decode().splitlines() if line.strip()]
    return ("\n".join(lines[:count] if count else lines) + "\n").encode()


def test_rows(limit: int | None = None) -> list[dict[str, Any]]:
    """Raw rows of adult.test as a client would send them: numbers as numbers, '?' as null,
    the label (ending in '.' in that file) left in the row: the deployment ignores it."""
    rows = []
    for values in csv.reader(io.StringIO(adult_bytes("adult.test").decode()), skipinitialspace=True):
        if len(values) != len(ADULT_COLUMNS):
            continue  # a blank line
        row: dict[str, Any] = {}
        for column, value in zip(ADULT_COLUMNS, values, strict=True):
            row[column] = None if value == "?" else float(value) if column in NUMERIC else value
        rows.append(row)
    return rows[:limit] if limit else rows


test_rows.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def _holdout_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ADULT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v.rstrip(".") if k == "income" else v) for k, v in row.items()})
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def world(api, worker, make_user):
    """A workspace with Adult samples, the income pipeline published, and a first model
    (version 1) trained on 3,000 rows."""
    with httpx.Client(base_url=api.url, timeout=120) as client:
        account = make_user(workspace="deploy-" + secrets.token_hex(3), admin=True)
        headers = bearer(password_token(client, account))
        full = adult_bytes()
        for path, content in (("census/first-3000.data", _lines(full, 3000)), ("census/adult.data", full),
                              ("census/tiny.data", _lines(full, 120)),
                              ("holdout/adult-test.csv", _holdout_csv(test_rows(4000)))):
            assert client.put(f"/datastores/default/files/{path}", content=content,
                              headers=headers).status_code == 201
        pipeline = client.post("/pipelines", json=income_pipeline(), headers=headers).json()
        endpoint = client.post("/endpoints", json={"name": "income-" + secrets.token_hex(3)}, headers=headers).json()
        assert client.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": pipeline["id"]},
                           headers=headers).status_code == 201

        def retrain(path: str) -> dict[str, Any]:
            run = client.post(f"/endpoints/{endpoint['id']}/runs", headers=headers,
                              json={"parameters": {"data_path": f"datastore://default/census/{path}"}}).json()
            done = wait_for(client, headers, run["id"])
            assert done["status"] == "succeeded", done["error"]
            return done

        first = retrain("first-3000.data")
        assert first["model"] == {"name": MODEL, "version": 1}
        yield {"client": client, "admin": headers, "retrain": retrain, "endpoint": endpoint}


def _history(client: httpx.Client, headers: dict[str, str], name: str) -> list[dict[str, Any]]:
    response = client.get(f"/deployments/{name}/history", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_deploy_predict_promote_hold_and_roll_back(world):
    client, admin, retrain = world["client"], world["admin"], world["retrain"]
    gate = {"metric": "roc_auc", "min_delta": 0.0, "holdout": "datastore://default/holdout/adult-test.csv"}
    created = client.post("/deployments", headers=admin, json={"name": "income", "model": MODEL, "follow": True,
                                                               "gate": gate})
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/deployments/income"
    deployment = created.json()
    assert deployment["version"] == 1 and deployment["follow"] and deployment["enabled"]
    assert deployment["gate"] == gate
    schema = {c["name"]: c["kind"] for c in deployment["input_schema"]}
    assert schema["age"] == "number" and schema["workclass"] == "category" and "income" not in schema
    # Followers without a holdout compare on the champion's own test split (never the
    # challenger's: whoever starts the run chose that data).
    assert client.post("/deployments", headers=admin, json={
        "name": "income-split", "model": MODEL, "follow": True}).status_code == 201
    assert client.post("/deployments", headers=admin, json={
        "name": "income-v1", "model": MODEL, "version": 1}).status_code == 201
    assert client.post("/deployments", headers=admin, json={
        "name": "income-lost-holdout", "model": MODEL, "follow": True,
        "gate": {"holdout": "datastore://default/holdout/gone.csv"}}).status_code == 201

    # Predict raw rows of adult.test with version 1.
    rows = test_rows()
    answered = client.post("/deployments/income/predict", headers=admin, json={"rows": rows[:2000]})
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["model"] == {"name": MODEL, "version": 1}
    assert body["classes"] == ["<=50K", ">50K"]
    assert len(body["predictions"]) == len(body["probabilities"]) == 2000
    assert all(abs(sum(p) - 1) < 1e-6 for p in body["probabilities"])

    # Retrain on all the data: better on the holdout, so the followers move to version 2.
    better = retrain("adult.data")
    assert better["model"]["version"] == 2
    effects = {e["deployment"]: e for e in better["deployments"]}
    assert effects["income"]["reason"] == "promoted" and effects["income"]["to_version"] == 2
    assert effects["income-split"]["reason"] == "promoted"
    assert effects["income-lost-holdout"]["reason"] == "held"
    assert "gone.csv" in effects["income-lost-holdout"]["message"]
    assert "income-v1" not in effects  # pinned: not following
    assert client.get("/deployments/income", headers=admin).json()["version"] == 2
    assert client.get("/deployments/income-v1", headers=admin).json()["version"] == 1
    promoted = _history(client, admin, "income")[0]
    assert promoted["reason"] == "promoted" and (promoted["from_version"], promoted["to_version"]) == (1, 2)
    assert promoted["run_id"] == better["id"]
    metrics = promoted["metrics"]
    assert metrics["rows_from"] == "holdout datastore://default/holdout/adult-test.csv"
    assert metrics["rows"] == 4000
    assert metrics["challenger"]["roc_auc"] >= metrics["champion"]["roc_auc"]
    split = _history(client, admin, "income-split")[0]["metrics"]
    assert "the champion's (version 1) test split" in split["rows_from"]
    assert split["champion"]["roc_auc"] == pytest.approx(split["champion"]["recorded"], abs=1e-9)
    assert split["challenger"]["roc_auc"] >= split["champion"]["roc_auc"]

    # The retrained model answers, and is accurate on raw rows of adult.test.
    predictions = []
    for start in range(0, len(rows), 5000):  # the default limit is 10,000 rows per request
        answered = client.post("/deployments/income/predict", headers=admin,
                               json={"rows": rows[start:start + 5000]}).json()
        assert answered["model"] == {"name": MODEL, "version": 2}
        predictions += answered["predictions"]
    truth = [row["income"].rstrip(".") for row in rows]
    accuracy = sum(p == t for p, t in zip(predictions, truth, strict=True)) / len(rows)
    assert accuracy >= 0.85, accuracy

    # Retrain on a tiny sample: it scores worse on the same rows, and is held.
    worse = retrain("tiny.data")
    assert worse["model"]["version"] == 3
    effects = {e["deployment"]: e for e in worse["deployments"]}
    assert effects["income"]["reason"] == "held"
    assert client.get("/deployments/income", headers=admin).json()["version"] == 2
    held = _history(client, admin, "income")[0]
    assert held["reason"] == "held" and held["from_version"] == held["to_version"] == 2
    assert held["run_id"] == worse["id"]
    assert held["metrics"]["challenger"]["roc_auc"] < held["metrics"]["champion"]["roc_auc"]
    assert held["metrics"]["champion"]["version"] == 2
    assert "version 3 held" in held["message"]

    # Roll back to version 1 by hand; the history says so.
    rolled = client.patch("/deployments/income", headers=admin, json={"version": 1})
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["version"] == 1
    entry = _history(client, admin, "income")[0]
    assert (entry["reason"], entry["from_version"], entry["to_version"]) == ("rollback", 2, 1)
    assert client.post("/deployments/income/predict", headers=admin,
                       json={"rows": rows[:3]}).json()["model"]["version"] == 1
    reasons = [e["reason"] for e in _history(client, admin, "income")]
    assert reasons == ["rollback", "held", "promoted", "created"]
    # The history pages, newest first.
    first = client.get("/deployments/income/history?limit=3", headers=admin).json()
    second = client.get(f"/deployments/income/history?limit=3&cursor={first['next_cursor']}", headers=admin).json()
    assert [e["reason"] for e in first["items"] + second["items"]] == reasons and second["next_cursor"] is None
    foreign = client.get(f"/deployments/income-split/history?cursor={first['next_cursor']}", headers=admin)
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["loc"] == ["query", "cursor"]


def test_a_predict_only_principal_scores_and_does_nothing_else(world):
    client, admin = world["client"], world["admin"]
    if client.get("/deployments/income-v1", headers=admin).status_code == 404:
        client.post("/deployments", headers=admin, json={"name": "income-v1", "model": MODEL, "version": 1})
    scorer = principal_headers(client, admin, ["predict"])
    answered = client.post("/deployments/income-v1/predict", headers=scorer, json={"rows": test_rows(5)})
    assert answered.status_code == 200, answered.text
    for method, path, body in (("GET", "/deployments", None), ("GET", "/deployments/income-v1", None),
                               ("PATCH", "/deployments/income-v1", {"version": 1}),
                               ("GET", "/models", None), ("GET", "/runs", None),
                               ("POST", f"/endpoints/{world['endpoint']['id']}/runs", {}),
                               ("GET", "/datastores/default/files", None)):
        response = client.request(method, path, headers=scorer, json=body)
        assert response.status_code == 403, (path, response.text)
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    # What a run did to deployments is theirs to see: null without deployments:read.
    runs = principal_headers(client, admin, ["runs:read"])
    retrained = client.get("/runs?limit=50", headers=admin).json()["items"]
    effective = next(r for r in retrained if r["deployments"])
    assert client.get(f"/runs/{effective['id']}", headers=runs).json()["deployments"] is None
    assert all(r["deployments"] is None for r in client.get("/runs", headers=runs).json()["items"])
    # And a principal without predict cannot score.
    reader = principal_headers(client, admin, ["deployments:read", "models:read"])
    response = client.post("/deployments/income-v1/predict", headers=reader, json={"rows": test_rows(1)})
    assert response.status_code == 403 and 'scope="predict"' in response.headers["www-authenticate"]


def test_bad_rows_are_answered_422_naming_the_row_and_the_column(world):
    client, admin = world["client"], world["admin"]
    if client.get("/deployments/income-v1", headers=admin).status_code == 404:
        client.post("/deployments", headers=admin, json={"name": "income-v1", "model": MODEL, "version": 1})
    rows = test_rows(3)
    del rows[1]["age"]
    rows[2]["hours-per-week"] = "forty"
    response = client.post("/deployments/income-v1/predict", headers=admin, json={"rows": rows})
    assert response.status_code == 422, response.text
    locs = {tuple(e["loc"]): e["msg"] for e in response.json()["errors"]}
    assert ("body", "rows", 1, "age") in locs and "missing" in locs[("body", "rows", 1, "age")]
    assert ("body", "rows", 2, "hours-per-week") in locs
    assert "not a number" in locs[("body", "rows", 2, "hours-per-week")]
    # A category seen in no training row still scores.
    unseen = test_rows(1)
    unseen[0]["workclass"] = "Astronaut"
    assert client.post("/deployments/income-v1/predict", headers=admin, json={"rows": unseen}).status_code == 200
    # CSV bodies: the same checks, row by row.
    header = ",".join(ADULT_COLUMNS)
    good = "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States,"
    ok = client.post("/deployments/income-v1/predict", headers={**admin, "Content-Type": "text/csv"},
                     content=f"{header}\n{good}\n{good}\n")
    assert ok.status_code == 200, ok.text
    assert len(ok.json()["predictions"]) == 2
    bad = good.replace("39,", "old,", 1)
    response = client.post("/deployments/income-v1/predict", headers={**admin, "Content-Type": "text/csv"},
                           content=f"{header}\n{good}\n{bad}\n")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "rows", 1, "age"]
    # Neither JSON nor CSV; not a rows object; too many rows.
    assert client.post("/deployments/income-v1/predict", headers={**admin, "Content-Type": "text/plain"},
                       content="hello").status_code == 415
    response = client.post("/deployments/income-v1/predict", headers=admin, json={"rows": "all of them"})
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][:2] == ["body", "rows"]
    response = client.post("/deployments/income-v1/predict", headers=admin, json={"rows": [{}] * 10_001})
    assert response.status_code == 422 and "RETRAINER_PREDICT_MAX_ROWS" in response.json()["detail"]
    # A disabled deployment answers 409 until enabled again.
    assert client.patch("/deployments/income-v1", headers=admin, json={"enabled": False}).status_code == 200
    response = client.post("/deployments/income-v1/predict", headers=admin, json={"rows": test_rows(1)})
    assert response.status_code == 409 and "enabled" in response.json()["detail"]
    assert client.patch("/deployments/income-v1", headers=admin, json={"enabled": True}).status_code == 200
    assert client.get("/deployments/nope", headers=admin).status_code == 404
    assert client.post("/deployments/nope/predict", headers=admin, json={"rows": rows}).status_code == 404


def test_a_hostile_csv_header_is_refused_while_others_are_answered(world):
    """A header naming one column 10,000 times (pandas renames duplicates in quadratic time)
    is a 422 naming the column, refused before parsing; another client's prediction is
    answered while it is in flight. So is a header with more columns than the model reads."""
    client, admin = world["client"], world["admin"]
    if client.get("/deployments/income-v1", headers=admin).status_code == 404:
        client.post("/deployments", headers=admin, json={"name": "income-v1", "model": MODEL, "version": 1})
    scorer = principal_headers(client, admin, ["predict"])
    duplicated = (",".join(["age"] * 10_000) + "\n" + ",".join(["1"] * 10_000) + "\n").encode()

    def hostile() -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), timeout=600) as own:
            return own.post("/deployments/income-v1/predict", content=duplicated,
                            headers={**scorer, "Content-Type": "text/csv"})

    with ThreadPoolExecutor(max_workers=1) as pool:
        refused = pool.submit(hostile)
        other = client.post("/deployments/income-v1/predict", headers=admin, json={"rows": test_rows(3)})
        assert other.status_code == 200 and len(other.json()["predictions"]) == 3
        response = refused.result()
    assert response.status_code == 422, response.text
    assert "names the column 'age' twice" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["body", "header", "age"]
    # More columns than the model's 14 and 16 others (the label is one): refused, named.
    header = ADULT_COLUMNS + [f"note{i}" for i in range(1000)]
    row = "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States,"
    wide = client.post("/deployments/income-v1/predict", headers={**scorer, "Content-Type": "text/csv"},
                       content=",".join(header) + "\n" + row + ",x" * 1000 + "\n")
    assert wide.status_code == 422, wide.text
    assert "more than 30 columns" in wide.json()["detail"] and "the model reads 14 columns" in wide.json()["detail"]
    fits = client.post("/deployments/income-v1/predict", headers={**scorer, "Content-Type": "text/csv"},
                       content=",".join(header[:30]) + "\n" + row + ",x" * 15 + "\n")
    assert fits.status_code == 200, fits.text


def test_infinite_numbers_in_a_csv_body_are_refused_as_in_json(world):
    client, admin = world["client"], world["admin"]
    if client.get("/deployments/income-v1", headers=admin).status_code == 404:
        client.post("/deployments", headers=admin, json={"name": "income-v1", "model": MODEL, "version": 1})
    header = ",".join(ADULT_COLUMNS)
    good = "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States,"
    lines = [good, good.replace("39,", "inf,", 1), good.replace("77516", "Infinity"), good.replace(",40,", ",1e999,")]
    response = client.post("/deployments/income-v1/predict", headers={**admin, "Content-Type": "text/csv"},
                           content=header + "\n" + "\n".join(lines) + "\n")
    assert response.status_code == 422, response.text
    locs = [e["loc"] for e in response.json()["errors"]]
    assert locs == [["body", "rows", 1, "age"], ["body", "rows", 2, "fnlwgt"], ["body", "rows", 3, "hours-per-week"]]
    assert all("is not a number" in e["msg"] for e in response.json()["errors"])


def test_deployment_requests_are_checked(world):
    client, admin = world["client"], world["admin"]
    # The service's refusals (version, model, gate) are tested in process, in
    # tests/deployments/test_service.py; here, what the request's schema refuses.
    cases = [
        ({"name": "x6", "model": MODEL, "follow": True, "gate": {"holdout": "/etc/passwd"}},
         ["body", "gate", "holdout"]),
        ({"name": "x7", "model": MODEL, "follow": True, "gate": {"min_delta": float("inf")}}, None),
    ]
    for body, loc in cases:
        if loc is None:
            response = client.post("/deployments", headers={**admin, "Content-Type": "application/json"},
                                   content=str(body).replace("'", '"').replace("inf", "Infinity")
                                   .replace("True", "true"))
        else:
            response = client.post("/deployments", headers=admin, json=body)
        assert response.status_code == 422, (body, response.text)
        if loc is not None:
            assert loc in [e["loc"] for e in response.json()["errors"]], response.text
    def create_dup(_: int) -> int:
        with httpx.Client(base_url=str(client.base_url), timeout=60) as own:
            return own.post("/deployments", headers=admin, json={"name": "dup", "model": MODEL, "version": 1}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:  # created at once: one wins, the others are told
        assert sorted(pool.map(create_dup, range(8))) == [201] + [409] * 7
    assert client.delete("/deployments/dup", headers=admin).status_code == 204
    assert client.get("/deployments/dup", headers=admin).status_code == 404
    names = [d["name"] for d in client.get("/deployments", headers=admin).json()["items"]]
    assert "dup" not in names and names == sorted(names)


def test_fifty_predictions_during_a_version_switch_all_answer(world):
    client, admin = world["client"], world["admin"]
    assert client.post("/deployments", headers=admin, json={"name": "switching", "model": MODEL,
                                                            "version": 1}).status_code == 201
    rows = test_rows(20)
    stop = threading.Event()

    def switch() -> None:
        version = 1
        while not stop.is_set():
            version = 2 if version == 1 else 1
            assert client.patch("/deployments/switching", headers=admin, json={"version": version}).status_code == 200

    def predict(_: int) -> tuple[int, int | None]:
        with httpx.Client(base_url=str(client.base_url), timeout=120) as own:
            response = own.post("/deployments/switching/predict", headers=admin, json={"rows": rows})
            return response.status_code, response.json().get("model", {}).get("version")

    switcher = threading.Thread(target=switch)
    switcher.start()
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(predict, range(50)))
    finally:
        stop.set()
        switcher.join()
    assert [status for status, _ in answers] == [200] * 50
    assert {version for _, version in answers} <= {1, 2}


def test_batch_scoring_with_a_registered_model(world):
    client, admin = world["client"], world["admin"]
    full = adult_bytes("adult.test")
    assert client.put("/datastores/default/files/batch/adult.test", content=full, headers=admin).status_code == 201
    import_settings = income_pipeline()["steps"]["import"]["settings"]
    body = {
        "name": "income-batch",
        "parameters": {
            "model": {"type": "string", "default": f"model://{MODEL}/latest"},
            "input": {"type": "data_path", "default": "datastore://default/batch/adult.test"},
            "output": {"type": "data_path", "default": "datastore://default/batch/scored.csv"},
        },
        "steps": {
            "import": {"component": "import_data",
                       "settings": {**import_settings, "path": "${{parameters.input}}"}},
            "score": {"component": "score_registered_model", "inputs": {"data": "import.data"},
                      "settings": {"model": "${{parameters.model}}", "include_features": False}},
            "export": {"component": "export_data", "inputs": {"data": "score.scored"},
                       "settings": {"path": "${{parameters.output}}"}},
        },
    }
    created = client.post("/pipelines", json=body, headers=admin)
    assert created.status_code == 201, created.text
    pipeline = created.json()
    run = client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin, json={})
    assert run.status_code == 202, run.text
    done = wait_for(client, admin, run.json()["id"])
    assert done["status"] == "succeeded", done["error"]
    scored = client.get("/datastores/default/files/batch/scored.csv", headers=admin)
    assert scored.status_code == 200
    table = list(csv.DictReader(io.StringIO(scored.text)))
    assert len(table) == len(test_rows())
    assert {row["scored_label"] for row in table} <= {"<=50K", ">50K"}
    log = client.get(f"/runs/{done['id']}/steps/score/logs", headers=admin)
    assert f"model {MODEL} version" in log.text

    # A named version, as a parameter; a model that does not exist is refused at submit.
    pinned = client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin,
                         json={"parameters": {"model": f"model://{MODEL}/1"}})
    assert wait_for(client, admin, pinned.json()["id"])["status"] == "succeeded"
    refused = client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin,
                          json={"parameters": {"model": "model://nobody/1"}})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "parameters", "model"]
    # Scoring with a registered model needs models:read.
    runner = principal_headers(client, admin, ["runs:write", "runs:read", "pipelines:read", "data:read", "data:write"])
    refused = client.post(f"/pipelines/{pipeline['id']}/runs", headers=runner, json={})
    assert refused.status_code == 403 and 'scope="models:read"' in refused.headers["www-authenticate"]


def test_a_model_file_changed_on_disk_is_never_loaded(world, backend):
    client, admin = world["client"], world["admin"]
    version = world["retrain"]("tiny.data")["model"]["version"]  # a version no process has loaded
    record = client.get(f"/models/{MODEL}/versions/{version}", headers=admin).json()
    files = [p for p in backend.data_dir.rglob("model.joblib") if p.stat().st_size == record["size"]
             and hashlib.sha256(p.read_bytes()).hexdigest() == record["sha256"]]
    assert files, "the model file is in the data directory"
    original = files[0].read_bytes()
    name = "tampered-" + secrets.token_hex(3)
    assert client.post("/deployments", headers=admin, json={"name": name, "model": MODEL,
                                                            "version": version}).status_code == 201
    try:
        files[0].write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        response = client.post(f"/deployments/{name}/predict", headers=admin, json={"rows": test_rows(1)})
        assert response.status_code == 500
        assert response.json()["type"].endswith("/artifact-integrity")
        assert "not served" in response.json()["detail"]
    finally:
        files[0].write_bytes(original)
    assert client.post(f"/deployments/{name}/predict", headers=admin, json={"rows": test_rows(1)}).status_code == 200


def _flipped(data: bytes) -> bytes:
    """Adult rows with every label swapped: what a principal poisoning a retrain uploads."""
    swap = {"<=50K": ">50K", ">50K": "<=50K", "<=50K.": ">50K.", ">50K.": "<=50K."}
    out = []
    for line in data.decode().splitlines():
        if line.strip():
            head, _, label = line.rpartition(",")
            out.append(f"{head},{swap.get(label.strip(), label)}")  # the header stays
    return ("\n".join(out) + "\n").encode()


def test_a_poisoned_retrain_is_held_and_the_champion_keeps_serving(world):
    """A CI principal (runs and data, no deployments:write) uploads label-flipped rows and
    retrains. A follower without a holdout judges on the champion's own test split, not the
    challenger's; a follower whose holdout file the same principal flipped too holds because
    the champion scores below chance on it. Both keep serving version 1."""
    client, admin = world["client"], world["admin"]
    full = adult_bytes()
    assert client.put("/datastores/default/files/holdout/replaceable.csv", headers=admin,
                      content=_holdout_csv(test_rows(3000))).status_code in (200, 201)
    for name, gate in (("guarded-split", None),
                       ("guarded-holdout", {"holdout": "datastore://default/holdout/replaceable.csv"})):
        created = client.post("/deployments", headers=admin, json={"name": name, "model": MODEL, "version": 1,
                                                                   "follow": True, "gate": gate})
        assert created.status_code == 201, created.text
    ci = principal_headers(client, admin, ["runs:write", "runs:read", "data:write", "data:read",
                                           "endpoints:read", "pipelines:read", "models:read"])
    assert client.post("/deployments/guarded-split/predict", headers=ci, json={"rows": test_rows(1)}).status_code == 403
    for path, content in (("census/flipped-3000.data", _flipped(_lines(full, 3000))),
                          ("holdout/replaceable.csv", _flipped(_holdout_csv(test_rows(3000))))):
        assert client.put(f"/datastores/default/files/{path}", headers=ci, content=content).status_code in (200, 201)
    run = client.post(f"/endpoints/{world['endpoint']['id']}/runs", headers=ci,
                      json={"parameters": {"data_path": "datastore://default/census/flipped-3000.data"}})
    assert run.status_code == 202, run.text
    done = wait_for(client, admin, run.json()["id"])
    assert done["status"] == "succeeded", done["error"]
    poisoned = done["model"]["version"]
    effects = {e["deployment"]: e for e in done["deployments"]}

    split = effects["guarded-split"]
    assert split["reason"] == "held" and split["to_version"] == 1, split
    assert "champion's (version 1) test split" in split["metrics"]["rows_from"]
    champion = split["metrics"]["champion"]
    v1 = client.get(f"/models/{MODEL}/versions/1", headers=admin).json()
    # The very rows version 1 was evaluated on at training: it scores what it scored then.
    assert champion["roc_auc"] == pytest.approx(v1["metrics"]["roc_auc"], abs=1e-9)
    assert champion["roc_auc"] > 0.8 and split["metrics"]["challenger"]["roc_auc"] < 0.5
    assert f"version {poisoned} held" in split["message"]

    holdout = effects["guarded-holdout"]
    assert holdout["reason"] == "held" and holdout["to_version"] == 1, holdout
    assert "below chance" in holdout["message"] and "replaceable.csv" in holdout["message"]
    assert holdout["metrics"]["champion"]["roc_auc"] < 0.5 < holdout["metrics"]["challenger"]["roc_auc"]

    for name in ("guarded-split", "guarded-holdout"):
        assert client.get(f"/deployments/{name}", headers=admin).json()["version"] == 1
        assert _history(client, admin, name)[0]["reason"] == "held"
        answered = client.post(f"/deployments/{name}/predict", headers=admin, json={"rows": test_rows(3)})
        assert answered.status_code == 200 and answered.json()["model"] == {"name": MODEL, "version": 1}


def _model_loads(client: httpx.Client) -> float:
    """Models the API process has loaded into its prediction cache so far (/metrics)."""
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("retrainer_model_loads_total "):
            return float(line.split()[1])
    return 0.0


def test_a_workspace_cycling_through_deployments_leaves_anothers_model_loaded(backend, api, worker, make_user,
                                                                             tmp_path):
    """An API process whose cache holds 2 models: one workspace predicting through three
    deployments in turn evicts its own models, not the one model of another workspace."""
    served = start_api(backend, tmp_path / "api.log", RETRAINER_PREDICT_CACHE_MODELS="2")
    try:
        # Its warm-up loads earlier tests' models: once it is over, every load counted is ours.
        deadline = time.monotonic() + 120
        while "in advance" not in served.log():
            assert time.monotonic() < deadline and served.process.poll() is None, served.log()
            time.sleep(0.1)
        with httpx.Client(base_url=api.url, timeout=120) as client, \
                httpx.Client(base_url=served.url, timeout=120) as serving:
            def trained(prefix: str, versions: int) -> dict[str, str]:
                headers = bearer(password_token(client, make_user(workspace=prefix + secrets.token_hex(3),
                                                                  admin=True)))
                pipeline = client.post("/pipelines", headers=headers, json=small_pipeline()).json()
                for version in range(1, versions + 1):
                    assert client.put("/datastores/default/files/small/train.csv", headers=headers,
                                      content=small_csv(60 + version)).status_code in (200, 201)
                    run = client.post(f"/pipelines/{pipeline['id']}/runs", headers=headers, json={})
                    done = wait_for(client, headers, run.json()["id"])
                    assert done["status"] == "succeeded" and done["model"]["version"] == version, done
                    assert client.post("/deployments", headers=headers, json={
                        "name": f"small-{version}", "model": "small", "version": version}).status_code == 201
                return headers

            busy, quiet = trained("busy-", 3), trained("quiet-", 1)
            row = {"rows": [{"x1": 3, "x2": 4, "color": "red"}]}

            def predict(headers: dict[str, str], name: str) -> None:
                answered = serving.post(f"/deployments/{name}/predict", headers=headers, json=row)
                assert answered.status_code == 200, answered.text

            predict(quiet, "small-1")
            loaded = _model_loads(serving)
            for _ in range(2):
                for version in (1, 2, 3):
                    predict(busy, f"small-{version}")
            assert _model_loads(serving) == loaded + 6  # the busy workspace reloads its own models
            predict(quiet, "small-1")
            assert _model_loads(serving) == loaded + 6  # the quiet workspace's model was still loaded
    finally:
        stop_process(served.process)
