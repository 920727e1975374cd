"""Authentication edges: guesses counted before they are checked, a stranger cannot lock
anyone out, a token is revoked only by its own principal (or an admin of its workspace),
the signing key is created whole, and what the service writes is private."""

from __future__ import annotations

import concurrent.futures
import secrets
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.core.clock import utcnow
from app.core.settings import ConfigurationError, Settings
from app.db.tables import RevokedToken
from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import ROOT
from tests.helpers.samples import small_csv, small_pipeline


def _login(client, account, password: str, address: str):
    return client.post("/oauth/token", headers={"X-Forwarded-For": address},
                       data={"grant_type": "password", "username": account.username, "password": password})


def test_concurrent_guesses_are_counted_before_they_are_checked(api, make_user):
    import httpx

    user = make_user()
    address = f"198.51.100.{secrets.randbelow(250) + 1}"

    def guess(_: int) -> int:
        with httpx.Client(base_url=api.url, timeout=60) as c:
            return _login(c, user, "wrong-password", address).status_code

    with concurrent.futures.ThreadPoolExecutor(18) as pool:
        codes = list(pool.map(guess, range(18)))
    # The suite allows 3 failures a minute per account and address: 18 at once, 3 checked.
    assert codes.count(400) == 3 and codes.count(429) == 15


def test_a_stranger_cannot_lock_an_account_out(client, make_user):
    user = make_user()
    stranger = f"203.0.113.{secrets.randbelow(250) + 1}"
    for _ in range(3):
        assert _login(client, user, "wrong-password", stranger).status_code == 400
    assert _login(client, user, user.password, stranger).status_code == 429  # the stranger's place is blocked
    home = f"192.0.2.{secrets.randbelow(250) + 1}"
    assert _login(client, user, user.password, home).status_code == 200  # the user's is not


def test_a_token_is_revoked_only_by_its_principal_or_its_workspace_admin(client, make_user):
    workspace = "revoke-" + secrets.token_hex(3)
    alice, bob = make_user(workspace=workspace), make_user(workspace=workspace)
    admin, outsider = make_user(workspace=workspace, admin=True), make_user(admin=True)
    alices = password_token(client, alice)
    for who in (bob, outsider):
        refused = client.post("/oauth/revoke", data={"token": alices}, headers=bearer(password_token(client, who)))
        assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"
    assert client.get("/me", headers=bearer(alices)).status_code == 200
    revoked = client.post("/oauth/revoke", data={"token": alices}, headers=bearer(password_token(client, admin)))
    assert revoked.status_code == 200
    assert client.get("/me", headers=bearer(alices)).status_code == 401
    own = password_token(client, bob)
    assert client.post("/oauth/revoke", data={"token": own}, headers=bearer(own)).status_code == 200


def test_revocations_of_expired_tokens_are_forgotten(client, make_user, db):
    db.add(RevokedToken(jti="old-" + secrets.token_hex(6), expires_at=utcnow() - timedelta(hours=1)))
    db.commit()
    user = make_user()
    token = password_token(client, user)
    assert client.post("/oauth/revoke", data={"token": token}, headers=bearer(token)).status_code == 200
    db.expire_all()
    left = db.exec(select(RevokedToken).where(RevokedToken.expires_at < utcnow())).all()
    db.commit()
    assert left == []


def test_the_signing_key_is_created_whole_by_one_of_many_processes(tmp_path):
    script = ("import sys; from pathlib import Path; from app.core.settings import Settings; "
              "print(Settings(data_dir=Path(sys.argv[1]), database_url=None, secret_key=None).signing_key())")
    processes = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "data")], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin"})
                 for _ in range(6)]
    keys = {p.communicate(timeout=60)[0].strip() for p in processes}
    assert len(keys) == 1 and len(keys.pop()) >= 32
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir() if p.name.startswith(".secret_key")] == []
    key_file.write_text("too-short")
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        Settings(data_dir=tmp_path / "data", database_url=None, secret_key=None).signing_key()


def test_what_the_service_writes_is_readable_by_its_user_only(client, admin_headers, worker, backend):
    client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=admin_headers)
    pipeline = client.post("/pipelines", json=small_pipeline(), headers=admin_headers).json()
    run = wait_for(client, admin_headers, client.post(f"/pipelines/{pipeline['id']}/runs", json={},
                                                      headers=admin_headers).json()["id"])
    assert run["status"] == "succeeded", run["error"]
    data_dir = Path(backend.data_dir)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    written = [p for p in (data_dir / "artifacts").rglob("*") if p.is_file()]
    written += [p for p in data_dir.glob("retrainer.db*")]  # the SQLite database and its WAL
    assert any(p.name == "log.txt" for p in written) and any(p.suffix == ".joblib" for p in written)
    if backend.kind == "sqlite":
        assert {p.name for p in written} >= {"retrainer.db", "retrainer.db-wal"}
    loose = [str(p) for p in written if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert loose == []
