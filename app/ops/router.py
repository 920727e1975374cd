"""Operations routes: /healthz, /readyz and /metrics (no token needed), worker checks (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.auth.deps import AdminPrincipal
from app.ops import service
from app.ops.schemas import WorkerCheckOut
from app.web.deps import ReaderDep, RuntimeDep, UnitOfWorkDep

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="get_health", summary="The process is alive")
def healthz() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/readyz", operation_id="get_readiness",
            summary="The database, the broker and the storage answer, and the outbox drains",
            responses={503: {"description": "A dependency is not reachable, or messages for the workers are stuck"}})
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    db_ok, db_detail = await run_in_threadpool(service.database_ok, runtime.engine)
    mq_ok, mq_detail = await run_in_threadpool(service.broker_ok, runtime.settings)
    st_ok, st_detail = await run_in_threadpool(service.storage_ok, runtime.settings)
    ob_ok, ob_detail = await run_in_threadpool(service.outbox_ok, runtime.engine, runtime.settings)
    ready = db_ok and mq_ok and st_ok and ob_ok
    return JSONResponse(
        {"status": "ready" if ready else "not ready",
         "checks": {"database": db_detail, "broker": mq_detail, "storage": st_detail, "outbox": ob_detail}},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", operation_id="get_metrics", summary="Prometheus metrics",
            response_class=Response, responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(runtime: RuntimeDep) -> Response:
    service.update_outbox_gauges(runtime.engine, runtime.settings)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.post("/worker-checks", operation_id="create_worker_check", status_code=202,
             response_model=WorkerCheckOut,
             summary="Send a no-op task through the broker; a worker marks it done")
def create_worker_check(principal: AdminPrincipal, uow: UnitOfWorkDep, response: Response) -> WorkerCheckOut:
    check = service.start_worker_check(uow, principal.workspace_id)
    response.headers["Location"] = f"/worker-checks/{check.id}"
    return service.check_out(check)


@router.get("/worker-checks/{check_id}", operation_id="get_worker_check",
            response_model=WorkerCheckOut, summary="Get a worker check")
def get_worker_check(check_id: str, principal: AdminPrincipal, session: ReaderDep) -> WorkerCheckOut:
    return service.check_out(service.get_worker_check(session, principal.workspace_id, check_id))
