"""Settings refusals, the embedded secret key, migrations, and the CLI commands."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from app.core.settings import ConfigurationError, Settings
from app.db import tables  # noqa: F401  (registers the tables on the metadata)
from tests.helpers.processes import ROOT, process_env


def _cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, input=stdin, timeout=120)


def test_postgresql_without_secret_key_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update(RETRAINER_DATA_DIR=str(tmp_path),
               RETRAINER_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test")
    result = _cli("api", "--port", "1", env=env)
    assert result.returncode == 2
    assert "RETRAINER_SECRET_KEY is not set" in result.stderr
    with pytest.raises(ConfigurationError, match="RETRAINER_SECRET_KEY"):
        Settings(data_dir=tmp_path, database_url="postgresql://x@h/db").validate_for_start()


def test_short_secret_key_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="at least 32"):
        Settings(data_dir=tmp_path, secret_key="short").validate_for_start()


def test_time_limits_must_stay_below_visibility_timeout(tmp_path):
    with pytest.raises(ConfigurationError, match="VISIBILITY_TIMEOUT"):
        Settings(data_dir=tmp_path, task_time_limit=100, task_soft_time_limit=50,
                 broker_visibility_timeout=100).validate_for_start()


def test_embedded_secret_key_is_generated_once_and_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = settings.signing_key()
    assert len(first) >= 48
    assert Settings(data_dir=tmp_path / "data").signing_key() == first
    mode = stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_embedded_defaults_live_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RETRAINER_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path}/retrainer.db"
    assert settings.celery_broker_url == f"redis+socket://{tmp_path}/redis.sock"
    monkeypatch.setenv("RETRAINER_DATABASE_URL", "postgres://u:p@db:5432/r")
    assert Settings().sqlalchemy_url == "postgresql+psycopg://u:p@db:5432/r"


def test_env_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("RETRAINER_ACCESS_TOKEN_MINUTES=17\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RETRAINER_ACCESS_TOKEN_MINUTES", raising=False)
    assert Settings().access_token_minutes == 17


def test_migrations_create_exactly_the_tables_of_the_models(backend):
    """The migration chain and app/db/tables.py agree: autogenerate finds nothing to add."""
    from app.db.engine import build_engine

    engine = build_engine(backend.settings())
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    from sqlalchemy import text

    from app.db.engine import build_engine

    engine = build_engine(Settings(data_dir=tmp_path))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
    engine.dispose()


def test_users_create_and_duplicate(backend):
    env = process_env(backend)
    created = _cli("users", "create", "carol-cli", "--password", "correct-horse",
                   "--workspace", "team-cli", "--admin", env=env)
    assert created.returncode == 0, created.stderr
    assert "created user 'carol-cli'" in created.stdout and "team-cli" in created.stdout
    duplicate = _cli("users", "create", "carol-cli", "--password", "correct-horse", env=env)
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr
    weak = _cli("users", "create", "dave-cli", "--password", "short", env=env)
    assert weak.returncode == 1 and "password" in weak.stderr


def test_users_create_prompts_for_the_password(backend, client):
    result = _cli("users", "create", "erin-cli", env=process_env(backend),
                  stdin="a-long-password\na-long-password\n")
    assert result.returncode == 0, result.stderr
    token = client.post("/oauth/token", data={"grant_type": "password", "username": "erin-cli",
                                              "password": "a-long-password"})
    assert token.status_code == 200
    assert "admin" not in token.json()["scope"].split()


def test_migrate_is_idempotent_and_bootstraps_the_admin(backend, client):
    env = process_env(backend, RETRAINER_ADMIN_USERNAME="root-admin",
                      RETRAINER_ADMIN_PASSWORD="bootstrap-password")
    first = _cli("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert "created admin 'root-admin'" in first.stdout
    second = _cli("migrate", env=env)
    assert second.returncode == 0 and "created admin" not in second.stdout
    token = client.post("/oauth/token", data={"grant_type": "password", "username": "root-admin",
                                              "password": "bootstrap-password"}).json()
    assert "admin" in token["scope"].split()
    me = client.get("/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me["workspace"] == "default"


@pytest.mark.parametrize("command", [["up"], ["api"], ["worker"], ["migrate"], ["users", "create"]])
def test_every_documented_command_has_help(command):
    result = subprocess.run([sys.executable, "-m", "app.cli", *command, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_trusted_proxies_are_none_by_default_and_must_be_addresses(tmp_path, monkeypatch):
    monkeypatch.delenv("RETRAINER_FORWARDED_ALLOW_IPS", raising=False)
    assert Settings(data_dir=tmp_path).forwarded_allow_ips == ""
    assert Settings(data_dir=tmp_path, forwarded_allow_ips=" 10.0.0.5, 10.1.0.0/16 ").forwarded_allow_ips == \
        "10.0.0.5,10.1.0.0/16"
    for bad in ("proxy.internal", "*", "10.0.0.5,nope"):
        with pytest.raises(ValueError, match="RETRAINER_FORWARDED_ALLOW_IPS"):
            Settings(data_dir=tmp_path, forwarded_allow_ips=bad)
