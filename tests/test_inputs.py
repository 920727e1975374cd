"""Every input answered, none crashing, over HTTP: file names in any script, compressed
data, numbers that are not numbers, folders that do not exist yet. Every problem of a
request at once is tested on the services in process (tests/pipelines/, tests/runs/)."""

from __future__ import annotations

import gzip
import json
import secrets
from urllib.parse import quote

import httpx

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import start_api, start_worker, stop_process
from tests.helpers.samples import small_csv, small_pipeline


def test_file_names_in_any_script_round_trip(client, admin_headers):
    for name in ("\U000fff66", "données/été 2026.csv", "数据/训练.csv", "emoji-\U0001f600.csv"):
        content = f"a,b\n1,{secrets.token_hex(4)}\n".encode()
        put = client.put(f"/datastores/default/files/unicode/{quote(name)}", content=content, headers=admin_headers)
        assert put.status_code == 201, put.text
        assert put.json()["path"] == f"unicode/{name}"
        location = put.headers["location"]
        assert location.isascii()  # percent-encoded: headers are Latin-1
        got = client.get(location, headers=admin_headers)
        assert got.status_code == 200 and got.content == content
    listed = client.get("/datastores/default/files", params={"prefix": "unicode/"}, headers=admin_headers).json()
    assert {"unicode/données/été 2026.csv", "unicode/数据/训练.csv"} <= {f["path"] for f in listed["items"]}


def _number_pipeline() -> dict:
    body = small_pipeline()
    body["parameters"]["fraction"] = {"type": "number", "default": 0.5, "minimum": 0.1, "maximum": 0.9}
    body["steps"]["split"]["settings"]["fraction"] = "${{parameters.fraction}}"
    return body


def test_nan_and_infinity_are_not_numbers(client, admin_headers):
    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=admin_headers)
    pipeline = client.post("/pipelines", json=_number_pipeline(), headers=admin_headers).json()
    for raw in ("NaN", "Infinity", "-Infinity", "1e999"):
        response = client.post(f"/pipelines/{pipeline['id']}/runs", headers={**admin_headers,
                               "Content-Type": "application/json"}, content=f'{{"parameters": {{"fraction": {raw}}}}}')
        assert response.status_code == 422, (raw, response.text)
        assert response.json()["errors"][0]["loc"] == ["body", "parameters", "fraction"]
    # A NaN literal in a pipeline body reaches the service's check (tests/pipelines/).
    nan_default = _number_pipeline()
    nan_default["parameters"]["fraction"]["maximum"] = "NaN"
    refused = client.post("/pipelines", headers={**admin_headers, "Content-Type": "application/json"},
                          content=json.dumps(nan_default).replace('"NaN"', "NaN"))
    assert refused.status_code == 422




def test_export_creates_the_folders_it_needs(client, admin_headers, worker):
    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=admin_headers)
    body = small_pipeline()
    folder = "exports/" + secrets.token_hex(3) + "/deeper"
    body["steps"]["export"] = {"component": "export_data", "inputs": {"data": "score.scored"},
                               "settings": {"path": f"datastore://default/{folder}/scored.csv"}}
    pipeline = client.post("/pipelines", json=body, headers=admin_headers).json()
    run = wait_for(client, admin_headers, client.post(f"/pipelines/{pipeline['id']}/runs", json={},
                                                      headers=admin_headers).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    exported = client.get(f"/datastores/default/files/{folder}/scored.csv", headers=admin_headers)
    assert exported.status_code == 200 and exported.text.startswith("x1,x2,color,y")


def test_compressed_data_is_read_only_as_its_format_says_and_within_limits(backend, make_user, tmp_path):
    # 100 rows at most: the 60-row sample is read, a 150-row file is refused (the bomb's
    # first 256 KiB chunk is over the byte limit before its 101st row is parsed).
    env = {"RETRAINER_QUEUE": "gzip-" + secrets.token_hex(3), "RETRAINER_MAX_DECOMPRESSED_BYTES": "200000",
           "RETRAINER_MAX_DATA_ROWS": "100"}
    server = start_api(backend, tmp_path / "api.log", **env)
    worker = start_worker(backend, tmp_path / "worker.log", **env)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            headers = bearer(password_token(c, make_user(workspace="gzip-" + secrets.token_hex(3))))
            small = gzip.compress(small_csv())
            bomb = gzip.compress(b"x1,x2,color,y\n" + b"1,2,red,yes\n" * 200_000)  # 2.4 MB in a few KB
            c.put("/datastores/default/files/z/small.csv.gz", content=small, headers=headers)
            c.put("/datastores/default/files/z/bomb.csv.gz", content=bomb, headers=headers)
            c.put("/datastores/default/files/z/many.csv", content=small_csv(150), headers=headers)

            def run(path: str, fmt: str | None) -> dict:
                body = small_pipeline(path)
                if fmt:
                    body["steps"]["import"]["settings"]["format"] = fmt
                pipeline = c.post("/pipelines", json=body, headers=headers).json()
                return wait_for(c, headers, c.post(f"/pipelines/{pipeline['id']}/runs", json={},
                                                   headers=headers).json()["id"])

            inferred = run("datastore://default/z/small.csv.gz", None)
            assert inferred["status"] == "succeeded", inferred["error"]
            as_plain = run("datastore://default/z/small.csv.gz", "csv")  # not silently decompressed
            assert as_plain["status"] == "failed" and as_plain["error"]["step"] == "import"
            assert "z/small.csv.gz" in as_plain["error"]["message"]
            capped = run("datastore://default/z/bomb.csv.gz", None)
            assert capped["status"] == "failed" and capped["error"]["step"] == "import"
            assert "z/bomb.csv.gz" in capped["error"]["message"]
            assert "RETRAINER_MAX_DECOMPRESSED_BYTES" in capped["error"]["message"]
            many = run("datastore://default/z/many.csv", None)
            assert many["status"] == "failed" and many["error"]["step"] == "import"
            assert "z/many.csv" in many["error"]["message"]
            assert "more than 100 rows (RETRAINER_MAX_DATA_ROWS)" in many["error"]["message"]
    finally:
        stop_process(worker.process, timeout=30)
        stop_process(server.process)


def test_the_api_description_is_for_users(client):
    spec = client.get("/openapi.json").json()
    description = spec["info"]["description"]
    assert "OAuth 2.0" in description
    assert "importable" not in description and "worker" not in description


def test_the_nul_character_is_answered_not_crashed(client, admin_headers, backend):
    """PostgreSQL cannot hold NUL in text: a query or body value with one is the client's to
    fix (422 naming it); on SQLite the same value is simply stored or compared."""
    runs = client.get("/runs?experiment=a%00b&status=running", headers=admin_headers)
    deployment = client.post("/deployments", headers=admin_headers,
                             json={"name": "nul-" + secrets.token_hex(3), "model": "a\u0000b", "follow": True})
    assert deployment.status_code == 422
    if backend.kind == "postgresql":
        assert runs.status_code == 422, runs.text
        assert runs.json()["errors"] == [{"loc": ["query", "experiment"], "msg": runs.json()["errors"][0]["msg"]}]
        assert "NUL" in runs.json()["errors"][0]["msg"] and "remove it" in runs.json()["errors"][0]["msg"]
        assert "NUL" in deployment.json()["errors"][0]["msg"]
    else:
        assert runs.status_code == 200 and runs.json()["items"] == []
        assert deployment.json()["errors"][0]["loc"] == ["body", "model"]
