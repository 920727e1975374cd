"""Every error is RFC 9457 problem details; unknown fields, big bodies and crashes included."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient


def test_unknown_field_is_refused_with_its_location(client, admin_headers):
    response = client.post("/service-principals", headers=admin_headers,
                           json={"name": "ci", "scopes": ["runs:read"], "role": "owner"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/validation-error") and body["status"] == 422
    assert {"loc": ["body", "role"], "msg": body["errors"][0]["msg"]} in body["errors"]
    assert "unknown field" in body["errors"][0]["msg"]


def test_every_problem_is_listed_at_once(client, admin_headers):
    response = client.post("/service-principals", headers=admin_headers,
                           json={"name": "", "scopes": ["runs:read", "root"]})
    assert response.status_code == 422
    locs = [tuple(e["loc"]) for e in response.json()["errors"]]
    assert ("body", "name") in locs
    assert ("body", "scopes", 1) in locs


def test_malformed_json_is_a_problem_not_a_crash(client, admin_headers):
    response = client.post("/service-principals", content=b"{not json",
                           headers={**admin_headers, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][0] == "body"


def test_unknown_route_is_problem_404(client):
    response = client.get("/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No route matches GET /no-such-thing"


def test_wrong_method_is_problem_405(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_declared_oversized_body_is_413(client, admin_headers):
    big = b"x" * (10 * 1024 * 1024 + 1)
    response = client.post("/service-principals", content=big,
                           headers={**admin_headers, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "too large" in response.json()["detail"].lower()


def test_streamed_oversized_body_without_length_is_413(api, admin_headers):
    def chunks():
        for _ in range(11):
            yield b" " * (1024 * 1024)

    with httpx.Client(base_url=api.url, timeout=30) as c:
        response = c.post("/service-principals", content=chunks(),
                          headers={**admin_headers, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_unexpected_error_hides_its_traceback(backend):
    """The only in-process test here: a route that crashes cannot be reached over HTTP
    in a correct build, so one is added to a fresh app to check the 500 handler."""
    from app.main import create_app

    app = create_app(backend.settings())

    @app.get("/boom")
    def boom():
        raise RuntimeError("database password is hunter2")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    text = response.text
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert response.json()["title"] == "Internal server error"
    assert response.headers["x-request-id"]
