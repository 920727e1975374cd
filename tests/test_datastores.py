"""Datastores: upload, list, download, and strict containment of data paths."""

from __future__ import annotations

import hashlib
import os
import secrets

from tests.helpers.api import bearer, password_token


def test_default_datastore_exists_for_every_workspace(client, make_user):
    headers = bearer(password_token(client, make_user(workspace="ds-" + secrets.token_hex(3))))
    listed = client.get("/datastores", headers=headers)
    assert listed.status_code == 200
    assert [d["name"] for d in listed.json()["items"]] == ["default"]


def test_upload_list_download_round_trip(client, admin_headers):
    body = b"a,b\n1,2\n" * 1000
    put = client.put("/datastores/default/files/round/trip.csv", content=body, headers=admin_headers)
    assert put.status_code == 201, put.text
    assert put.json() == {"path": "round/trip.csv", "size": len(body),
                          "sha256": hashlib.sha256(body).hexdigest(),
                          "uri": "datastore://default/round/trip.csv"}
    listed = client.get("/datastores/default/files?prefix=round/", headers=admin_headers).json()
    assert [f["path"] for f in listed["items"]] == ["round/trip.csv"]
    got = client.get("/datastores/default/files/round/trip.csv", headers=admin_headers)
    assert got.status_code == 200 and got.content == body
    # Overwrite replaces the content.
    client.put("/datastores/default/files/round/trip.csv", content=b"x\n", headers=admin_headers)
    assert client.get("/datastores/default/files/round/trip.csv", headers=admin_headers).content == b"x\n"


def test_streamed_upload_larger_than_the_json_body_limit(client, admin_headers):
    chunk = os.urandom(1024 * 1024)

    def chunks():
        for _ in range(12):  # 12 MiB > the 10 MiB JSON limit
            yield chunk

    put = client.put("/datastores/default/files/big.bin", content=chunks(), headers=admin_headers)
    assert put.status_code == 201, put.text
    assert put.json()["size"] == 12 * 1024 * 1024
    assert put.json()["sha256"] == hashlib.sha256(chunk * 12).hexdigest()


def test_paths_that_escape_are_refused(client, admin_headers):
    # Dots and slashes percent-encoded: an HTTP client would otherwise normalise them away,
    # and the server decodes them before routing.
    for bad in ["%2e%2e/outside.csv", "a/%2e%2e/%2e%2e/outside.csv", "a%2F%2Fb.csv", "%2e/x.csv",
                "%2Fetc/passwd"]:
        response = client.put(f"/datastores/default/files/{bad}", content=b"x", headers=admin_headers)
        assert response.status_code == 422, (bad, response.status_code, response.text)
        assert response.json()["errors"][0]["loc"] == ["path", "path"]


def test_symlink_escape_is_refused(client, admin_headers, backend, tmp_path):
    me = client.get("/me", headers=admin_headers).json()
    root = backend.data_dir / "datastores" / me["workspace_id"] / "default"
    root.mkdir(parents=True, exist_ok=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    link = root / "link.txt"
    if not link.exists():
        link.symlink_to(secret)
    response = client.get("/datastores/default/files/link.txt", headers=admin_headers)
    assert response.status_code == 422
    assert "outside" in response.json()["detail"]
    listed = client.get("/datastores/default/files", headers=admin_headers).json()
    assert "link.txt" not in [f["path"] for f in listed["items"]]


def test_unknown_datastore_and_file_are_404(client, admin_headers):
    assert client.get("/datastores/nope/files", headers=admin_headers).status_code == 404
    missing = client.get("/datastores/default/files/no/such.csv", headers=admin_headers)
    assert missing.status_code == 404 and "no/such.csv" in missing.json()["detail"]


def test_create_datastore_needs_admin(client, make_user, admin_headers):
    user_headers = bearer(password_token(client, make_user()))
    assert client.post("/datastores", json={"name": "lake"}, headers=user_headers).status_code == 403
    name = "lake-" + secrets.token_hex(3)
    created = client.post("/datastores", json={"name": name, "description": "raw"}, headers=admin_headers)
    assert created.status_code == 201 and created.json()["name"] == name
    assert client.post("/datastores", json={"name": name}, headers=admin_headers).status_code == 409
    bad = client.post("/datastores", json={"name": "../x"}, headers=admin_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "name"]


def test_another_workspace_cannot_read_my_files(client, admin_headers, make_user):
    client.put("/datastores/default/files/private.csv", content=b"mine", headers=admin_headers)
    other = bearer(password_token(client, make_user(workspace="spy-" + secrets.token_hex(3))))
    assert client.get("/datastores/default/files/private.csv", headers=other).status_code == 404


def test_reading_needs_data_read_scope(client, admin):
    token = password_token(client, admin, scope="runs:read")
    response = client.get("/datastores", headers=bearer(token))
    assert response.status_code == 403 and 'scope="data:read"' in response.headers["www-authenticate"]


def test_hostile_paths_are_4xx_not_500(client, admin_headers):
    """Found in review: names too long for the file system, a file used as a directory, and
    control characters must be refused, not crash or break the response headers."""
    long_name = "a" * 300 + ".csv"
    response = client.put(f"/datastores/default/files/{long_name}", content=b"x", headers=admin_headers)
    assert response.status_code == 422 and "too long" in response.json()["detail"]
    client.put("/datastores/default/files/plain/file.csv", content=b"x\n", headers=admin_headers)
    under_file = client.put("/datastores/default/files/plain/file.csv/child.csv", content=b"x", headers=admin_headers)
    assert under_file.status_code == 422 and "is a file" in under_file.json()["detail"]
    control = client.put("/datastores/default/files/tmp/a%0db.csv", content=b"x", headers=admin_headers)
    assert control.status_code == 422 and "control characters" in control.json()["detail"]
