"""Authentication edges: guesses counted before they are checked, a stranger cannot lock
anyone out, a token is revoked only by its own principal (or an admin of its workspace),
the signing key is created whole, and what the service writes is private."""

from __future__ import annotations

import concurrent.futures
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import redis

from app.core.settings import ConfigurationError, Settings
from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.processes import ROOT, start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline


def _login(client, account, password: str, address: str):
    return client.post("/oauth/token", headers={"X-Forwarded-For": address},
                       data={"grant_type": "password", "username": account.username, "password": password})


def _address(prefix: str = "203.0.113") -> str:
    return f"{prefix}.{secrets.randbelow(250) + 1}"


@pytest.fixture(scope="module")
def proxied(backend, tmp_path_factory):
    """An API behind a reverse proxy on loopback (RETRAINER_FORWARDED_ALLOW_IPS), so that
    each request may come from an address of its own; 8 failures a minute per account."""
    server = start_api(backend, tmp_path_factory.mktemp("proxied") / "api.log",
                       RETRAINER_FORWARDED_ALLOW_IPS="127.0.0.1", RETRAINER_TOKEN_FAILURES_PER_ACCOUNT="8/minute")
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c
    stop_process(server.process)


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


def test_a_stranger_cannot_lock_an_account_out(proxied, make_user):
    client = proxied
    user = make_user()
    stranger = f"203.0.113.{secrets.randbelow(250) + 1}"
    for _ in range(3):
        assert _login(client, user, "wrong-password", stranger).status_code == 400
    assert _login(client, user, user.password, stranger).status_code == 429  # the stranger's place is blocked
    home = f"192.0.2.{secrets.randbelow(250) + 1}"
    assert _login(client, user, user.password, home).status_code == 200  # the user's is not


def test_strangers_from_many_addresses_cannot_lock_the_owner_out_of_their_own(proxied, make_user):
    """Failures from anywhere are limited per account (8 a minute here), but that limit does
    not apply where the account signed in before: many strangers, each under the limit of
    its own address, stop new places from guessing, never the owner at home."""
    user = make_user()
    home = _address("192.0.2")
    assert _login(proxied, user, user.password, home).status_code == 200
    codes = [_login(proxied, user, "wrong-password", address).status_code
             for address in {_address(f"198.51.{n}") for n in range(6)} for _ in range(2)]
    assert codes.count(400) == 8 and codes.count(429) == len(codes) - 8, codes
    assert _login(proxied, user, user.password, home).status_code == 200
    blocked = _login(proxied, user, user.password, _address("100.64.0"))  # a place it never signed in from
    assert blocked.status_code == 429 and "for this account;" in blocked.json()["error_description"]
    # The owner's own wrong passwords still count at home (3 a minute per account and address).
    for _ in range(3):
        assert _login(proxied, user, "typo", home).status_code == 400
    assert _login(proxied, user, user.password, home).status_code == 429


def test_strangers_cannot_lock_a_service_principal_out_anywhere(proxied, admin_headers):
    """A client secret is 256 random bits, never guessed online: wrong secrets from many
    addresses leave the CI job's login working from any new address (a CI runner's)."""
    created = proxied.post("/service-principals", json={"name": "ci-" + secrets.token_hex(3), "scopes": ["runs:read"]},
                           headers=admin_headers).json()
    for address in {_address(f"198.18.{n}") for n in range(6)}:
        for _ in range(2):
            wrong = proxied.post("/oauth/token", headers={"X-Forwarded-For": address},
                                 data={"grant_type": "client_credentials"}, auth=(created["client_id"], "wrong"))
            assert wrong.status_code == 401
    granted = proxied.post("/oauth/token", headers={"X-Forwarded-For": _address("100.64.1")},
                           data={"grant_type": "client_credentials"},
                           auth=(created["client_id"], created["client_secret"]))
    assert granted.status_code == 200, granted.text


def test_forwarded_for_is_trusted_only_from_configured_proxies(client, proxied, make_user, api):
    """By default (no RETRAINER_FORWARDED_ALLOW_IPS) X-Forwarded-For is a header like any
    other, even from loopback: a guesser cannot pose as a new address each time."""
    for server, trusted in ((client, False), (proxied, True)):
        user = make_user()
        for _ in range(3):  # the suite's limit per account and address
            assert _login(server, user, "wrong-password", _address()).status_code == 400
        answer = _login(server, user, user.password, _address())
        assert answer.status_code == (200 if trusted else 429), (trusted, answer.text)
    spoofed = _address("203.0.113")
    client.get("/healthz", headers={"X-Forwarded-For": spoofed, "X-Request-ID": "spoof-" + spoofed})
    line = next(line for line in api.log().splitlines() if "spoof-" + spoofed in line and '"client"' in line)
    assert '"client": "127.0.0.1"' in line and spoofed.rsplit(".", 1)[0] not in line.split('"client"')[1]


_HUGE = "x" * 1_000_000


def _login_keys(backend) -> dict[bytes, int]:
    store = redis.Redis.from_url(backend.settings().redis_url)
    return {key: store.memory_usage(key) or 0 for key in store.scan_iter("retrainer:login*")}


@pytest.mark.parametrize("field", ["username", "password", "client_id", "client_secret", "scope", "grant_type",
                                   "basic client_id", "basic client_secret"])
def test_huge_token_fields_are_refused_before_anything_is_stored(client, backend, field):
    """A signed-out caller cannot fill the broker's memory: a field over its length is a 400
    invalid_request naming it, counted nowhere; the counters that are kept have short keys."""
    before = _login_keys(backend)
    user_grant = field in ("username", "password", "scope")
    data = ({"grant_type": "password", "username": "ghost", "password": "wrong-password"} if user_grant else
            {"grant_type": "client_credentials", "client_id": "rtc_ghost", "client_secret": "wrong"})
    auth = None
    if field.startswith("basic "):
        data = {"grant_type": "client_credentials"}
        auth = (_HUGE, "wrong") if field == "basic client_id" else ("rtc_ghost", _HUGE)
    else:
        data[field] = _HUGE
    for _ in range(5):
        answer = client.post("/oauth/token", data=data, auth=auth)
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert body["error"] == "invalid_request" and field.split()[-1] in body["error_description"], body
        assert "too long" in body["error_description"] and answer.headers["cache-control"] == "no-store"
    after = _login_keys(backend)
    grown = sum(after.values()) - sum(before.values())
    assert grown < 4096 and all(len(key) < 200 for key in after), (grown, max(map(len, after), default=0))


def test_the_limiter_keeps_no_username_and_a_long_revoked_token_is_refused(client, backend, make_user):
    """Counters are keyed by a digest: the longest accepted username leaves a key of the
    same size as a short one, and its text is not in the broker at all."""
    name = "ghost-" + secrets.token_hex(47)  # 100 characters: the longest a username may be
    answer = client.post("/oauth/token", data={"grant_type": "password", "username": name, "password": "nope"})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    keys = _login_keys(backend)
    assert keys and not any(name.encode() in key for key in keys)
    assert all(len(key) < 200 and size < 1024 for key, size in keys.items())
    token = password_token(client, make_user())
    refused = client.post("/oauth/revoke", data={"token": _HUGE}, headers=bearer(token))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"
    assert "token" in refused.json()["error_description"] and "too long" in refused.json()["error_description"]


def test_a_revocation_by_another_principal_is_an_oauth_error(client, make_user):
    """Who may revoke is tested on the service (tests/auth/test_service.py); here, the answer."""
    workspace = "revoke-" + secrets.token_hex(3)
    alice, bob = make_user(workspace=workspace), make_user(workspace=workspace)
    alices = password_token(client, alice)
    refused = client.post("/oauth/revoke", data={"token": alices}, headers=bearer(password_token(client, bob)))
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"
    assert client.get("/me", headers=bearer(alices)).status_code == 200


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
