"""No user can stall the service for others: bounded pipelines, linear ordering, bounded
metrics and pages, and reads that never wait on someone else's write."""

from __future__ import annotations

import concurrent.futures
import secrets

import httpx

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline


def _chain(length: int, reverse: bool = False) -> dict:
    steps = {"s0": {"component": "import_data", "settings": {"path": "datastore://default/chain/data.csv"}}}
    for i in range(1, length):
        steps[f"s{i}"] = {"component": "clean_missing_data", "inputs": {"data": f"s{i - 1}.data"}}
    if reverse:
        steps = dict(reversed(list(steps.items())))
    return {"name": "chain", "steps": steps}


def test_a_pipeline_over_the_step_limit_is_refused_with_the_limit_named(client, admin_headers):
    response = client.post("/pipelines", json=_chain(201), headers=admin_headers)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["loc"] == ["body", "steps"]
    assert "201 steps" in problem["msg"] and "200" in problem["msg"] and "RETRAINER_MAX_PIPELINE_STEPS" in problem["msg"]
    assert client.post("/pipelines", json=_chain(200), headers=admin_headers).status_code == 201


def test_thousands_of_steps_in_any_order_do_not_stall_others(backend, make_user, tmp_path):
    """Allowed 2,100 steps, declared last to first: ordered in linear time, no recursion, and
    another workspace keeps being answered meanwhile."""
    server = start_api(backend, tmp_path / "api.log", RETRAINER_MAX_PIPELINE_STEPS="3000",
                       RETRAINER_QUEUE="chain-" + secrets.token_hex(3))  # no worker: the run stays queued
    try:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            headers = bearer(password_token(c, make_user(workspace="chain-" + secrets.token_hex(3))))
            other = bearer(password_token(c, make_user(workspace="bystander-" + secrets.token_hex(3))))
            c.put("/datastores/default/files/chain/data.csv", content=small_csv(), headers=headers)

            def bystander() -> list[int]:
                with httpx.Client(base_url=server.url, timeout=60) as b:
                    return [b.get("/me", headers=other).status_code for _ in range(20)]

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                watching = pool.submit(bystander)
                created = c.post("/pipelines", json=_chain(2100, reverse=True), headers=headers)
                assert created.status_code == 201, created.text[:500]
                run = c.post(f"/pipelines/{created.json()['id']}/runs", headers=headers, json={})
                assert run.status_code == 202, run.text[:500]
                assert watching.result() == [200] * 20
            steps = run.json()["steps"]
            assert [s["name"] for s in steps[:3]] == ["s0", "s1", "s2"] and len(steps) == 2100
            cycle = _chain(1100, reverse=True)
            cycle["steps"]["s0"] = {"component": "clean_missing_data", "inputs": {"data": "s1099.data"}}
            refused = c.post("/pipelines", json=cycle, headers=headers)
            assert refused.status_code == 422
            assert any("cycle" in p["msg"] for p in refused.json()["errors"])
            assert c.post(f"/runs/{run.json()['id']}/cancel", headers=headers).status_code == 200
    finally:
        stop_process(server.process)


def test_many_classes_leave_the_confusion_matrix_out(client, admin_headers, worker):
    rows = ["x1,x2,y"] + [f"{i % 97},{(i * 7) % 13},class-{i % 60}" for i in range(1200)]
    client.put("/datastores/default/files/wide/classes.csv", content="\n".join(rows).encode(),
               headers=admin_headers)
    body = small_pipeline("datastore://default/wide/classes.csv", algorithm="decision_tree")
    body["name"] = "many-classes"
    pipeline = client.post("/pipelines", json=body, headers=admin_headers).json()
    run = wait_for(client, admin_headers, client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin_headers,
                                                      json={}).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    assert run["metrics"]["confusion_matrix"] is None
    assert "60 classes" in run["metrics"]["confusion_matrix_note"]
    assert "RETRAINER_MAX_CONFUSION_MATRIX_CLASSES" in run["metrics"]["confusion_matrix_note"]
    response = client.get(f"/runs/{run['id']}", headers=admin_headers)
    assert len(response.content) < 20_000  # not 60 x 60 numbers, three times
    model = client.get(f"/models/{run['model']['name']}/versions/{run['model']['version']}",
                       headers=admin_headers).json()
    assert model["metrics"]["confusion_matrix"] is None


def test_an_answer_is_bounded_by_rows_times_classes(client, admin_headers, worker):
    """A model of about 400 classes: more rows than 200,000 / classes would be more
    probabilities than RETRAINER_PREDICT_MAX_PROBABILITIES allows: a 422 saying how many
    rows fit, before scoring; that many rows are answered."""
    rows = ["x1,x2,y"] + [f"{i % 97},{(i * 7) % 13},class-{i % 400}" for i in range(4000)]
    client.put("/datastores/default/files/wide/answers.csv", content="\n".join(rows).encode(),
               headers=admin_headers)
    body = small_pipeline("datastore://default/wide/answers.csv", algorithm="decision_tree")
    body["name"] = "answer-classes"
    pipeline = client.post("/pipelines", json=body, headers=admin_headers).json()
    run = wait_for(client, admin_headers, client.post(f"/pipelines/{pipeline['id']}/runs", headers=admin_headers,
                                                      json={}).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    name = "answers-" + secrets.token_hex(3)
    assert client.post("/deployments", headers=admin_headers, json={
        "name": name, "model": run["model"]["name"], "version": run["model"]["version"]}).status_code == 201
    one = client.post(f"/deployments/{name}/predict", headers=admin_headers, json={"rows": [{"x1": 1, "x2": 2}]})
    classes = len(one.json()["classes"])
    assert classes > 350  # the classes the training split held
    fit = 200_000 // classes
    many = client.post(f"/deployments/{name}/predict", headers={**admin_headers, "Content-Type": "text/csv"},
                       content="x1,x2\n" + "1,2\n" * (fit + 1))
    assert many.status_code == 422, many.text[:300]
    detail = many.json()["detail"]
    assert f"{fit + 1} rows x {classes} classes" in detail and "RETRAINER_PREDICT_MAX_PROBABILITIES" in detail
    assert f"at most {fit} rows" in detail and many.json()["errors"][0]["loc"] == ["body", "rows"]
    fits = client.post(f"/deployments/{name}/predict", headers=admin_headers, json={"rows": [{"x1": 1, "x2": 2}] * fit})
    assert fits.status_code == 200 and len(fits.json()["probabilities"]) == fit


def test_a_page_is_bounded_by_size_as_well_as_by_count(backend, make_user, tmp_path):
    server = start_api(backend, tmp_path / "api.log", RETRAINER_MAX_PAGE_BYTES="20000")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            headers = bearer(password_token(c, make_user(workspace="pages-" + secrets.token_hex(3))))
            big = _chain(40)
            big["description"] = "d" * 4000
            for _ in range(12):
                assert c.post("/pipelines", json=big, headers=headers).status_code == 201
            seen: list[str] = []
            cursor = None
            while True:
                params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
                page = c.get("/pipelines", params=params, headers=headers)
                assert len(page.content) < 20000 + 20000  # at most one item over the bound
                body = page.json()
                assert body["items"], body
                seen += [p["id"] for p in body["items"]]
                cursor = body["next_cursor"]
                if cursor is None:
                    break
            assert len(seen) == len(set(seen)) == 12
            assert len(c.get("/pipelines", params={"limit": 50}, headers=headers).json()["items"]) < 12
    finally:
        stop_process(server.process)
