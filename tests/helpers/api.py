"""Talking to the API as a client would: accounts, tokens, waiting for runs."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.runs.states import FINISHED_RUN

FINISHED = frozenset(status.value for status in FINISHED_RUN)


@dataclass
class Account:
    username: str
    password: str
    workspace: str
    admin: bool


def password_token(client: httpx.Client, account: Account, scope: str | None = None) -> str:
    data = {"grant_type": "password", "username": account.username, "password": account.password}
    if scope is not None:
        data["scope"] = scope
    response = client.post("/oauth/token", data=data)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def principal_headers(client: httpx.Client, admin_headers: dict[str, str], scopes: list[str]) -> dict[str, str]:
    """The Authorization header of a new service principal of the admin's workspace holding
    only `scopes` (client_credentials grant)."""
    import secrets

    sp = client.post("/service-principals", headers=admin_headers,
                     json={"name": "sp-" + secrets.token_hex(3), "scopes": scopes}).json()
    token = client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": sp["client_id"],
                                              "client_secret": sp["client_secret"]}).json()["access_token"]
    return bearer(token)


def wait_for(client: httpx.Client, headers: dict[str, str], run_id: str, statuses: frozenset[str] = FINISHED,
             timeout: float = 300) -> dict[str, Any]:
    """The run once its status is one of `statuses` (a finished one by default)."""
    deadline = time.monotonic() + timeout
    while True:
        run: dict[str, Any] = client.get(f"/runs/{run_id}", headers=headers).json()
        if run["status"] in statuses:
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}: {run}"
        time.sleep(0.2)
