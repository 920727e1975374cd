"""/healthz, /readyz and /metrics: no token needed (contract section 8)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.core.deps import SettingsDep
from app.db.engine import get_engine
from app.ops.probes import broker_ok, database_ok

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="get_health", summary="The process is alive")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", operation_id="get_readiness", summary="The database and the broker answer",
            responses={503: {"description": "A dependency is not reachable"}})
async def readyz(settings: SettingsDep) -> JSONResponse:
    db_ok, db_detail = await run_in_threadpool(database_ok, get_engine())
    mq_ok, mq_detail = await run_in_threadpool(broker_ok, settings)
    ready = db_ok and mq_ok
    return JSONResponse(
        {"status": "ready" if ready else "not ready",
         "checks": {"database": db_detail, "broker": mq_detail}},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", operation_id="get_metrics", summary="Prometheus metrics",
            response_class=Response, responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
