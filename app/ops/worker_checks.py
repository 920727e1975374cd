"""Worker checks: an operator proves that a worker picks up work and writes the database."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlmodel import Session, select

from app.auth.deps import AdminPrincipal
from app.core.deps import SessionDep
from app.core.errors import NotFound, ServiceUnavailable
from app.core.queue import WORKER_CHECK_TASK, enqueue
from app.db.tables import WorkerCheck

log = logging.getLogger("retrainer.ops")
router = APIRouter(tags=["operations"])


class WorkerCheckOut(BaseModel):
    id: str
    status: str
    worker: str | None
    created_at: datetime
    completed_at: datetime | None


def _out(check: WorkerCheck) -> WorkerCheckOut:
    return WorkerCheckOut.model_validate(check, from_attributes=True)


def _get(session: Session, workspace_id: str, check_id: str) -> WorkerCheck:
    check = session.exec(select(WorkerCheck).where(
        WorkerCheck.id == check_id, WorkerCheck.workspace_id == workspace_id)).first()
    if check is None:
        raise NotFound(f"no worker check {check_id!r} in this workspace")
    return check


@router.post("/worker-checks", operation_id="create_worker_check", status_code=202,
             response_model=WorkerCheckOut,
             summary="Send a no-op task through the broker; a worker marks it done")
def create_worker_check(principal: AdminPrincipal, session: SessionDep, response: Response):
    check = WorkerCheck(workspace_id=principal.workspace_id)
    session.add(check)
    session.commit()
    try:
        enqueue(WORKER_CHECK_TASK, check.id)
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; all mean "broker down"
        log.warning("could not enqueue worker check %s: %s", check.id, type(exc).__name__)
        raise ServiceUnavailable("The broker cannot be reached; the check was recorded but not sent. "
                                 "See GET /readyz.") from exc
    response.headers["Location"] = f"/worker-checks/{check.id}"
    return _out(check)


@router.get("/worker-checks/{check_id}", operation_id="get_worker_check",
            response_model=WorkerCheckOut, summary="Get a worker check")
def get_worker_check(check_id: str, principal: AdminPrincipal, session: SessionDep):
    return _out(_get(session, principal.workspace_id, check_id))
