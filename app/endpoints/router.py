"""Routes: pipeline endpoints, their versions, and retraining."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.auth.deps import EndpointsRead, EndpointsWrite, RunsWrite
from app.endpoints import service
from app.endpoints.schemas import (
    MAX_VERSION,
    DryRunOut,
    EndpointCreate,
    EndpointOut,
    EndpointPage,
    EndpointPatch,
    EndpointRunRequest,
    VersionCreate,
    VersionOut,
    VersionPage,
)
from app.runs import idempotency
from app.runs.schemas import RunOut
from app.web.deps import AsyncEngineDep, PageDep, ReaderDep, RuntimeDep, SettingsDep, UnitOfWorkDep
from app.web.problems import ProblemDetails

router = APIRouter(tags=["endpoints"])
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION)]


_PROBLEMS: dict[int | str, dict[str, Any]] = {404: {"model": ProblemDetails, "description": "Unknown endpoint or version"},
             409: {"model": ProblemDetails, "description": "Endpoint disabled"},
             422: {"model": ProblemDetails, "description": "Invalid request; every problem listed in `errors`"}}


@router.post("/endpoints", operation_id="create_endpoint", status_code=201, response_model=EndpointOut,
             summary="Create a pipeline endpoint")
def create_endpoint(body: EndpointCreate, principal: EndpointsWrite, uow: UnitOfWorkDep,
                    response: Response) -> EndpointOut:
    endpoint = service.create(uow.session, principal, body.name, body.description)
    response.headers["Location"] = f"/endpoints/{endpoint.id}"
    return service.to_out(uow.session, endpoint)


@router.get("/endpoints", operation_id="list_endpoints", response_model=EndpointPage, summary="List endpoints")
def list_endpoints(principal: EndpointsRead, session: ReaderDep, page: PageDep) -> EndpointPage:
    return service.list_page(session, principal, page)


@router.get("/endpoints/{endpoint}", operation_id="get_endpoint", response_model=EndpointOut,
            summary="Get an endpoint (by id or name)")
def get_endpoint(endpoint: str, principal: EndpointsRead, session: ReaderDep) -> EndpointOut:
    return service.to_out(session, service.get(session, principal, endpoint))


@router.patch("/endpoints/{endpoint}", operation_id="update_endpoint", response_model=EndpointOut,
              summary="Change the default version, enable or disable, or describe an endpoint")
def update_endpoint(endpoint: str, body: EndpointPatch, principal: EndpointsWrite,
                    uow: UnitOfWorkDep, settings: SettingsDep) -> EndpointOut:
    return service.to_out(uow.session, service.patch(uow.session, settings, principal, endpoint, body))


@router.post("/endpoints/{endpoint}/versions", operation_id="publish_version", status_code=201,
             response_model=VersionOut, summary="Publish a draft pipeline as the next version")
def publish_version(endpoint: str, body: VersionCreate, principal: EndpointsWrite, uow: UnitOfWorkDep,
                    response: Response) -> VersionOut:
    target, version = service.publish(uow.session, principal, endpoint, body.pipeline_id, body.description,
                                      body.make_default)
    response.headers["Location"] = f"/endpoints/{target.id}/versions/{version.version}"
    return service.version_out(principal, target, version)


@router.get("/endpoints/{endpoint}/versions", operation_id="list_versions", response_model=VersionPage,
            summary="List an endpoint's versions, oldest first")
def list_versions(endpoint: str, principal: EndpointsRead, session: ReaderDep, page: PageDep,
                  settings: SettingsDep) -> VersionPage:
    return service.versions_page(session, settings, principal, endpoint, page)


@router.get("/endpoints/{endpoint}/versions/{version}", operation_id="get_version", response_model=VersionOut,
            summary="A published version with its parameters and their defaults")
def get_version(endpoint: str, version: VersionNumber, principal: EndpointsRead,
                session: ReaderDep) -> VersionOut:
    target = service.get(session, principal, endpoint)
    return service.version_out(principal, target, service.get_version(session, target, version))


@router.post(
    "/endpoints/{endpoint}/runs", operation_id="retrain", status_code=202, response_model=RunOut,
    summary="Retrain: run a published version with new parameter values",
    responses={200: {"model": DryRunOut, "description": "dry_run=true: what a run would use"}, **_PROBLEMS},
)
async def retrain(endpoint: str, body: EndpointRunRequest, principal: RunsWrite, runtime: RuntimeDep,
                  engine: AsyncEngineDep,
                  dry_run: Annotated[bool, Query(description="Check the request and answer what a run would use; "
                                                             "create nothing")] = False,
                  idempotency_key: Annotated[str | None, Header(
                      alias="Idempotency-Key", description="Replays the original response for a repeated request "
                                                           "(kept 24 hours)")] = None) -> JSONResponse:
    if dry_run:
        def check() -> DryRunOut:
            with runtime.read_session() as session:
                return service.dry_run(session, runtime.settings, principal, endpoint, body)

        return JSONResponse((await run_in_threadpool(check)).model_dump(mode="json"))

    fingerprint = idempotency.request_hash("POST", f"/endpoints/{endpoint}/runs", body.model_dump(mode="json"))
    response, replayed = await idempotency.respond_once(runtime, engine, principal.workspace_id, principal.id,
                                                        idempotency_key, fingerprint,
                                                        service.creator(runtime.settings, principal, endpoint, body))
    headers = {**response.headers, **({"Idempotency-Replayed": "true"} if replayed else {})}
    return JSONResponse(response.body, status_code=response.status_code, headers=headers)
