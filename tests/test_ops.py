"""/healthz, /readyz, /metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import time


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok", "storage": "ok",
                                                                 "outbox": "ok"}}




def test_metrics_are_prometheus_text(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'retrainer_http_requests_total{method="GET",route="/healthz",status="200"}' in response.text
    assert "retrainer_http_request_duration_seconds_bucket" in response.text


def test_request_id_is_echoed_and_logged_as_json(client, api):
    response = client.get("/me", headers={"X-Request-ID": "trace-abc-123"})
    assert response.headers["x-request-id"] == "trace-abc-123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in api.log().splitlines() if line.startswith("{")]
        hits = [line for line in lines if line.get("request_id") == "trace-abc-123"]
        if hits:
            break
        time.sleep(0.1)
    assert hits, "no JSON log line carries the request id"
    assert hits[-1]["path"] == "/me" and hits[-1]["status"] == 401 and hits[-1]["level"] == "INFO"


def test_logs_never_contain_passwords_or_tokens(client, api, make_user):
    user = make_user()
    token = client.post("/oauth/token", data={"grant_type": "password", "username": user.username,
                                              "password": user.password}).json()["access_token"]
    client.get("/me", headers={"Authorization": f"Bearer {token}"})
    time.sleep(0.3)
    log = api.log()
    assert user.password not in log
    assert token not in log


def test_openapi_is_public_and_names_the_token_url(client):
    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "/oauth/token"
    assert "/oauth/token" in spec["paths"]
