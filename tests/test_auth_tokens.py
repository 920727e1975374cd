"""POST /oauth/token: both grants, scopes, RFC 6749 errors, rate limits."""

from __future__ import annotations

import base64
import secrets

import httpx
import redis

from tests.helpers.api import bearer, password_token
from tests.helpers.processes import start_api, stop_process


def _sp(client, admin_headers, scopes=("runs:read", "runs:write")):
    response = client.post("/service-principals", headers=admin_headers,
                           json={"name": "ci-" + secrets.token_hex(3), "scopes": list(scopes)})
    assert response.status_code == 201, response.text
    return response.json()


def _assert_oauth_error(response, status, error):
    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    return body


def test_password_grant_returns_a_bearer_token_with_every_user_scope(client, make_user):
    user = make_user()
    response = client.post("/oauth/token", data={
        "grant_type": "password", "username": user.username, "password": user.password})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == {
        "pipelines:read", "pipelines:write", "endpoints:read", "endpoints:write", "runs:read",
        "runs:write", "models:read", "data:read", "data:write", "deployments:read", "deployments:write", "predict",
        "triggers:read", "triggers:write", "webhooks:read", "webhooks:write"}
    me = client.get("/me", headers=bearer(body["access_token"])).json()
    assert me["kind"] == "user" and me["name"] == user.username and me["workspace"] == "default"


def test_admin_user_holds_admin_scope_and_can_narrow_it(client, make_user):
    admin = make_user(admin=True)
    narrow = client.post("/oauth/token", data={
        "grant_type": "password", "username": admin.username, "password": admin.password,
        "scope": "runs:read admin"})
    assert narrow.status_code == 200
    assert narrow.json()["scope"] == "admin runs:read"
    me = client.get("/me", headers=bearer(narrow.json()["access_token"])).json()
    assert me["scopes"] == ["admin", "runs:read"]


def test_client_credentials_in_body_and_with_http_basic(client, admin_headers):
    sp = _sp(client, admin_headers)
    assert sp["client_secret"] and sp["client_id"].startswith("rtc_")
    body = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                             "client_id": sp["client_id"],
                                             "client_secret": sp["client_secret"]})
    assert body.status_code == 200, body.text
    assert body.json()["scope"] == "runs:read runs:write"
    basic = base64.b64encode(f"{sp['client_id']}:{sp['client_secret']}".encode()).decode()
    via_basic = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                            headers={"Authorization": f"Basic {basic}"})
    assert via_basic.status_code == 200, via_basic.text
    me = client.get("/me", headers=bearer(via_basic.json()["access_token"])).json()
    assert me["kind"] == "service_principal" and me["name"] == sp["name"]
    assert me["scopes"] == ["runs:read", "runs:write"]


def test_secret_is_shown_only_at_creation(client, admin_headers):
    sp = _sp(client, admin_headers)
    fetched = client.get(f"/service-principals/{sp['id']}", headers=admin_headers)
    assert fetched.status_code == 200
    assert "client_secret" not in fetched.json()
    listed = client.get("/service-principals", headers=admin_headers).json()
    assert any(item["id"] == sp["id"] for item in listed["items"])
    assert all("client_secret" not in item for item in listed["items"])


def test_wrong_password_is_invalid_grant(client, make_user):
    user = make_user()
    _assert_oauth_error(client.post("/oauth/token", data={
        "grant_type": "password", "username": user.username, "password": "wrong-password"}),
        400, "invalid_grant")


def test_unknown_user_is_the_same_invalid_grant(client):
    body = _assert_oauth_error(client.post("/oauth/token", data={
        "grant_type": "password", "username": "nobody-" + secrets.token_hex(3), "password": "x" * 10}),
        400, "invalid_grant")
    assert body["error_description"] == "the username or password is wrong"


def test_unknown_client_is_invalid_client_401(client):
    response = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                 "client_id": "rtc_unknown", "client_secret": "nope"})
    _assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_client_secret_is_invalid_client(client, admin_headers):
    sp = _sp(client, admin_headers)
    _assert_oauth_error(client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": sp["client_id"], "client_secret": "guess"}),
        401, "invalid_client")


def test_unsupported_grant_type(client):
    body = _assert_oauth_error(client.post("/oauth/token", data={"grant_type": "authorization_code",
                                                                 "code": "x"}),
                               400, "unsupported_grant_type")
    assert "password or client_credentials" in body["error_description"]


def test_missing_fields_and_json_body_are_invalid_request(client):
    _assert_oauth_error(client.post("/oauth/token", data={}), 400, "invalid_request")
    _assert_oauth_error(client.post("/oauth/token", data={"grant_type": "password", "username": "a"}),
                        400, "invalid_request")
    _assert_oauth_error(client.post("/oauth/token", json={"grant_type": "password"}),
                        400, "invalid_request")






def test_rate_limit_per_username_and_address_blocks_even_the_right_password(client, make_user):
    user = make_user()
    for _ in range(3):  # the suite's server allows 3 failures a minute per username and address
        _assert_oauth_error(client.post("/oauth/token", data={
            "grant_type": "password", "username": user.username, "password": "wrong-password"}),
            400, "invalid_grant")
    blocked = client.post("/oauth/token", data={
        "grant_type": "password", "username": user.username, "password": user.password})
    body = _assert_oauth_error(blocked, 429, "temporarily_unavailable")
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    assert "account from this address" in body["error_description"]
    # Another user from the same address is not affected.
    other = make_user()
    assert password_token(client, other)


def test_rate_limit_per_client_address(backend, make_user, tmp_path):
    server = start_api(backend, tmp_path / "api.log",
                       RETRAINER_TOKEN_FAILURES_PER_ADDRESS="2/minute")
    try:
        with httpx.Client(base_url=server.url) as c:
            for _ in range(2):
                r = c.post("/oauth/token", data={"grant_type": "password",
                                                 "username": f"ghost-{secrets.token_hex(3)}",
                                                 "password": "wrong-password"})
                assert r.status_code == 400
            user = make_user()
            blocked = c.post("/oauth/token", data={"grant_type": "password",
                                                   "username": user.username, "password": user.password})
            assert blocked.status_code == 429
            assert blocked.json()["error"] == "temporarily_unavailable"
            assert "address" in blocked.json()["error_description"]
            assert int(blocked.headers["retry-after"]) >= 1
    finally:
        stop_process(server.process)
        # Leave no counters behind for the suite's own server (same Redis, same address).
        counters = redis.Redis.from_url(backend.settings().redis_url)
        for key in counters.scan_iter("retrainer:login*address*"):
            counters.delete(key)


def test_unknown_user_costs_one_password_verification(backend, monkeypatch):
    """A login for an unknown user does the same work as for a known one (no enumeration
    by timing): exactly one Argon2 verification in both cases. Counted, not timed."""
    from sqlmodel import Session

    from app.auth import service
    from app.core import security
    from app.db.engine import build_engine

    calls = []
    real_verify = security._passwords.verify
    monkeypatch.setattr(security._passwords, "verify",
                        lambda *a, **k: calls.append(1) or real_verify(*a, **k))
    engine = build_engine(backend.settings())
    with Session(engine) as session:
        assert service.authenticate_password(session, "no-such-user-" + secrets.token_hex(3), "pw") is None
        assert len(calls) == 1
        assert service.authenticate_client(session, "rtc_none", "secret") is None
        assert len(calls) == 2
    engine.dispose()
