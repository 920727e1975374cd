"""Azure ML v1 published-pipeline REST: the documentation's request bodies, sent byte for
byte (tests/fixtures/azure/README.md names each source), and their bad variants."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.processes import ROOT
from tests.helpers.samples import small_csv

FIXTURES = ROOT / "tests" / "fixtures" / "azure"
AZURE = ("/pipelines/v1.0/subscriptions/5f3c1c52-0000-4000-8000-1234567890ab/resourceGroups/my-rg"
         "/providers/Microsoft.MachineLearningServices/workspaces/my-aml-ws")
JSON = {"Content-Type": "application/json"}
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# The parameters the documentation's examples assign, in a pipeline of ours.
PIPELINE = {
    "name": "azure-doc-pipeline",
    "parameters": {
        "input_datapath": {"type": "data_path", "default": "datastore://default/azure/train.csv"},
        "pipeline_arg": {"type": "integer", "default": 10, "minimum": 0, "maximum": 1000},
        "input_string": {"type": "string", "default": "sample_string1"},
        "your-pipeline-parameter": {"type": "string", "default": "x"},
        "process_count_per_node": {"type": "integer", "default": 2},
        "fraction": {"type": "number", "default": 0.5},
        "shuffle": {"type": "boolean", "default": True},
        "mode": {"type": "enum", "choices": [1, 2, 3], "default": 1},
    },
    "steps": {
        "import": {"component": "import_data", "settings": {"path": "${{parameters.input_datapath}}"}},
        "split": {"component": "split_data", "inputs": {"data": "import.data"},
                  "settings": {"fraction": "${{parameters.fraction}}", "seed": "${{parameters.pipeline_arg}}"}},
    },
}


def body_of(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def endpoint_submit(endpoint: str, query: str = "") -> str:
    return f"{AZURE}/PipelineRuns/PipelineEndpointSubmit/Id/{endpoint}{query}"


def pipeline_submit(published_id: str) -> str:
    return f"{AZURE}/PipelineRuns/PipelineSubmit/{published_id}"


@pytest.fixture(scope="module")
def azure(api, make_user):
    """A workspace with the data, an endpoint of two versions of PIPELINE, and its token."""
    with httpx.Client(base_url=api.url, timeout=60) as client:
        admin = make_user(workspace="azure-" + secrets.token_hex(3), admin=True)
        headers = bearer(password_token(client, admin))
        for path in ("azure/train.csv", "incoming/new-data.csv"):
            assert client.put(f"/datastores/default/files/{path}", content=small_csv(),
                              headers=headers).status_code == 201
        assert client.put("/datastores/default/files/incoming/empty.csv", content=b"",
                          headers=headers).status_code == 201
        pipeline = client.post("/pipelines", json=PIPELINE, headers=headers)
        assert pipeline.status_code == 201, pipeline.text
        endpoint = client.post("/endpoints", json={"name": "azure-ep-" + secrets.token_hex(3)}, headers=headers).json()
        versions = []
        for _ in range(2):
            published = client.post(f"/endpoints/{endpoint['id']}/versions", headers=headers,
                                    json={"pipeline_id": pipeline.json()["id"]})
            assert published.status_code == 201, published.text
            versions.append(published.json())
        yield {"client": client, "headers": headers, "endpoint": endpoint, "v1": versions[0], "v2": versions[1],
               "pipeline": pipeline.json()}


def _post(azure, url: str, content: bytes, headers: dict[str, str] | None = None, **kwargs) -> httpx.Response:
    return azure["client"].post(url, content=content, headers={**azure["headers"], **(headers or JSON)}, **kwargs)


def _run(azure, run_id: str) -> dict:
    response = azure["client"].get(f"/runs/{run_id}", headers=azure["headers"])
    assert response.status_code == 200, response.text
    return response.json()


def _locs(response: httpx.Response) -> list[list]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["loc"] for e in response.json()["errors"]]


def _runs_of(azure) -> int:
    page = azure["client"].get("/runs", params={"endpoint_id": azure["endpoint"]["id"], "limit": 500},
                               headers=azure["headers"]).json()
    return len(page["items"])


# Every published version has a stable published pipeline id --------------------------------


def test_every_version_shows_its_own_published_pipeline_id(azure):
    client, headers, endpoint = azure["client"], azure["headers"], azure["endpoint"]
    v1 = client.get(f"/endpoints/{endpoint['name']}/versions/1", headers=headers).json()
    v2 = client.get(f"/endpoints/{endpoint['id']}/versions/2", headers=headers).json()
    assert GUID.match(v1["published_pipeline_id"]) and GUID.match(v2["published_pipeline_id"])
    assert v1["published_pipeline_id"] == azure["v1"]["published_pipeline_id"]  # stable: as when published
    assert v1["published_pipeline_id"] != v2["published_pipeline_id"]
    listed = client.get(f"/endpoints/{endpoint['id']}/versions", headers=headers).json()["items"]
    assert [v["published_pipeline_id"] for v in listed] == [v1["published_pipeline_id"], v2["published_pipeline_id"]]


# The documentation's bodies ----------------------------------------------------------------


def test_python_example_runs_the_endpoints_default_version(azure):
    response = _post(azure, endpoint_submit(azure["endpoint"]["name"]), body_of("deploy-pipelines-python.json"))
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["Status"]["StatusCode"] in ("NotStarted", "Running")  # Azure's words, not ours
    assert run["Status"]["CreationTime"] and run["Status"]["EndTime"] is None
    assert run["ExperimentName"] == "My_Pipeline"
    assert run["ParameterAssignments"]["pipeline_arg"] == 20
    assert run["DataPathAssignments"] == {"input_datapath": {"DataStoreName": "default",
                                                             "RelativePath": "azure/train.csv"}}
    assert run["PipelineEndpointId"] == azure["endpoint"]["id"]
    assert run["PipelineId"] == azure["v1"]["published_pipeline_id"] and run["PipelineVersion"] == "1"
    assert response.headers["location"] == f"{AZURE}/PipelineRuns/{run['Id']}"
    ours = _run(azure, run["Id"])  # the same run, in our API
    assert ours["endpoint_id"] == azure["endpoint"]["id"] and ours["endpoint_version"] == 1
    assert ours["experiment"] == "My_Pipeline" and ours["parameters"]["pipeline_arg"] == 20


def test_java_example_sends_no_content_type_and_a_string_number(azure):
    # Java's HttpClient sends the literal without a Content-Type; "20" is converted to the
    # integer parameter's type, as Azure does.
    response = azure["client"].post(endpoint_submit(azure["endpoint"]["id"]), headers=azure["headers"],
                                    content=body_of("deploy-pipelines-java.json"))
    assert response.status_code == 200, response.text
    assert response.json()["ParameterAssignments"]["pipeline_arg"] == 20
    assert _run(azure, response.json()["Id"])["parameters"]["pipeline_arg"] == 20


def test_csharp_example_keeps_its_description(azure):
    response = _post(azure, endpoint_submit(azure["endpoint"]["name"]), body_of("deploy-pipelines-csharp.json"),
                     headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200, response.text
    assert response.json()["Description"] == "Asynchronous C# REST api call"
    ours = _run(azure, response.json()["Id"])
    assert ours["description"] == "Asynchronous C# REST api call"
    assert ours["experiment"] == "YourExperimentName"
    assert ours["parameters"]["your-pipeline-parameter"] == "default-value"


def test_tutorial_example_runs_one_published_version(azure):
    published = azure["v2"]["published_pipeline_id"]
    response = _post(azure, pipeline_submit(published), body_of("tutorial-batch-scoring.json"))
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["PipelineId"] == published and run["PipelineVersion"] == "2"
    assert run["ParameterAssignments"]["process_count_per_node"] == 6
    assert _run(azure, run["Id"])["endpoint_version"] == 2


def test_datasets_example_is_refused_saying_how_to_name_the_data(azure):
    before = _runs_of(azure)
    response = _post(azure, endpoint_submit(azure["endpoint"]["name"]), body_of("deploy-pipelines-datasets.json"))
    assert _locs(response) == [["body", "DataSetDefinitionValueAssignments"]]
    message = response.json()["errors"][0]["msg"]
    assert "DataPathAssignments" in message and "datastore://" in message
    assert _runs_of(azure) == before


def test_endpoint_example_names_its_unknown_parameters(azure):
    # Its parameters "1" and "2" cannot be parameter names of ours: each is named, with ours.
    response = _post(azure, endpoint_submit(azure["endpoint"]["name"]), body_of("deploy-pipelines-endpoint.json"))
    assert sorted(_locs(response)) == [["body", "ParameterAssignments", "1"], ["body", "ParameterAssignments", "2"]]
    assert "input_datapath" in response.json()["errors"][0]["msg"]


def test_logic_app_example_as_written_names_the_unknown_datastore(azure):
    response = _post(azure, pipeline_submit(azure["v1"]["published_pipeline_id"]), body_of("trigger-logic-app.json"))
    assert _locs(response) == [["body", "DataPathAssignments", "input_datapath"]]
    assert "<datastore-name>" in response.json()["errors"][0]["msg"]


def test_logic_app_example_as_sent_runs_to_finished(azure, worker):
    # What Logic Apps sends once it filled in its expression with the new blob's name.
    sent = body_of("trigger-logic-app.json").replace(b"<datastore-name>", b"default").replace(
        b"@{triggerBody()?['Name']}", b"incoming/new-data.csv")
    response = _post(azure, pipeline_submit(azure["v1"]["published_pipeline_id"]), sent)
    assert response.status_code == 200, response.text
    run_id = response.json()["Id"]
    assert response.json()["RunSource"] == "SDK"
    wait_for(azure["client"], azure["headers"], run_id)
    got = azure["client"].get(f"{AZURE}/PipelineRuns/{run_id}", headers=azure["headers"])
    assert got.status_code == 200, got.text
    run = got.json()
    assert run["Status"]["StatusCode"] == "Finished", run
    assert run["Status"]["EndTime"] is not None and run["Status"]["StatusDetail"] is None
    assert run["DataPathAssignments"]["input_datapath"] == {"DataStoreName": "default",
                                                            "RelativePath": "incoming/new-data.csv"}
    assert run["ParameterAssignments"]["input_string"] == "sample_string3"
    ours = _run(azure, run_id)
    assert ours["status"] == "succeeded" and ours["run_source"] == "SDK"
    assert ours["parameters"]["input_datapath"] == "datastore://default/incoming/new-data.csv"


def test_logic_app_example_of_earlier_revisions_is_a_clear_422(azure):
    response = _post(azure, pipeline_submit(azure["v1"]["published_pipeline_id"]),
                     body_of("trigger-logic-app-older.txt"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"][0] == "body"


# Keys, versions and values ------------------------------------------------------------------


def test_keys_match_without_regard_to_case_and_labels_are_kept(azure):
    response = azure["client"].post(endpoint_submit(azure["endpoint"]["name"]), headers=azure["headers"], json={
        "experimentname": "nightly", "PARAMETERASSIGNMENTS": {"shuffle": "False", "fraction": "0.25", "mode": "3"},
        "dataPathAssignments": {"input_datapath": {"datastorename": "default", "relativePath": "/incoming/new-data.csv"}},
        "description": "from ADF", "tags": {"team": "risk"}, "runSource": "ADF", "parentRunId": "adf-run-7",
        "ContinueOnStepFailure": True, "pipelineversion": "2"})
    assert response.status_code == 200, response.text
    ours = _run(azure, response.json()["Id"])
    assert ours["endpoint_version"] == 2 and ours["experiment"] == "nightly"
    assert ours["parameters"]["shuffle"] is False and ours["parameters"]["fraction"] == 0.25
    assert ours["parameters"]["mode"] == 3
    assert ours["parameters"]["input_datapath"] == "datastore://default/incoming/new-data.csv"
    assert (ours["description"], ours["tags"], ours["run_source"], ours["parent_run_id"]) == (
        "from ADF", {"team": "risk"}, "ADF", "adf-run-7")
    azure_view = azure["client"].get(f"{AZURE}/PipelineRuns/{ours['id']}", headers=azure["headers"]).json()
    assert azure_view["Tags"] == {"team": "risk"} and azure_view["ParentRunId"] == "adf-run-7"


def test_a_key_given_twice_in_two_cases_is_refused(azure):
    response = _post(azure, endpoint_submit(azure["endpoint"]["name"]),
                     b'{"ExperimentName": "a", "experimentName": "b"}')
    assert _locs(response) == [["body"]]
    assert "experimentName" in response.json()["errors"][0]["msg"]


def test_unknown_keys_are_named(azure):
    response = azure["client"].post(endpoint_submit(azure["endpoint"]["name"]), headers=azure["headers"],
                                    json={"ExperimentName": "x", "PipelineParameters": {}, "Foo": 1})
    assert sorted(_locs(response)) == [["body", "Foo"], ["body", "PipelineParameters"]]


def test_pipeline_version_in_the_query(azure):
    client, headers, name = azure["client"], azure["headers"], azure["endpoint"]["name"]
    response = client.post(endpoint_submit(name, "?pipelineVersion=2"), headers=headers, json={})
    assert response.status_code == 200, response.text
    assert response.json()["PipelineVersion"] == "2"
    zero = client.post(endpoint_submit(name, "?pipelineVersion=0"), headers=headers, json={})
    assert _locs(zero) == [["query", "pipelineVersion"]] and "from 1" in zero.json()["errors"][0]["msg"]
    both = client.post(endpoint_submit(name, "?pipelineVersion=2"), headers=headers, json={"PipelineVersion": "1"})
    assert sorted(_locs(both)) == [["body", "PipelineVersion"], ["query", "pipelineVersion"]]
    missing = client.post(endpoint_submit(name, "?pipelineVersion=9"), headers=headers, json={})
    assert missing.status_code == 404 and "no version 9" in missing.json()["detail"]


def test_an_empty_body_runs_the_defaults(azure):
    response = azure["client"].post(endpoint_submit(azure["endpoint"]["name"]), headers=azure["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["ParameterAssignments"]["pipeline_arg"] == 10


@pytest.mark.parametrize(("body", "loc", "says"), [
    ({"ParameterAssignments": {"pipeline_arg": "twenty"}}, ["body", "ParameterAssignments", "pipeline_arg"],
     "integer"),
    ({"ParameterAssignments": {"pipeline_arg": "5000"}}, ["body", "ParameterAssignments", "pipeline_arg"], "<= 1000"),
    ({"DataPathAssignments": {"pipeline_arg": {"DataStoreName": "default", "RelativePath": "a.csv"}}},
     ["body", "DataPathAssignments", "pipeline_arg"], "ParameterAssignments"),
    ({"DataPathAssignments": {"input_datapath": {"DataStoreName": "default", "RelativePath": "../../etc/passwd"}}},
     ["body", "DataPathAssignments", "input_datapath"], "cannot be used"),
    ({"DataPathAssignments": {"input_datapath": {"DataStoreName": "default", "RelativePath": "nope.csv"}}},
     ["body", "DataPathAssignments", "input_datapath"], "does not exist"),
    ({"DataPathAssignments": {"input_datapath": {"DataStoreName": "default"}}},
     ["body", "DataPathAssignments", "input_datapath", "RelativePath"], "required"),
    ({"ParameterAssignments": {"input_datapath": "datastore://default/azure/train.csv"},
      "DataPathAssignments": {"input_datapath": {"DataStoreName": "default", "RelativePath": "azure/train.csv"}}},
     ["body", "DataPathAssignments", "input_datapath"], "once"),
    ({"Tags": {"team": 7}}, ["body", "Tags", "team"], "string"),
    ({"ExperimentName": "no spaces please"}, ["body", "ExperimentName"], "pattern"),
    ({"continueOnStepFailure": "maybe"}, ["body", "continueOnStepFailure"], "boolean"),
])
def test_bad_values_are_named_where_the_caller_gave_them(azure, body, loc, says):
    before = _runs_of(azure)
    response = azure["client"].post(endpoint_submit(azure["endpoint"]["name"]), headers=azure["headers"], json=body)
    assert loc in _locs(response)
    message = next(e["msg"] for e in response.json()["errors"] if e["loc"] == loc)
    assert says in message, message
    assert _runs_of(azure) == before


# Who may, and what is not there --------------------------------------------------------------


def test_unknown_endpoint_published_id_and_run_are_404(azure):
    client, headers = azure["client"], azure["headers"]
    assert client.post(endpoint_submit("no-such-endpoint"), headers=headers, json={}).status_code == 404
    missing = client.post(pipeline_submit("00000000-0000-4000-8000-000000000000"), headers=headers, json={})
    assert missing.status_code == 404 and "published_pipeline_id" in missing.json()["detail"]
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"{AZURE}/PipelineRuns/run_nope", headers=headers).status_code == 404


def test_another_workspace_sees_nothing(azure, make_user):
    client = azure["client"]
    other = bearer(password_token(client, make_user(workspace="azure-other-" + secrets.token_hex(3))))
    assert client.post(pipeline_submit(azure["v1"]["published_pipeline_id"]), headers=other,
                       json={}).status_code == 404
    assert client.post(endpoint_submit(azure["endpoint"]["id"]), headers=other, json={}).status_code == 404
    run_id = client.post(endpoint_submit(azure["endpoint"]["id"]), headers=azure["headers"], json={}).json()["Id"]
    assert client.get(f"{AZURE}/PipelineRuns/{run_id}", headers=other).status_code == 404
    assert client.post(f"{AZURE}/PipelineRuns/{run_id}/Cancel", headers=other).status_code == 404


def test_the_scopes_are_those_of_our_routes(azure):
    client = azure["client"]
    reader = principal_headers(client, azure["headers"], ["runs:read"])
    refused = client.post(endpoint_submit(azure["endpoint"]["name"]), headers=reader,
                          content=body_of("deploy-pipelines-python.json"))
    assert refused.status_code == 403 and 'scope="runs:write"' in refused.headers["www-authenticate"]
    run_id = client.post(endpoint_submit(azure["endpoint"]["name"]), headers=azure["headers"], json={}).json()["Id"]
    assert client.get(f"{AZURE}/PipelineRuns/{run_id}", headers=reader).status_code == 200
    assert client.post(f"{AZURE}/PipelineRuns/{run_id}/Cancel", headers=reader).status_code == 403
    anonymous = client.post(endpoint_submit(azure["endpoint"]["name"]), content=body_of("deploy-pipelines-python.json"))
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    # The Java example's "Token" scheme is not ours.
    token = azure["headers"]["Authorization"].removeprefix("Bearer ")
    other_scheme = client.post(endpoint_submit(azure["endpoint"]["name"]), headers={"Authorization": f"Token {token}"},
                               content=body_of("deploy-pipelines-java.json"))
    assert other_scheme.status_code == 401


def test_a_disabled_endpoint_is_409(azure):
    client, headers = azure["client"], azure["headers"]
    endpoint = client.post("/endpoints", json={"name": "azure-off-" + secrets.token_hex(3)}, headers=headers).json()
    version = client.post(f"/endpoints/{endpoint['id']}/versions", headers=headers,
                          json={"pipeline_id": azure["pipeline"]["id"]}).json()
    assert client.patch(f"/endpoints/{endpoint['id']}", json={"enabled": False}, headers=headers).status_code == 200
    for url in (endpoint_submit(endpoint["name"]), pipeline_submit(version["published_pipeline_id"])):
        refused = client.post(url, headers=headers, content=body_of("deploy-pipelines-python.json"))
        assert refused.status_code == 409 and "disabled" in refused.json()["detail"]


# Cancel, failures, idempotency --------------------------------------------------------------


def test_cancel_a_run_that_no_worker_took(azure):
    client, headers = azure["client"], azure["headers"]
    endpoint = client.post("/endpoints", json={"name": "azure-idle-" + secrets.token_hex(3)}, headers=headers).json()
    client.post(f"/endpoints/{endpoint['id']}/versions", headers=headers, json={"pipeline_id": azure["pipeline"]["id"]})
    # A queue that no worker serves: the run stays NotStarted until canceled.
    assert client.patch(f"/endpoints/{endpoint['id']}", json={"queue": "nobody-" + secrets.token_hex(3)},
                        headers=headers).status_code == 200
    run = client.post(endpoint_submit(endpoint["name"]), headers=headers, json={}).json()
    assert run["Status"]["StatusCode"] == "NotStarted"
    canceled = client.post(f"{AZURE}/PipelineRuns/{run['Id']}/Cancel", headers=headers)
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["Status"]["StatusCode"] == "Canceled"
    assert client.get(f"{AZURE}/PipelineRuns/{run['Id']}", headers=headers).json()["Status"]["StatusCode"] == "Canceled"
    assert client.post(f"{AZURE}/PipelineRuns/{run['Id']}/Cancel", headers=headers).status_code == 200  # twice: fine
    assert _run(azure, run["Id"])["status"] == "canceled"


def test_a_failed_run_says_which_step_failed(azure, worker):
    response = azure["client"].post(endpoint_submit(azure["endpoint"]["name"]), headers=azure["headers"], json={
        "DataPathAssignments": {"input_datapath": {"DataStoreName": "default", "RelativePath": "incoming/empty.csv"}}})
    assert response.status_code == 200, response.text
    wait_for(azure["client"], azure["headers"], response.json()["Id"])
    run = azure["client"].get(f"{AZURE}/PipelineRuns/{response.json()['Id']}", headers=azure["headers"]).json()
    assert run["Status"]["StatusCode"] == "Failed", run
    assert "'import'" in run["Status"]["StatusDetail"] and run["Status"]["EndTime"] is not None


def test_idempotency_key_replays_the_azure_answer(azure):
    client, headers = azure["client"], azure["headers"]
    key = {"Idempotency-Key": "azure-" + secrets.token_hex(8)}
    url = endpoint_submit(azure["endpoint"]["name"])
    first = client.post(url, headers={**headers, **key, **JSON}, content=body_of("deploy-pipelines-python.json"))
    assert first.status_code == 200, first.text
    # The same request with its keys in another case is the same request.
    again = client.post(url, headers={**headers, **key},
                        json={"experimentname": "My_Pipeline", "parameterassignments": {"pipeline_arg": 20}})
    assert again.status_code == 200 and again.headers["idempotency-replayed"] == "true"
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    other = client.post(url, headers={**headers, **key}, json={"ExperimentName": "Other"})
    assert _locs(other) == [["header", "Idempotency-Key"]]


def test_a_draft_run_is_shown_without_a_published_pipeline(azure):
    client, headers = azure["client"], azure["headers"]
    run = client.post(f"/pipelines/{azure['pipeline']['id']}/runs", headers=headers, json={})
    assert run.status_code == 202, run.text
    shown = client.get(f"{AZURE}/PipelineRuns/{run.json()['id']}", headers=headers).json()
    assert shown["PipelineId"] is None and shown["PipelineEndpointId"] is None
    assert shown["Status"]["StatusCode"] in ("NotStarted", "Running", "Finished")


# The migration ------------------------------------------------------------------------------


def test_migration_gives_every_existing_version_its_own_published_id(tmp_path: Path):
    """Versions published before 0016 get a published pipeline id each (on the database under test)."""
    from alembic import command

    from app.core.settings import Settings
    from migrations import alembic_config
    from tests.helpers.backends import SECRET_KEY, create_pg_database, drop_pg_database

    pg_base = os.environ.get("RETRAINER_TEST_DATABASE_URL")
    name, url = create_pg_database(pg_base) if pg_base else (None, None)
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key=SECRET_KEY)
    tmp_path.mkdir(exist_ok=True)
    engine = sa.create_engine(settings.sqlalchemy_url)
    try:
        command.upgrade(alembic_config(settings), "0014")
        now = "2026-01-01 00:00:00+00:00"
        with engine.begin() as db:
            db.execute(sa.text("INSERT INTO workspaces (id, name, created_at) VALUES ('ws_1', 'w', :t)"), {"t": now})
            db.execute(sa.text("INSERT INTO endpoints (id, workspace_id, name, enabled, created_at, updated_at) "
                               "VALUES ('ep_1', 'ws_1', 'e', true, :t, :t)"), {"t": now})
            for number in (1, 2):
                db.execute(sa.text("INSERT INTO endpoint_versions (id, endpoint_id, version, pipeline_id, definition, "
                                   "digest, created_at) VALUES (:id, 'ep_1', :n, 'pl_1', '{}', 'd', :t)"),
                           {"id": f"epv_{number}", "n": number, "t": now})
        command.upgrade(alembic_config(settings), "0016")
        with engine.connect() as db:
            ids = [row[0] for row in db.execute(sa.text("SELECT published_pipeline_id FROM endpoint_versions"))]
        assert len(ids) == 2 and len(set(ids)) == 2 and all(GUID.match(i) for i in ids)
    finally:
        engine.dispose()
        if name and pg_base:
            drop_pg_database(pg_base, name)
