"""Fixtures: a real database, a real Redis, the API and a worker as real processes; for
the in-process tests (tests/unit, tests/<domain>, tests/worker), a database of their own
and the Runtime the services run on; one SeaweedFS server for the whole session.

Only fixtures live here; what tests share as code is in tests/helpers/. Every fixture is
built on first use, so a test pays only for what it asks for.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.helpers.api import Account, bearer, password_token
from tests.helpers.audit import ErrorAudit
from tests.helpers.backends import SECRET_KEY, Backend, create_pg_database, drop_pg_database, pick_redis_db
from tests.helpers.processes import CLI, ROOT, Server, Worker, process_env, start_api, start_worker, stop_process
from tests.helpers.seaweed import SeaweedFS

if TYPE_CHECKING:
    from app.core.settings import Settings
    from app.runtime import Runtime

AUDIT = ErrorAudit()


@pytest.fixture(scope="session", autouse=True)
def audited_errors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ErrorAudit]:
    """Records what every httpx client of the suite receives; at the end, no error may hold
    a server path, a workspace id or a traceback (see tests/helpers/audit.py)."""
    AUDIT.server_paths.append(str(tmp_path_factory.getbasetemp()))
    send = httpx.Client.send

    def recording_send(self: httpx.Client, request: httpx.Request, **kwargs: object) -> httpx.Response:
        response = send(self, request, **kwargs)  # type: ignore[arg-type]
        if not kwargs.get("stream"):
            AUDIT.record(response)
        return response

    httpx.Client.send = recording_send  # type: ignore[method-assign]
    try:
        yield AUDIT
    finally:
        httpx.Client.send = send  # type: ignore[method-assign]


# Tests that do not depend on the database and broker under test: the components run in
# process; the README test starts its own `retrainer up` on the embedded default; the
# multi-host test its own PostgreSQL database and bucket; the studio's browser tests drive
# the same API that every other test drives on both databases; the compose file, the
# OpenAPI document (and the studio's types generated from it) and the import contracts
# are files; the client package is what it imports, and the terminal's commands only call
# routes that the HTTP tests cover on both databases. `./scripts/test` runs them in its first database run only
# (the next run has -m "not once").
ONCE = ("components", "browser", "test_readme.py", "test_multihost.py", "test_compose.py", "test_openapi.py",
        "test_import_contracts.py", "test_studio_types.py", "test_cli_client.py",
        "test_cli_commands.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = ROOT / "tests"
    for item in items:
        parts = item.path.relative_to(tests).parts if item.path.is_relative_to(tests) else ()
        if parts and parts[0] in ONCE:
            item.add_marker(pytest.mark.once)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if AUDIT.checked:
        terminalreporter.write_line(f"error audit: {AUDIT.checked} error messages checked, "
                                    f"{len(AUDIT.found)} leaking")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if AUDIT.found:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("errors that leak server details to clients:", red=True)
            for line in AUDIT.found[:50]:
                reporter.write_line("  " + line, red=True)


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    data_dir = tmp_path_factory.mktemp("retrainer-data")
    pg_base = os.environ.get("RETRAINER_TEST_DATABASE_URL")
    redis_base = os.environ.get("RETRAINER_TEST_BROKER_URL")
    pg_name = None
    database_url = None
    if pg_base:
        pg_name, database_url = create_pg_database(pg_base)
    broker_url = pick_redis_db(redis_base) if redis_base else None
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
        # One process per test API: the suite starts many of them.
        "RETRAINER_API_WORKERS": "1",
        # Every worker delivers webhooks (whichever takes a delivery sends it), so all of
        # the suite's workers share one webhook configuration, as a service's workers do:
        # the receivers of tests/test_webhooks.py listen on 127.0.0.1 and retry quickly.
        "RETRAINER_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "RETRAINER_WEBHOOK_RETRY_SECONDS": "0.2,0.2,0.2",
        "RETRAINER_WEBHOOK_POLL_SECONDS": "0.2",
    }
    if database_url:
        env["RETRAINER_DATABASE_URL"] = database_url
    if broker_url:
        env["RETRAINER_BROKER_URL"] = broker_url
    b = Backend(data_dir=data_dir, database_url=database_url, broker_url=broker_url, env=env)
    subprocess.run(CLI + ["migrate"], env=process_env(b), check=True, cwd=ROOT, capture_output=True)
    try:
        yield b
    finally:
        if broker_url:
            redis.Redis.from_url(broker_url).flushdb()
        if embedded is not None:
            embedded.stop()
        if pg_name and pg_base:
            drop_pg_database(pg_base, pg_name)


@pytest.fixture(scope="session")
def api(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_api(backend, tmp_path_factory.mktemp("logs") / "api.log")
    yield server
    stop_process(server.process)


@pytest.fixture(scope="session")
def worker(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    started = start_worker(backend, tmp_path_factory.mktemp("logs") / "worker.log")
    yield started
    stop_process(started.process, timeout=30)


@pytest.fixture
def client(api: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def db(backend: Backend) -> Iterator[Session]:
    from app.db.engine import build_engine

    engine = build_engine(backend.settings())
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="session")
def make_user(db: Session) -> Callable[..., Account]:
    """Creates a user directly in the database (the CLI path is tested on its own)."""
    from app.auth.service import create_user

    def _make(workspace: str = "default", admin: bool = False) -> Account:
        username = "user-" + secrets.token_hex(4)
        password = "pw-" + secrets.token_urlsafe(12)
        create_user(db, username=username, password=password, workspace=workspace, admin=admin)
        db.commit()
        return Account(username, password, workspace, admin)

    return _make


@pytest.fixture
def admin(make_user: Callable[..., Account]) -> Account:
    return make_user(admin=True)


@pytest.fixture
def admin_headers(client: httpx.Client, admin: Account) -> dict[str, str]:
    return bearer(password_token(client, admin))


# In process: no server, no worker -------------------------------------------------------
# In the suite's run on PostgreSQL (RETRAINER_TEST_DATABASE_URL set) the database is a fresh
# PostgreSQL one, so that row locks and constraints are PostgreSQL's; otherwise a SQLite
# file configured as the service configures it (WAL, BEGIN IMMEDIATE). Not the `backend`
# database: no `migrate` process, no API needed.


@pytest.fixture(scope="session")
def unit_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from app.core.settings import Settings

    data_dir = tmp_path_factory.mktemp("unit-data")
    pg_base = os.environ.get("RETRAINER_TEST_DATABASE_URL")
    pg_name, database_url = create_pg_database(pg_base) if pg_base else (None, None)
    # An unused broker address: in-process tests never reach a worker (a message a
    # service records stays in the outbox; the queue fails fast once refused).
    yield Settings(data_dir=data_dir, database_url=database_url, broker_url="redis://127.0.0.1:1/0",
                   secret_key=SECRET_KEY)
    if pg_name and pg_base:
        drop_pg_database(pg_base, pg_name)


@pytest.fixture(scope="session")
def engine(unit_settings: Settings) -> Iterator[Engine]:
    from sqlmodel import SQLModel

    from app.db import tables  # noqa: F401  (registers every table on the metadata)
    from app.db.engine import build_engine

    built = build_engine(unit_settings)
    SQLModel.metadata.create_all(built)
    yield built
    built.dispose()


@pytest.fixture(scope="session")
def runtime(unit_settings: Settings, engine: Engine) -> Runtime:
    from app.runtime import Runtime

    built = Runtime.build(unit_settings)
    built.engine.dispose()
    built.engine = engine
    return built


# SeaweedFS: one `weed server` per session ------------------------------------------------


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """One S3-compatible store for every test that needs one; each test module creates the
    buckets it uses (`seaweed.create_bucket`, or the `s3_bucket` fixture)."""
    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="module")
def s3_bucket(seaweed: SeaweedFS) -> str:
    """A new, empty bucket on the session's SeaweedFS for the test module (its tests keep
    apart by key prefix: creating a bucket costs a `weed shell` process)."""
    name = "t-" + secrets.token_hex(6)
    seaweed.create_bucket(name)
    return name
