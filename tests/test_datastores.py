"""Datastores over HTTP: streamed uploads and downloads, percent-encoded paths, status codes
and scopes. What the service decides (containment, symlinks, hostile names, privacy,
creation refusals) is tested in process, in tests/datastores/test_service.py."""

from __future__ import annotations

import hashlib
import os
import secrets

from tests.helpers.api import bearer, password_token


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




def test_reading_needs_data_read_scope(client, admin):
    token = password_token(client, admin, scope="runs:read")
    response = client.get("/datastores", headers=bearer(token))
    assert response.status_code == 403 and 'scope="data:read"' in response.headers["www-authenticate"]

