"""Bearer tokens on protected routes: the RFC 6750 matrix, scopes, revocation, workspaces."""

from __future__ import annotations

import base64
import json
import secrets
import time

import httpx
import pytest
from jose import jwt
from sqlmodel import select

from tests.helpers.api import bearer, password_token
from tests.helpers.backends import SECRET_KEY
from tests.helpers.processes import start_api, stop_process


def _claims(**overrides):
    now = int(time.time())
    claims = {"sub": "usr_x", "iss": "retrainer", "aud": "retrainer-api", "iat": now,
              "exp": now + 600, "jti": secrets.token_hex(8), "scope": "admin runs:read", "ws": "ws_x"}
    claims.update(overrides)
    return claims


def _real_claims(client, account):
    token = password_token(client, account)
    payload = token.split(".")[1]
    return token, json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _assert_invalid_token(response, reason_fragment=None):
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="retrainer"')
    assert 'error="invalid_token"' in challenge
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    if reason_fragment:
        assert reason_fragment in body["detail"]


def test_no_token_is_401_without_error_code(client):
    response = client.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="retrainer"'
    assert response.json()["detail"].startswith("This route needs an access token")


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwdw==", "Bearer a b", "Token abc",
                                    "Bearer not-a-jwt"])
def test_malformed_authorization_is_invalid_token(client, header):
    _assert_invalid_token(client.get("/me", headers={"Authorization": header}))


def test_alg_none_is_refused(client, admin):
    _, claims = _real_claims(client, admin)
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _assert_invalid_token(client.get("/me", headers=bearer(f"{header}.{payload}.")))


def test_wrong_signing_key_is_refused(client, admin):
    _, claims = _real_claims(client, admin)
    forged = jwt.encode(claims, "another-key-" + "x" * 40, algorithm="HS256")
    _assert_invalid_token(client.get("/me", headers=bearer(forged)), "signature")


def test_other_algorithm_with_the_right_key_is_refused(client, admin):
    _, claims = _real_claims(client, admin)
    other = jwt.encode(claims, SECRET_KEY, algorithm="HS512")
    _assert_invalid_token(client.get("/me", headers=bearer(other)))


def test_expired_token_is_refused(client, admin):
    _, claims = _real_claims(client, admin)
    claims.update(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    expired = jwt.encode(claims, SECRET_KEY, algorithm="HS256")
    _assert_invalid_token(client.get("/me", headers=bearer(expired)), "expired")
    # ...and it says how to get a new one.
    _assert_invalid_token(client.get("/me", headers=bearer(expired)), "get a new one from POST /oauth/token")


@pytest.mark.parametrize("claim,value", [("aud", "someone-else"), ("iss", "https://evil.example")])
def test_wrong_audience_or_issuer_is_refused(client, admin, claim, value):
    _, claims = _real_claims(client, admin)
    claims[claim] = value
    _assert_invalid_token(client.get("/me", headers=bearer(jwt.encode(claims, SECRET_KEY, "HS256"))))


def test_tampered_claims_are_refused(client, make_user):
    user = make_user()  # not an admin
    token, claims = _real_claims(client, user)
    claims["scope"] += " admin"
    header, _, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _assert_invalid_token(client.get("/me", headers=bearer(f"{header}.{payload}.{signature}")))


def test_token_of_a_principal_in_a_forged_workspace_is_refused(client, admin):
    _, claims = _real_claims(client, admin)
    claims["ws"] = "ws_forged"
    _assert_invalid_token(client.get("/me", headers=bearer(jwt.encode(claims, SECRET_KEY, "HS256"))))


def test_missing_scope_is_403_insufficient_scope(client, admin):
    token = password_token(client, admin, scope="runs:read")
    response = client.get("/service-principals", headers=bearer(token))
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="admin"' in challenge
    assert response.headers["content-type"] == "application/problem+json"
    assert "admin" in response.json()["detail"]


def test_non_admin_user_cannot_manage_service_principals(client, make_user):
    token = password_token(client, make_user())
    response = client.post("/service-principals", headers=bearer(token),
                           json={"name": "ci", "scopes": ["runs:read"]})
    assert response.status_code == 403


def test_revoked_service_principal_tokens_stop_working(client, admin_headers):
    sp = client.post("/service-principals", headers=admin_headers,
                     json={"name": "nightly", "scopes": ["runs:read"]}).json()
    token = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                              "client_id": sp["client_id"],
                                              "client_secret": sp["client_secret"]}).json()["access_token"]
    assert client.get("/me", headers=bearer(token)).status_code == 200
    assert client.delete(f"/service-principals/{sp['id']}", headers=admin_headers).status_code == 204
    _assert_invalid_token(client.get("/me", headers=bearer(token)), "revoked")
    again = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                              "client_id": sp["client_id"],
                                              "client_secret": sp["client_secret"]})
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"
    assert client.get(f"/service-principals/{sp['id']}", headers=admin_headers).json()["revoked_at"]


def test_revoked_access_token_stops_working(client, admin):
    token = password_token(client, admin)
    other = password_token(client, admin)
    response = client.post("/oauth/revoke", data={"token": token}, headers=bearer(other))
    assert response.status_code == 200
    _assert_invalid_token(client.get("/me", headers=bearer(token)), "revoked")
    assert client.get("/me", headers=bearer(other)).status_code == 200






def test_service_principal_list_paginates(client, make_user):
    owner = make_user(workspace="pages-" + secrets.token_hex(3), admin=True)
    headers = bearer(password_token(client, owner))
    ids = [client.post("/service-principals", headers=headers,
                       json={"name": f"sp{i}", "scopes": ["runs:read"]}).json()["id"] for i in range(3)]
    first = client.get("/service-principals?limit=2", headers=headers).json()
    assert [i["id"] for i in first["items"]] == ids[:2] and first["next_cursor"]
    second = client.get(f"/service-principals?limit=2&cursor={first['next_cursor']}", headers=headers).json()
    assert [i["id"] for i in second["items"]] == ids[2:] and second["next_cursor"] is None
    bad = client.get("/service-principals?cursor=%%%", headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "cursor"]


REFRESH = 1.0  # RETRAINER_REVOCATION_REFRESH_SECONDS of the two APIs below


@pytest.fixture(scope="module")
def two_apis(backend, tmp_path_factory):
    """Two API processes on the same database, each with its own token-check cache."""
    logs = tmp_path_factory.mktemp("revocation")
    servers = [start_api(backend, logs / f"api-{i}.log", RETRAINER_REVOCATION_REFRESH_SECONDS=str(REFRESH))
               for i in range(2)]
    yield [server.url for server in servers]
    for server in servers:
        stop_process(server.process)


def _me(url, token):
    return httpx.get(url + "/me", headers=bearer(token), timeout=30)


def _after_the_bound(since: float) -> None:
    time.sleep(max(0.0, since + REFRESH - time.monotonic()) + 0.2)


def test_a_revoked_token_stops_working_in_every_api_process_within_the_bound(two_apis, admin):
    here, there = two_apis
    with httpx.Client(base_url=here, timeout=30) as client:
        token, other = password_token(client, admin), password_token(client, admin)
    assert _me(here, token).status_code == 200 and _me(there, token).status_code == 200  # both checked it
    assert httpx.post(here + "/oauth/revoke", data={"token": token}, headers=bearer(other)).status_code == 200
    revoked = time.monotonic()
    _assert_invalid_token(_me(here, token), "revoked")  # the process that revoked it: at once
    _after_the_bound(revoked)
    _assert_invalid_token(_me(there, token), "revoked")  # any other: within the refresh bound
    assert _me(there, other).status_code == 200


def test_a_disabled_user_and_a_lost_scope_take_effect_within_the_bound(two_apis, make_user, db):
    from app.db.tables import User

    account = make_user(admin=True)
    with httpx.Client(base_url=two_apis[0], timeout=30) as client:
        token = password_token(client, account)
    for url in two_apis:
        assert "admin" in _me(url, token).json()["scopes"]
    user = db.exec(select(User).where(User.username == account.username)).one()
    user.is_admin = False  # as another process (the CLI) would change it, behind the APIs' backs
    db.add(user)
    db.commit()
    changed = time.monotonic()
    _after_the_bound(changed)
    for url in two_apis:
        assert "admin" not in _me(url, token).json()["scopes"]
    user.disabled = True
    db.add(user)
    db.commit()
    _after_the_bound(time.monotonic())
    for url in two_apis:
        _assert_invalid_token(_me(url, token), "disabled")
