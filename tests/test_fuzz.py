"""The whole API fuzzed with schemathesis, authenticated, stateful phase included (it
follows the OpenAPI links from what creates to what reads): no server error, and every
status code, content type and body as the committed document says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.api import password_token, wait_for
from tests.helpers.samples import small_csv, small_pipeline

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_schemathesis_finds_nothing(api, client, make_user, tmp_path: Path):
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    token = password_token(client, make_user(workspace="fuzz", admin=True))
    seconds = os.environ.get("RETRAINER_FUZZ_SECONDS", "90")
    result = subprocess.run(
        [st, "run", f"{api.url}/openapi.json", "--header", f"Authorization: Bearer {token}",
         "--checks", CHECKS, "--phases", "examples,coverage,fuzzing,stateful", "--max-time", seconds,
         "--workers", "1", "--request-timeout", "30", "--no-color",
         # Revoking its own token would leave the rest of the run unauthenticated.
         "--exclude-operation-id", "revoke_token"],
        cwd=tmp_path, capture_output=True, text=True, timeout=int(seconds) + 240)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert " passed" in result.stdout and "failed" not in result.stdout.split("SUMMARY")[-1], report


def test_files_a_run_wrote_conform_to_the_document(api, client, admin_headers, worker):
    """The fuzzer's runs never finish (no worker), so it never downloads a real output: each
    output of a real run (a dataset, a model, metrics), the model and the data file are
    fetched here and held to the same checks, media type and body schema included."""
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=admin_headers)
    pipeline = client.post("/pipelines", json=small_pipeline(), headers=admin_headers).json()
    run = wait_for(client, admin_headers, client.post(f"/pipelines/{pipeline['id']}/runs", json={},
                                                      headers=admin_headers).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    outputs = client.get(f"/runs/{run['id']}/outputs", headers=admin_headers).json()["items"]
    assert {o["type"] for o in outputs} == {"dataset", "model", "metrics"}

    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json")
    enabled = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    assert sorted(check.__name__ for check in enabled) == sorted(CHECKS.split(","))  # the fuzzer's own
    downloads = [("/runs/{run_id}/outputs/{step}/{port}", {"run_id": run["id"], "step": o["step"], "port": o["port"]})
                 for o in outputs]
    downloads.append(("/datastores/{name}/files/{path}", {"name": "default", "path": "small/train.csv"}))
    if run.get("model"):
        downloads.append(("/models/{name}/versions/{version}/download",
                          {"name": run["model"]["name"], "version": run["model"]["version"]}))
    for path, parameters in downloads:
        case = schema[path]["GET"].Case(path_parameters=parameters, headers=dict(admin_headers))
        response = case.call_and_validate(checks=enabled)
        assert response.status_code == 200, (parameters, response.text[:300])
