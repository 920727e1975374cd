"""Datastores of kind s3 and a service whose storage is a bucket, against a real SeaweedFS:
registration (every refusal named at its field), credentials sealed and never shown,
path containment on keys, streamed uploads and downloads, a run reading CSV straight
from the bucket, a missing bucket reported by /readyz and by what needed it, and one
workspace kept out of the others' data: a prefix belongs to one workspace, the
service's credentials serve only the prefixes the operator lists, and the service's
own bucket is no datastore whatever the spelling of its endpoint."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from sqlmodel import Session, select

from app.db.tables import Datastore, Workspace
from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.backends import Backend
from tests.helpers.processes import Server, Worker, start_api, start_worker, stop_process
from tests.helpers.samples import small_csv, small_pipeline
from tests.helpers.seaweed import SeaweedFS

BUCKET = "lake"
SERVICE_BUCKET = "service"  # the guarded API's own storage (RETRAINER_ARTIFACT_URL)
# Workspaces named in the guarded API's RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS.
SHARING_WS = "s3-sharing-" + secrets.token_hex(3)


@pytest.fixture(scope="module", autouse=True)
def buckets(seaweed: SeaweedFS) -> None:
    """This module's buckets, on the session's SeaweedFS (tests/conftest.py)."""
    seaweed.create_bucket(BUCKET)
    seaweed.create_bucket(SERVICE_BUCKET)


@pytest.fixture(scope="module")
def stack(backend: Backend, seaweed: SeaweedFS, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Server, Worker]]:
    """An API and a worker allowed to reach the SeaweedFS endpoint (the service's own
    storage stays the data directory)."""
    logs = tmp_path_factory.mktemp("s3-logs")
    env = {"RETRAINER_S3_DATASTORE_ENDPOINTS": seaweed.endpoint, "RETRAINER_QUEUE": "s3-" + secrets.token_hex(3)}
    server = start_api(backend, logs / "api.log", **env)
    worker = start_worker(backend, logs / "worker.log", **env)
    try:
        yield server, worker
    finally:
        stop_process(worker.process, timeout=30)
        stop_process(server.process)


def _spellings(endpoint: str) -> list[str]:
    """Other names of the same SeaweedFS endpoint (http://127.0.0.1:P)."""
    port = endpoint.rsplit(":", 1)[1]
    return [f"http://localhost:{port}", f"http://0.0.0.0:{port}", f"http://[::ffff:127.0.0.1]:{port}",
            f"http://2130706433:{port}", f"http://127.1:{port}", f"http://LocalHost:{port}"]


@pytest.fixture(scope="module")
def guarded(backend: Backend, seaweed: SeaweedFS, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An API whose own storage is a bucket of the same SeaweedFS, with the service's
    credentials in its environment, every other spelling of the endpoint allowed for
    datastores (an operator may list the names their network uses), and two prefixes
    that may use the service's credentials: one for any workspace, one for SHARING_WS."""
    logs = tmp_path_factory.mktemp("s3-guarded-logs")
    shared = f"s3://{BUCKET}/shared,{SHARING_WS}=s3://{BUCKET}/one-workspace"
    server = start_api(backend, logs / "api.log", RETRAINER_ARTIFACT_URL=f"s3://{SERVICE_BUCKET}/svc",
                       RETRAINER_S3_ENDPOINT_URL=seaweed.endpoint,
                       RETRAINER_S3_DATASTORE_ENDPOINTS=",".join(_spellings(seaweed.endpoint)),
                       RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS=shared, **seaweed.env())
    try:
        yield server
    finally:
        stop_process(server.process)


@pytest.fixture
def g(guarded: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=guarded.url, timeout=60) as client:
        yield client


@pytest.fixture
def c(stack: tuple[Server, Worker]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack[0].url, timeout=60) as client:
        yield client


@pytest.fixture
def headers(c: httpx.Client, make_user) -> dict[str, str]:
    return bearer(password_token(c, make_user(workspace="s3-" + secrets.token_hex(3), admin=True)))


def _register(c: httpx.Client, headers: dict[str, str], seaweed: SeaweedFS, **fields: object) -> httpx.Response:
    body: dict[str, object] = {"name": "lake", "kind": "s3", "url": f"s3://{BUCKET}/ws-{secrets.token_hex(3)}",
                               "endpoint_url": seaweed.endpoint, "access_key_id": seaweed.access_key,
                               "secret_access_key": seaweed.secret_key}
    body.update(fields)
    return c.post("/datastores", json={k: v for k, v in body.items() if v is not None}, headers=headers)


def _refused_at(response: httpx.Response, field: str) -> str:
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", field], response.text
    return str(response.json()["errors"][0]["msg"])


def test_registration_refusals_name_the_field_and_the_fix(c, headers, seaweed):
    assert "not an endpoint this service may use" in _refused_at(
        _register(c, headers, seaweed, endpoint_url="http://169.254.169.254"), "endpoint_url")
    assert "RETRAINER_S3_DATASTORE_ENDPOINTS" in _refused_at(
        _register(c, headers, seaweed, endpoint_url="http://127.0.0.1:1"), "endpoint_url")
    assert "created by the operator" in _refused_at(
        _register(c, headers, seaweed, url="s3://no-such-bucket/x"), "url")
    assert "not a valid bucket name" in _refused_at(_register(c, headers, seaweed, url="s3://Bad_Bucket/x"), "url")
    assert "'..'" in _refused_at(_register(c, headers, seaweed, url=f"s3://{BUCKET}/a/../b"), "url")
    assert "refused the credentials" in _refused_at(
        _register(c, headers, seaweed, secret_access_key="wrong-" + secrets.token_hex(8)), "url")
    assert "together" in _refused_at(_register(c, headers, seaweed, secret_access_key=None), "secret_access_key")
    assert "only a datastore of kind 's3'" in _refused_at(
        c.post("/datastores", json={"name": "x", "url": f"s3://{BUCKET}/x"}, headers=headers), "url")
    assert _register(c, headers, seaweed, url=None).status_code == 422


def test_credentials_are_sealed_at_rest_and_never_returned(c, headers, seaweed, db: Session):
    created = _register(c, headers, seaweed)
    assert created.status_code == 201, created.text
    shown = created.json()
    assert shown["kind"] == "s3" and shown["has_credentials"] is True and shown["endpoint_url"] == seaweed.endpoint
    for text in (created.text, c.get("/datastores", headers=headers).text, c.get("/datastores/lake", headers=headers).text):
        assert seaweed.secret_key not in text and seaweed.access_key not in text
    row = db.exec(select(Datastore).where(Datastore.id == shown["id"])).one()
    assert row.credentials is not None and row.credentials.startswith("v1:")
    assert seaweed.secret_key not in row.credentials and seaweed.access_key not in row.credentials


def test_files_in_a_bucket_round_trip_and_keys_stay_inside_the_prefix(c, headers, seaweed):
    assert _register(c, headers, seaweed).status_code == 201
    data = secrets.token_bytes(9 * 1024 * 1024 + 17)  # more than one part: a streamed multipart upload
    put = c.put("/datastores/lake/files/raw/é ü.bin", content=data, headers=headers)
    assert put.status_code == 201 and put.json()["sha256"] == hashlib.sha256(data).hexdigest()
    got = c.get("/datastores/lake/files/raw/é ü.bin", headers=headers)
    assert got.status_code == 200 and got.content == data
    assert [f["path"] for f in c.get("/datastores/lake/files", params={"prefix": "raw/"},
                                     headers=headers).json()["items"]] == ["raw/é ü.bin"]
    assert c.get("/datastores/lake/files/raw/missing.bin", headers=headers).status_code == 404
    for bad in ["%2e%2e/outside.csv", "a/%2e%2e/%2e%2e/outside.csv", "a%2F%2Fb.csv", "%2e/x.csv", "%2Fetc/x"]:
        response = c.put(f"/datastores/lake/files/{bad}", content=b"x", headers=headers)
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["errors"][0]["loc"] == ["path", "path"]


def test_a_run_reads_csv_straight_from_the_bucket(c, headers, seaweed, stack):
    assert _register(c, headers, seaweed).status_code == 201
    data = small_csv(200)
    assert c.put("/datastores/lake/files/small/train.csv", content=data, headers=headers).status_code == 201
    body = small_pipeline("datastore://lake/small/train.csv")
    body["name"] = "s3-small-" + secrets.token_hex(3)
    pipeline = c.post("/pipelines", json=body, headers=headers).json()
    run = wait_for(c, headers, c.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    lineage = c.get(f"/models/{body['name']}/versions/1", headers=headers).json()["lineage"]
    assert lineage["data"][0] == {"step": "import", "path": "datastore://lake/small/train.csv",
                                  "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    # A preview reads the file in the bucket (CSV as a stream, Parquet by ranged reads).
    preview = c.get("/datastores/lake/preview", params={"path": "small/train.csv", "rows": 3}, headers=headers)
    assert preview.status_code == 200, preview.text
    assert [col["name"] for col in preview.json()["columns"]] == ["x1", "x2", "color", "y"]
    assert preview.json()["rows_read"] == 200 and len(preview.json()["rows"]) == 3
    frame = pd.read_csv(io.BytesIO(data))
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    assert c.put("/datastores/lake/files/small/train.parquet", content=buffer.getvalue(),
                 headers=headers).status_code == 201
    parquet = c.get("/datastores/lake/preview", params={"path": "small/train.parquet", "rows": 3}, headers=headers)
    assert parquet.status_code == 200 and parquet.json()["rows"] == preview.json()["rows"]
    # A missing file is named before the run starts.
    missing = c.post(f"/pipelines/{pipeline['id']}/runs", headers=headers,
                     json={"parameters": {"data_path": "datastore://lake/small/nope.csv"}})
    assert missing.status_code == 422 and "does not exist" in missing.text


def test_a_missing_service_bucket_is_reported_by_readyz_and_by_what_needed_it(backend, seaweed, make_user, tmp_path):
    server = start_api(backend, tmp_path / "api.log", RETRAINER_ARTIFACT_URL="s3://missing-bucket/svc",
                       RETRAINER_S3_ENDPOINT_URL=seaweed.endpoint, **seaweed.env())
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            ready = c.get("/readyz")
            assert ready.status_code == 503
            assert "missing-bucket" in ready.json()["checks"]["storage"]
            assert "created by the operator" in ready.json()["checks"]["storage"]
            headers = bearer(password_token(c, make_user(workspace="nobucket-" + secrets.token_hex(3))))
            upload = c.put("/datastores/default/files/x.csv", content=b"a\n1\n", headers=headers)
            assert upload.status_code == 503, upload.text
            assert "missing-bucket" in upload.json()["detail"] and "operator" in upload.json()["detail"]
    finally:
        stop_process(server.process)


def test_no_secret_reaches_a_log(stack, seaweed, tmp_path: Path):
    server, worker = stack
    for text in (server.log(), worker.log()):
        assert seaweed.secret_key not in text


# One workspace cannot reach another's data ---------------------------------------------------


def _admin(c: httpx.Client, make_user, workspace: str | None = None) -> dict[str, str]:
    return bearer(password_token(c, make_user(workspace=workspace or "s3-" + secrets.token_hex(3), admin=True)))


def test_a_prefix_belongs_to_one_workspace(g, make_user, seaweed):
    a, b = _admin(g, make_user), _admin(g, make_user)
    top = f"p-{secrets.token_hex(3)}"
    assert _register(g, a, seaweed, url=f"s3://{BUCKET}/{top}/team").status_code == 201
    assert g.put("/datastores/lake/files/secret.csv", content=b"a\n1\n", headers=a).status_code == 201
    # The same prefix, a parent, a child, the whole bucket: another workspace's, even with
    # valid credentials of its own and whatever the spelling of the endpoint.
    for url, endpoint in [(f"s3://{BUCKET}/{top}/team", seaweed.endpoint), (f"s3://{BUCKET}/{top}/team/", None),
                          (f"s3://{BUCKET}/{top}", seaweed.endpoint), (f"s3://{BUCKET}/{top}/team/sub", None),
                          (f"s3://{BUCKET}", seaweed.endpoint), (f"s3://{BUCKET}/{top}/team",
                                                                 _spellings(seaweed.endpoint)[0])]:
        response = _register(g, b, seaweed, url=url, endpoint_url=endpoint)
        assert response.status_code == 409, (url, endpoint, response.text)
        assert response.json()["errors"][0]["loc"] == ["body", "url"]
        assert "another workspace" in response.json()["errors"][0]["msg"]
    assert g.get("/datastores/lake", headers=b).status_code == 404
    # A sibling whose name starts the same is another prefix; the owner may nest its own.
    assert _register(g, b, seaweed, url=f"s3://{BUCKET}/{top}/team2").status_code == 201
    assert _register(g, a, seaweed, name="nested", url=f"s3://{BUCKET}/{top}/team/sub").status_code == 201


def test_the_services_credentials_serve_only_the_prefixes_the_operator_lists(g, make_user, seaweed):
    b = _admin(g, make_user)
    no_credentials = {"access_key_id": None, "secret_access_key": None}
    refused = _register(g, b, seaweed, url=f"s3://{BUCKET}/team-default", **no_credentials)
    assert "RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS" in _refused_at(refused, "access_key_id")
    # A prefix listed for one workspace is refused to the others.
    only = f"s3://{BUCKET}/one-workspace/{secrets.token_hex(3)}"
    assert "RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS" in _refused_at(
        _register(g, b, seaweed, url=only, **no_credentials), "access_key_id")
    assert _register(g, b, seaweed, url=f"s3://{BUCKET}/shared-not", **no_credentials).status_code == 422
    # The listed cases work, with the service's credentials.
    listed = _register(g, b, seaweed, url=f"s3://{BUCKET}/shared/{secrets.token_hex(3)}", **no_credentials)
    assert listed.status_code == 201, listed.text
    assert listed.json()["has_credentials"] is False
    assert g.put("/datastores/lake/files/x.csv", content=b"a\n1\n", headers=b).status_code == 201
    assert g.get("/datastores/lake/files/x.csv", headers=b).content == b"a\n1\n"
    sharing = _admin(g, make_user, SHARING_WS)
    assert _register(g, sharing, seaweed, url=only, **no_credentials).status_code == 201


def test_the_services_bucket_is_no_datastore_whatever_the_endpoints_spelling(g, make_user, seaweed):
    b = _admin(g, make_user)
    for endpoint in [seaweed.endpoint, None, *_spellings(seaweed.endpoint)]:
        for url in [f"s3://{SERVICE_BUCKET}/svc", f"s3://{SERVICE_BUCKET}/svc/artifacts",
                    f"s3://{SERVICE_BUCKET}", f"s3://{SERVICE_BUCKET}/elsewhere"]:
            response = _register(g, b, seaweed, url=url, endpoint_url=endpoint)
            assert "service's own storage" in _refused_at(response, "url"), (url, endpoint)
    assert g.get("/datastores/lake", headers=b).status_code == 404


def test_a_datastore_registered_before_these_rules_reaches_nothing_it_may_not(g, make_user, seaweed, db: Session):
    """Rows written before the rules (or allowed by a list the operator since shortened):
    each use is checked again, and the workspace's other datastores still work."""
    workspace = "s3-" + secrets.token_hex(3)
    b = _admin(g, make_user, workspace)
    mine = g.put("/datastores/default/files/mine.csv", content=b"a\n1\n", headers=b)
    assert mine.status_code == 201, mine.text
    workspace_id = db.exec(select(Workspace.id).where(Workspace.name == workspace)).one()
    db.add(Datastore(workspace_id=workspace_id, name="taken", kind="s3", url=f"s3://{BUCKET}/team-default",
                     endpoint_url=seaweed.endpoint))
    db.add(Datastore(workspace_id=workspace_id, name="inside", kind="s3", url=f"s3://{SERVICE_BUCKET}/svc",
                     endpoint_url=_spellings(seaweed.endpoint)[0]))
    db.commit()
    for name, says in [("taken", "RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS"), ("inside", "service's own storage")]:
        for response in (g.get(f"/datastores/{name}/files", headers=b),
                         g.get(f"/datastores/{name}/files/x.csv", headers=b),
                         g.put(f"/datastores/{name}/files/x.csv", content=b"a\n1\n", headers=b)):
            assert response.status_code == 403, (name, response.text)
            assert says in response.json()["detail"]
    # A run that names one is refused at submit; the default datastore still serves.
    body = small_pipeline("datastore://taken/x.csv")
    body["name"] = "s3-refused-" + secrets.token_hex(3)
    pipeline = g.post("/pipelines", json=body, headers=b).json()
    refused = g.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=b)
    assert refused.status_code == 422 and "RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS" in refused.text
    assert g.get("/datastores/default/files/mine.csv", headers=b).content == b"a\n1\n"
