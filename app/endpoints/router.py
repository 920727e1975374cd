"""Routes: pipeline endpoints, their versions, and retraining (contract sections 5 and 6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from fastapi.responses import JSONResponse

from app.auth.deps import requires
from app.auth.scopes import Scope
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import ProblemDetails
from app.core.pagination import PageParams, encode_cursor, int_cursor, page_params
from app.endpoints import repository as repo
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
from app.runs import repository as runs_repo
from app.runs import service as runs
from app.runs.schemas import RunOut

router = APIRouter(tags=["endpoints"])
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION)]

EndpointsRead = requires(Scope.endpoints_read)
EndpointsWrite = requires(Scope.endpoints_write)
RunsWrite = requires(Scope.runs_write)

_PROBLEMS = {404: {"model": ProblemDetails, "description": "Unknown endpoint or version"},
             409: {"model": ProblemDetails, "description": "Endpoint disabled"},
             422: {"model": ProblemDetails, "description": "Invalid request; every problem listed in `errors`"}}


def _endpoint_out(session, endpoint) -> EndpointOut:
    return service.to_out(endpoint, repo.latest_versions(session, [endpoint.id]).get(endpoint.id))


@router.post("/endpoints", operation_id="create_endpoint", status_code=201, response_model=EndpointOut,
             summary="Create a pipeline endpoint")
def create_endpoint(body: EndpointCreate, principal: EndpointsWrite, session: SessionDep, response: Response):
    endpoint = service.create(session, principal, body.name, body.description)
    session.commit()
    response.headers["Location"] = f"/endpoints/{endpoint.id}"
    return service.to_out(endpoint, None)


@router.get("/endpoints", operation_id="list_endpoints", response_model=EndpointPage, summary="List endpoints")
def list_endpoints(principal: EndpointsRead, session: SessionDep, page: Annotated[PageParams, Depends(page_params)]):
    rows = repo.list_page(session, principal.workspace_id, page.after_id, page.limit)
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    latest = repo.latest_versions(session, [r.id for r in rows])
    return EndpointPage(items=[service.to_out(r, latest.get(r.id)) for r in rows],
                        next_cursor=encode_cursor(rows[-1].id) if more and rows else None)


@router.get("/endpoints/{endpoint}", operation_id="get_endpoint", response_model=EndpointOut,
            summary="Get an endpoint (by id or name)")
def get_endpoint(endpoint: str, principal: EndpointsRead, session: SessionDep):
    return _endpoint_out(session, service.get(session, principal, endpoint))


@router.patch("/endpoints/{endpoint}", operation_id="update_endpoint", response_model=EndpointOut,
              summary="Change the default version, enable or disable, or describe an endpoint")
def update_endpoint(endpoint: str, body: EndpointPatch, principal: EndpointsWrite, session: SessionDep):
    updated = service.patch(session, principal, endpoint, body)
    session.commit()
    return _endpoint_out(session, updated)


@router.post("/endpoints/{endpoint}/versions", operation_id="publish_version", status_code=201,
             response_model=VersionOut, summary="Publish a draft pipeline as the next version")
def publish_version(endpoint: str, body: VersionCreate, principal: EndpointsWrite, session: SessionDep,
                    response: Response):
    version = service.publish(session, principal, endpoint, body.pipeline_id, body.description, body.make_default)
    session.commit()
    target = service.get(session, principal, endpoint)
    response.headers["Location"] = f"/endpoints/{target.id}/versions/{version.version}"
    return service.version_out(target, version)


@router.get("/endpoints/{endpoint}/versions", operation_id="list_versions", response_model=VersionPage,
            summary="List an endpoint's versions, oldest first")
def list_versions(endpoint: str, principal: EndpointsRead, session: SessionDep,
                  page: Annotated[PageParams, Depends(page_params)]):
    target = service.get(session, principal, endpoint)
    after = int_cursor(page)
    rows = repo.versions(session, target.id, after, page.limit)
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return VersionPage(items=[service.version_out(target, v) for v in rows],
                       next_cursor=encode_cursor(str(rows[-1].version)) if more and rows else None)


@router.get("/endpoints/{endpoint}/versions/{version}", operation_id="get_version", response_model=VersionOut,
            summary="A published version with its parameters and their defaults")
def get_version(endpoint: str, version: VersionNumber, principal: EndpointsRead, session: SessionDep):
    target = service.get(session, principal, endpoint)
    return service.version_out(target, service.get_version(session, target, version))


@router.post(
    "/endpoints/{endpoint}/runs", operation_id="retrain", status_code=202, response_model=RunOut,
    summary="Retrain: run a published version with new parameter values",
    responses={200: {"model": DryRunOut, "description": "dry_run=true: what a run would use"}, **_PROBLEMS},
)
def retrain(endpoint: str, body: EndpointRunRequest, principal: RunsWrite, session: SessionDep,
            settings: SettingsDep,
            dry_run: Annotated[bool, Query(description="Check the request and answer what a run would use; "
                                                       "create nothing")] = False,
            idempotency_key: Annotated[str | None, Header(
                alias="Idempotency-Key", description="Replays the original response for a repeated request "
                                                     "(kept 24 hours)")] = None):
    if dry_run:
        return JSONResponse(service.dry_run(session, settings, principal, endpoint, body).model_dump(mode="json"))
    claim = None
    if idempotency_key is not None:
        fingerprint = idempotency.request_hash("POST", f"/endpoints/{endpoint}/runs", body.model_dump(mode="json"))
        outcome = idempotency.claim(session, principal.workspace_id, idempotency_key, fingerprint)
        if isinstance(outcome, idempotency.Replay):
            return JSONResponse(outcome.body, status_code=outcome.status_code,
                                headers={**outcome.headers, "Idempotency-Replayed": "true"})
        if isinstance(outcome, idempotency.Created):  # its first request died after creating the run
            run = runs.get_run(session, principal, outcome.run_id)
            return _accepted(session, run, outcome.claim)
        claim = outcome
    try:
        run = service.retrain(session, settings, principal, endpoint, body,
                              before_commit=idempotency.bind_run(claim) if claim else None)
    except BaseException:
        if claim is not None:
            idempotency.release(session, claim)  # a no-op once the run exists
        raise
    return _accepted(session, run, claim)


def _accepted(session, run, claim) -> JSONResponse:
    out = runs.to_out(run, runs_repo.steps(session, run.id))
    body = out.model_dump(mode="json")
    headers = {"Location": f"/runs/{run.id}", "ETag": runs.etag_of(out)}
    if claim is not None:
        idempotency.complete(session, claim, 202, body, headers)
    return JSONResponse(body, status_code=202, headers=headers)
