"""API -> Redis -> worker process -> database, and the worker's configuration."""

from __future__ import annotations

import time

from tests.helpers.api import bearer, password_token
from tests.helpers.processes import start_api, stop_process


def test_worker_check_round_trip(client, admin_headers, worker, api):
    created = client.post("/worker-checks", headers=admin_headers)
    assert created.status_code == 202
    check = created.json()
    assert check["status"] == "queued" and created.headers["location"] == f"/worker-checks/{check['id']}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        check = client.get(f"/worker-checks/{check['id']}", headers=admin_headers).json()
        if check["status"] == "succeeded":
            break
        time.sleep(0.1)
    assert check["status"] == "succeeded"
    host_pid = check["worker"].rsplit(":", 1)[1]
    # Done by a worker child, not by the API process.
    assert int(host_pid) not in (api.process.pid, worker.pid)
    assert check["completed_at"] >= check["created_at"]


def test_worker_check_of_another_workspace_is_404(client, admin_headers, make_user):
    check = client.post("/worker-checks", headers=admin_headers).json()
    outsider = make_user(workspace="elsewhere", admin=True)
    response = client.get(f"/worker-checks/{check['id']}", headers=bearer(password_token(client, outsider)))
    assert response.status_code == 404


def test_broker_down_keeps_the_check_for_later(backend, tmp_path, make_user):
    """The check is recorded with its message in the outbox: accepted now, sent when the
    broker answers again (tests/test_faults.py shows a run going through that)."""
    import httpx

    server = start_api(backend, tmp_path / "api.log", RETRAINER_BROKER_URL="redis://127.0.0.1:1/0")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            headers = bearer(password_token(c, make_user(admin=True)))
            response = c.post("/worker-checks", headers=headers)
            assert response.status_code == 202, response.text
            check = c.get(response.headers["Location"], headers=headers).json()
            assert check["status"] == "queued"
            assert c.get("/readyz").json()["checks"]["broker"] != "ok"
    finally:
        stop_process(server.process)


def test_celery_is_configured_for_long_training_tasks(backend):
    from worker.celery_app import build_celery, native_threads_per_child

    celery = build_celery(backend.settings(queue="configured", worker_concurrency=3))
    conf = celery.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_soft_time_limit < conf.task_time_limit < visibility
    # The settings it was built with are the ones it uses, not the environment's.
    assert conf.task_default_queue == "configured" and conf.worker_concurrency == 3
    assert celery.runtime.settings.queue == "configured"
    assert native_threads_per_child(concurrency=2, cores=2) == 1
    assert native_threads_per_child(concurrency=1, cores=8) == 8
    assert native_threads_per_child(concurrency=16, cores=2) == 1


def test_the_task_names_on_the_wire_outlive_the_code_names(backend):
    """Messages queued by an earlier release, and outbox rows not yet sent, name the tasks
    by these strings: the worker must still register them, whatever its functions are called."""
    from worker.celery_app import build_celery

    celery = build_celery(backend.settings(queue="wire-names"))
    assert {"retrainer.execute_run", "retrainer.worker_check"} <= set(celery.tasks)
    assert celery.tasks["retrainer.execute_run"].max_retries is None  # "busy" and "limited" come back, never dropped
