"""The generated Python client (openapi/retrainer-client, package `retrainer_client`).

1. The committed client is what the pinned generator makes of the committed spec now: a spec
   change without `scripts/generate-client` fails here.
2. The whole retraining story goes through the generated client alone, against a real API and
   a real worker: token, upload, pipeline, endpoint, version, service principal, retrain, wait.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from retrainer_client import AuthenticatedClient, Client
from retrainer_client.api.auth import issue_token
from retrainer_client.api.datastores import upload_file
from retrainer_client.api.endpoints import create_endpoint, publish_version, retrain
from retrainer_client.api.pipelines import create_pipeline
from retrainer_client.api.runs import get_run
from retrainer_client.api.service_principals import create_service_principal
from retrainer_client.models import (
    EndpointCreate,
    EndpointOut,
    EndpointRunRequest,
    EndpointRunRequestParameters,
    FileUploaded,
    IssueTokenBody,
    IssueTokenBodyGrantType,
    PipelineOut,
    PipelineSpec,
    RunOut,
    Scope,
    ServicePrincipalCreate,
    ServicePrincipalCreated,
    TokenResponse,
    VersionCreate,
    VersionOut,
)
from retrainer_client.types import File

from tests.helpers.processes import ROOT
from tests.helpers.samples import small_csv, small_pipeline

CLIENT_DIR = ROOT / "openapi" / "retrainer-client"
# Left in the tree by `pip install -e` (pdm-backend, git-ignored by its own .gitignore) and by imports.
NOT_GENERATED = {".pdm-build", "__pycache__"}
FINISHED = {"succeeded", "failed", "canceled"}


# 1. The committed client is up to date -------------------------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if NOT_GENERATED.intersection(relative.parts) or path.is_dir():
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def test_committed_client_is_what_the_generator_makes_of_the_committed_spec(tmp_path):
    output = tmp_path / "retrainer-client"
    env = dict(os.environ)
    # The formatting hooks (openapi/client-config.yaml) must run the venv's pinned ruff.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    # The same command as scripts/generate-client, into a temporary directory.
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate",
         "--path", str(ROOT / "openapi" / "openapi.json"),
         "--config", str(ROOT / "openapi" / "client-config.yaml"),
         "--custom-template-path", str(ROOT / "openapi" / "templates"),
         "--meta", "pdm", "--output-path", str(output), "--fail-on-warning"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr

    generated, committed = _tree(output), _tree(CLIENT_DIR)
    versions = f"openapi-python-client {version('openapi-python-client')}, ruff {version('ruff')}"
    hint = f"run scripts/generate-client and commit openapi/retrainer-client ({versions})"
    missing, extra = sorted(set(generated) - set(committed)), sorted(set(committed) - set(generated))
    assert (missing, extra) == ([], []), f"{hint}; not committed: {missing}; no longer generated: {extra}"
    differing = [name for name in generated if generated[name] != committed[name]]
    assert differing == [], f"{hint}; differing: {differing}"


# 2. The retraining story through the generated client --------------------------------------


def _ok(response, status: int, model: type):
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, model), response.content
    return response.parsed


def _client(api, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=api.url, token=token, raise_on_unexpected_status=True,
                               timeout=httpx.Timeout(90))


def _token(api, body: IssueTokenBody) -> str:
    with Client(base_url=api.url, raise_on_unexpected_status=True, timeout=httpx.Timeout(30)) as anonymous:
        token = _ok(issue_token.sync_detailed(client=anonymous, body=body), 200, TokenResponse)
    return token.access_token


@pytest.fixture(scope="module")
def published(api, worker, make_user):
    """As an admin (in a workspace of its own): data, a pipeline, an endpoint with version 1,
    and a service principal that may only retrain and read runs and endpoints."""
    account = make_user(workspace="genclient-" + secrets.token_hex(3), admin=True)
    admin_token = _token(api, IssueTokenBody(grant_type=IssueTokenBodyGrantType.PASSWORD,
                                             username=account.username, password=account.password))
    with _client(api, admin_token) as admin:
        for path, rows in (("small/train.csv", 60), ("small/retrain.csv", 80)):
            uploaded = _ok(upload_file.sync_detailed("default", path, client=admin,
                                                     body=File(payload=small_csv(rows))), 201, FileUploaded)
            assert uploaded.uri == f"datastore://default/{path}" and uploaded.size == len(small_csv(rows))
        pipeline = _ok(create_pipeline.sync_detailed(client=admin, body=PipelineSpec.from_dict(small_pipeline())),
                       201, PipelineOut)
        endpoint = _ok(create_endpoint.sync_detailed(
            client=admin, body=EndpointCreate(name="genclient-" + secrets.token_hex(4), description="generated")),
            201, EndpointOut)
        v1 = _ok(publish_version.sync_detailed(endpoint.id, client=admin,
                                               body=VersionCreate(pipeline_id=pipeline.id, description="v1")),
                 201, VersionOut)
        assert v1.version == 1 and v1.is_default is True and v1.pipeline_digest == pipeline.digest
        principal = _ok(create_service_principal.sync_detailed(client=admin, body=ServicePrincipalCreate(
            name="genclient-ci", scopes=[Scope.RUNSREAD, Scope.RUNSWRITE, Scope.ENDPOINTSREAD, Scope.DATAREAD])),
            201, ServicePrincipalCreated)
    assert sorted(principal.scopes) == ["data:read", "endpoints:read", "runs:read", "runs:write"]
    ci_token = _token(api, IssueTokenBody(grant_type=IssueTokenBodyGrantType.CLIENT_CREDENTIALS,
                                          client_id=principal.client_id,
                                          client_secret=principal.client_secret))
    with _client(api, ci_token) as ci:
        yield {"ci": ci, "endpoint": endpoint, "pipeline": pipeline, "v1": v1}


def test_service_principal_retrains_version_1_with_parameters(published):
    ci, endpoint = published["ci"], published["endpoint"]
    data_path = "datastore://default/small/retrain.csv"
    submitted = _ok(retrain.sync_detailed(endpoint.name, client=ci, body=EndpointRunRequest(
        parameters=EndpointRunRequestParameters.from_dict({"data_path": data_path}),
        version=1, experiment="generated-client")), 202, RunOut)
    assert submitted.endpoint_id == endpoint.id and submitted.endpoint_version == 1

    deadline = time.monotonic() + 240
    run = submitted
    while run.status not in FINISHED and time.monotonic() < deadline:
        # Long-poll: without If-None-Match, answers when the run is finished or after `wait` seconds.
        run = _ok(get_run.sync_detailed(submitted.id, client=ci, wait=30), 200, RunOut)
    assert run.status == "succeeded", run.error.to_dict() if run.error else run.status
    assert run.id == submitted.id
    assert run.endpoint_id == endpoint.id and run.endpoint_version == 1
    assert run.pipeline_digest == published["v1"].pipeline_digest
    assert run.parameters.to_dict() == {"data_path": data_path}
    assert run.experiment == "generated-client"
    assert run.model is not None and run.model.name and run.model.version >= 1


def test_unknown_parameter_is_a_422_with_problem_details(published):
    ci, endpoint = published["ci"], published["endpoint"]
    response = retrain.sync_detailed(endpoint.id, client=ci, body=EndpointRunRequest(
        parameters=EndpointRunRequestParameters.from_dict({"no_such_parameter": 1})))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    # The spec documents this 422 without a schema, so the generated client leaves `parsed` unset
    # and the problem details are in the raw content.
    problem = json.loads(response.content)
    assert problem["status"] == 422 and problem["title"]
    assert isinstance(problem["errors"], list) and problem["errors"]
    assert any("no_such_parameter" in json.dumps(error) for error in problem["errors"]), problem
