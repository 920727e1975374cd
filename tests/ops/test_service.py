"""Operations in process: readiness with the broker down (the in-process runtime's broker
address answers nothing), and a worker check recorded with its message, marked by the
worker's handler, and private to its workspace. tests/test_ops.py keeps what needs the
API process: /healthz, /readyz when ready, /metrics, request ids and JSON logs."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.core.errors import NotFound
from app.db.tables import OutboxMessage
from app.ops import service
from app.ops.router import readyz
from app.runtime import Runtime
from tests.helpers.aio import run_async
from tests.helpers.inprocess import signed_in
from worker.tasks import mark_worker_check


def test_readiness_is_503_naming_the_broker_when_it_is_down(runtime: Runtime) -> None:
    response = run_async(readyz(runtime))
    assert response.status_code == 503
    body = json.loads(bytes(response.body))
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"
    assert body["checks"]["broker"] != "ok"


def test_a_worker_check_is_recorded_with_its_message_and_marked_by_the_worker(runtime: Runtime) -> None:
    admin, other = signed_in(runtime), signed_in(runtime)
    with runtime.unit_of_work() as uow:
        check = service.check_out(service.start_worker_check(uow, admin.workspace_id))
    assert check.status == "queued" and check.worker is None
    with runtime.read_session() as session:
        messages = session.exec(select(OutboxMessage).where(OutboxMessage.task == "retrainer.worker_check")).all()
        assert [m.args for m in messages if m.args == [check.id]] == [[check.id]]
        with pytest.raises(NotFound, match=check.id):
            service.get_worker_check(session, other.workspace_id, check.id)
    mark_worker_check(runtime, check.id)
    with runtime.read_session() as session:
        done = service.check_out(service.get_worker_check(session, admin.workspace_id, check.id))
    assert done.status == "succeeded" and done.worker and done.completed_at is not None
