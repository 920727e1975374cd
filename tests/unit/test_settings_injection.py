"""The settings given to create_app (or build_celery) are the ones every route, engine
and queue of that app uses; the environment is not read behind their back."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from app.auth.service import create_user
from app.core.settings import Settings
from app.db import tables  # noqa: F401  (registers every table on the metadata)
from app.db.engine import build_engine
from app.db.unit_of_work import UnitOfWork
from app.main import create_app
from tests.helpers.backends import SECRET_KEY


def _settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": data_dir, "secret_key": SECRET_KEY,
                                 "broker_url": "redis://127.0.0.1:1/0", "log_json": False}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _with_user(settings: Settings, username: str) -> None:
    engine = build_engine(settings)
    SQLModel.metadata.create_all(engine)
    with UnitOfWork(engine) as uow:
        create_user(uow.session, username=username, password="password-1", workspace="default")
    engine.dispose()


def _token(client: TestClient, username: str) -> int:
    return client.post("/oauth/token", data={"grant_type": "password", "username": username,
                                              "password": "password-1"}).status_code


def test_each_app_uses_its_own_settings_not_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _settings(tmp_path / "first"), _settings(tmp_path / "second", max_body_bytes=4096)
    _with_user(first, "alice")
    _with_user(second, "bob")
    # Once the settings are built, the environment names another data directory and a tiny
    # body limit: neither applies to the apps built from those settings.
    monkeypatch.setenv("RETRAINER_DATA_DIR", str(tmp_path / "from-environment"))
    monkeypatch.setenv("RETRAINER_MAX_BODY_BYTES", "1024")

    with TestClient(create_app(first)) as one, TestClient(create_app(second)) as two:
        assert (_token(one, "alice"), _token(one, "bob")) == (200, 400)
        assert (_token(two, "bob"), _token(two, "alice")) == (200, 400)
        token = one.post("/oauth/token", data={"grant_type": "password", "username": "alice",
                                                "password": "password-1"}).json()["access_token"]
        # 2 KiB: over the environment's 1 KiB, under the first app's default 10 MiB...
        body = {"name": "p", "description": "x" * 2048, "steps": {}}
        accepted = one.post("/pipelines", json=body, headers={"Authorization": f"Bearer {token}"})
        assert accepted.status_code == 201  # an empty draft, read whole: not refused by size
        # ...and over the second app's 4 KiB once it is 5 KiB.
        too_large = two.post("/pipelines", json={**body, "description": "x" * 5000})
        assert too_large.status_code == 413
        # The readiness probe looks at each app's own database and broker.
        assert one.get("/readyz").json()["checks"]["database"] == "ok"
    assert (tmp_path / "first" / "retrainer.db").exists() and (tmp_path / "second" / "retrainer.db").exists()
    assert not (tmp_path / "from-environment").exists()


def test_the_worker_is_built_from_the_settings_it_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.celery_app import build_celery, worker_argv

    settings = _settings(tmp_path / "worker", queue="given", worker_concurrency=2, task_soft_time_limit=100,
                         task_time_limit=200)
    monkeypatch.setenv("RETRAINER_QUEUE", "from-environment")
    monkeypatch.setenv("RETRAINER_WORKER_CONCURRENCY", "7")
    celery = build_celery(settings)
    assert celery.runtime.settings is settings
    assert (celery.conf.task_default_queue, celery.conf.worker_concurrency) == ("given", 2)
    assert (celery.conf.task_soft_time_limit, celery.conf.task_time_limit) == (100, 200)
    argv = worker_argv(settings)
    assert argv[argv.index("--queues") + 1] == "given" and argv[argv.index("--concurrency") + 1] == "2"
    assert str(celery.runtime.engine.url).endswith(str(tmp_path / "worker" / "retrainer.db"))
