"""Routes: deployments, their history, and predictions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.auth.deps import DeploymentsRead, DeploymentsWrite, Predictor
from app.deployments import feedback, monitoring, service
from app.deployments.predlog import PredictionLog
from app.deployments.schemas import (
    DeploymentCreate,
    DeploymentOut,
    DeploymentPage,
    DeploymentPatch,
    DriftCheckPage,
    DriftOut,
    FeedbackOut,
    FeedbackRequest,
    HistoryPage,
    PerformanceOut,
    PredictOut,
)
from app.deployments.serving import ModelCache
from app.runtime import Runtime
from app.web.deps import PageDep, ReaderDep, SettingsDep, UnitOfWorkDep
from app.web.problems import ProblemDetails

router = APIRouter(tags=["deployments"])


async def serving(request: Request) -> service.Serving:
    # One dependency for what a prediction needs of the process: each dependency FastAPI
    # solves costs CPU on every prediction.
    state = request.app.state
    return service.Serving(state.runtime, state.async_engine, state.model_cache,
                           getattr(state, "prediction_log", None), state.seen_deployments)


ServingDep = Annotated[service.Serving, Depends(serving)]

_PREDICT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/PredictRequest"}},
    "text/csv": {"schema": {"type": "string", "format": "binary", "description": "A header line naming the columns, then one line per row"}},
}}}


@router.post("/deployments", operation_id="create_deployment", status_code=201, response_model=DeploymentOut,
             summary="Deploy a model version (pinned, or following the model through a gate)")
def create_deployment(body: DeploymentCreate, principal: DeploymentsWrite, uow: UnitOfWorkDep,
                      settings: SettingsDep, response: Response) -> DeploymentOut:
    deployment = service.create(uow.session, settings, principal, body)
    response.headers["Location"] = f"/deployments/{deployment.name}"
    return service.to_out(uow.session, deployment)


@router.get("/deployments", operation_id="list_deployments", response_model=DeploymentPage,
            summary="List deployments")
def list_deployments(principal: DeploymentsRead, session: ReaderDep, page: PageDep) -> DeploymentPage:
    return service.list_page(session, principal.workspace_id, page)


@router.get("/deployments/{name}", operation_id="get_deployment", response_model=DeploymentOut,
            summary="A deployment: the version serving, its gate and the input schema")
def get_deployment(name: str, principal: DeploymentsRead, session: ReaderDep) -> DeploymentOut:
    return service.to_out(session, service.get(session, principal.workspace_id, name))


@router.patch("/deployments/{name}", operation_id="update_deployment", response_model=DeploymentOut,
              summary="Pin or roll back a version, follow or not, change the gate, enable or disable")
def update_deployment(name: str, body: DeploymentPatch, principal: DeploymentsWrite,
                      uow: UnitOfWorkDep, settings: SettingsDep) -> DeploymentOut:
    return service.to_out(uow.session, service.patch(uow.session, settings, principal, name, body))


@router.delete("/deployments/{name}", operation_id="delete_deployment", status_code=204,
               summary="Delete a deployment and its history (the model versions stay)")
def delete_deployment(name: str, principal: DeploymentsWrite, uow: UnitOfWorkDep) -> Response:
    service.delete(uow.session, principal.workspace_id, name)
    return Response(status_code=204)


@router.get("/deployments/{name}/history", operation_id="deployment_history", response_model=HistoryPage,
            summary="Every change of a deployment and every challenger the gate held, newest first")
def deployment_history(name: str, principal: DeploymentsRead, session: ReaderDep, page: PageDep) -> HistoryPage:
    return service.history_page(session, principal.workspace_id, name, page)


@router.post("/deployments/{name}/predict", operation_id="predict", response_model=PredictOut,
             summary="Score rows with the version serving now (JSON rows or a CSV body)",
             openapi_extra=_PREDICT_BODY,
             responses={409: {"model": ProblemDetails, "description": "The deployment is disabled"},
                        415: {"model": ProblemDetails, "description": "Neither JSON nor CSV"},
                        422: {"model": ProblemDetails, "description": "Bad rows; each error's loc is "
                                                                      "[\"body\", \"rows\", row, column]"}})
async def predict(name: str, request: Request, principal: Predictor, process: ServingDep) -> Response:
    body = await request.body()
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    runtime, engine, cache, plog = process.runtime, process.engine, process.cache, process.plog
    settings = runtime.settings
    # A small body and a loaded model: scored here, on the event loop; else in the thread pool.
    out = await service.predict_inline(engine, settings, cache, process.seen, principal.workspace_id, name,
                                       media_type, body, plog)
    if out is None:
        out = await run_in_threadpool(_predict_in_thread, runtime, cache, principal.workspace_id, name,
                                      media_type, body, plog)
    # Serialised once, here (the response model is the documentation): a batch's thousands
    # of probabilities are not validated again on the way out.
    return Response(out.model_dump_json().encode(), media_type="application/json")


def _predict_in_thread(runtime: Runtime, cache: ModelCache, workspace_id: str, name: str, media_type: str,
                       body: bytes, plog: PredictionLog | None) -> PredictOut:
    with runtime.read_session() as session:
        return service.predict_body(session, runtime.settings, cache, workspace_id, name, media_type, body, plog)


Window = Annotated[str | None, Query(max_length=40, description="An ISO 8601 duration ending now (or at until), "
                                                                "e.g. PT24H (the default) or P7D")]
Since = Annotated[datetime | None, Query(description="The window's start, with a time zone (instead of window)")]
Until = Annotated[datetime | None, Query(description="The window's end (default: now)")]


@router.get("/deployments/{name}/drift", operation_id="deployment_drift", response_model=DriftOut,
            summary="Drift of the rows logged in a window from the serving version's training rows",
            responses={409: {"model": ProblemDetails, "description": "The serving version has no reference profile"}})
def deployment_drift(name: str, principal: DeploymentsRead, session: ReaderDep, settings: SettingsDep,
                     window: Window = None, since: Since = None, until: Until = None) -> DriftOut:
    return service.drift(session, settings, principal.workspace_id, name, window, since, until)


@router.get("/deployments/{name}/drift/checks", operation_id="deployment_drift_checks", response_model=DriftCheckPage,
            summary="The scheduled drift checks of a deployment, newest first (episodes, retrains)")
def deployment_drift_checks(name: str, principal: DeploymentsRead, session: ReaderDep,
                            page: PageDep) -> DriftCheckPage:
    return monitoring.checks_page(session, service.get(session, principal.workspace_id, name), page)


@router.post("/deployments/{name}/feedback", operation_id="deployment_feedback", response_model=FeedbackOut,
             summary="Attach true labels to logged predictions (by prediction id; again: the label is replaced)",
             responses={422: {"model": ProblemDetails, "description": "Unknown prediction ids, each named at "
                                                                      "[\"body\", \"items\", i, \"prediction_id\"]"}})
def deployment_feedback(name: str, body: FeedbackRequest, principal: Predictor, uow: UnitOfWorkDep,
                        settings: SettingsDep) -> FeedbackOut:
    return feedback.record(uow.session, settings, principal.workspace_id, name, body)


@router.get("/deployments/{name}/performance", operation_id="deployment_performance", response_model=PerformanceOut,
            summary="Live metrics of the serving version(s) on the labelled predictions of a window")
def deployment_performance(name: str, principal: DeploymentsRead, session: ReaderDep, settings: SettingsDep,
                           window: Window = None, since: Since = None, until: Until = None) -> PerformanceOut:
    return feedback.performance(session, settings, principal.workspace_id, name, window, since, until)
