"""Predictions keep no stale deployment: each API process keeps what a prediction needs of
a deployment (no query per prediction), and a change committed by any process, a PATCH
through another API process or a promotion by the worker, is seen by the very next
prediction (app.deployments.seen, app.db.deployment_changes).

Two real API processes (the change made through A, the predictions through B, and through
A itself) and a real worker."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from app.db.tables import Deployment
from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import Server, start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline

ROW = {"rows": [{"x1": 3, "x2": 4, "color": "red"}]}


def _following(server: Server) -> None:
    """Waits (start-up only) until the process confirmed its subscription: before that it
    reads every deployment, which would prove nothing here."""
    deadline = time.monotonic() + 60
    while "following deployment changes" not in server.log():
        assert time.monotonic() < deadline and server.process.poll() is None, server.log()
        time.sleep(0.1)


@pytest.fixture(scope="module")
def second_api(backend, api, tmp_path_factory) -> Iterator[Server]:
    # Answers kept for 5 minutes: only an announcement can make B read a deployment again.
    server = start_api(backend, tmp_path_factory.mktemp("logs") / "api-b.log",
                       RETRAINER_SERVING_REFRESH_SECONDS="300")
    try:
        _following(server)
        _following(api)
        yield server
    finally:
        stop_process(server.process)


def _served(client: httpx.Client, headers: dict[str, str], name: str) -> Any:
    """The version a prediction answers with, or the status of its refusal."""
    answered = client.post(f"/deployments/{name}/predict", headers=headers, json=ROW)
    if answered.status_code != 200:
        return answered.status_code
    return answered.json()["model"]["version"]


def test_changes_made_anywhere_are_seen_by_the_next_prediction_of_every_api_process(
        api, second_api, worker, make_user, db):
    with httpx.Client(base_url=api.url, timeout=120) as a, httpx.Client(base_url=second_api.url, timeout=120) as b:
        headers = bearer(password_token(a, make_user(workspace="changes-" + secrets.token_hex(3), admin=True)))
        pipeline = a.post("/pipelines", headers=headers, json=small_pipeline()).json()

        def train(rows: int) -> dict[str, Any]:
            assert a.put("/datastores/default/files/small/train.csv", headers=headers,
                         content=small_csv(rows)).status_code in (200, 201)
            run = a.post(f"/pipelines/{pipeline['id']}/runs", headers=headers, json={}).json()
            done = wait_for(a, headers, run["id"])
            assert done["status"] == "succeeded", done
            return done

        def seen_by_both(expected: Any) -> None:
            # Twice each: the second answer comes from what the process kept.
            assert [_served(p, headers, "small") for p in (b, b, a, a)] == [expected] * 4

        assert train(80)["model"]["version"] == 1
        assert _served(b, headers, "small") == 404  # "no such deployment", kept by B
        created = a.post("/deployments", headers=headers, json={"name": "small", "model": "small", "follow": True,
                                                                 "gate": {"min_delta": 0.0}})
        assert created.status_code == 201, created.text
        seen_by_both(1)

        # B answers from what it kept: a change that bypasses the announcements (a Core
        # UPDATE, as no code of the service makes on these columns) is not seen by B.
        bypass = update(Deployment).where(col(Deployment.id) == created.json()["id"])
        db.execute(bypass.values(enabled=False))
        db.commit()
        assert _served(b, headers, "small") == 1
        db.execute(bypass.values(enabled=True))
        db.commit()

        # The worker promotes a retrained version (more rows of the same rule: as good on the
        # champion's test split, so it passes the gate).
        retrained = train(90)
        assert retrained["model"]["version"] == 2
        assert [(e["deployment"], e["reason"]) for e in retrained["deployments"]] == [("small", "promoted")]
        seen_by_both(2)

        assert a.patch("/deployments/small", headers=headers, json={"version": 1}).status_code == 200
        seen_by_both(1)
        assert a.patch("/deployments/small", headers=headers, json={"enabled": False}).status_code == 200
        seen_by_both(409)
        assert a.patch("/deployments/small", headers=headers, json={"enabled": True}).status_code == 200
        seen_by_both(1)
        assert a.delete("/deployments/small", headers=headers).status_code == 204
        seen_by_both(404)
        assert a.post("/deployments", headers=headers, json={"name": "small", "model": "small",
                                                             "version": 2}).status_code == 201
        seen_by_both(2)
