"""Routes: Azure ML v1 published-pipeline REST, under Azure's own paths. Any subscription,
resource group and workspace segment is accepted: the workspace is the token's. The scopes
are those of the equivalent routes of ours."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from app.auth.deps import RunsRead, RunsWrite
from app.azure import service
from app.azure.schemas import AzurePipelineRun, AzureSubmitRequest
from app.runs import idempotency
from app.runtime import Runtime
from app.web.deps import AsyncEngineDep, ReaderDep, RuntimeDep, UnitOfWorkDep

PREFIX = ("/pipelines/v1.0/subscriptions/{subscription}/resourceGroups/{resource_group}"
          "/providers/Microsoft.MachineLearningServices/workspaces/{workspace}")
Segment = Annotated[str, Path(max_length=200, description="Any value: the workspace is the token's")]


def _segments(subscription: Segment, resource_group: Segment, workspace: Segment) -> None:
    """Azure's path segments, documented and bounded; their values choose nothing."""


# Azure reads a body without a Content-Type as JSON (its Java example sends none), and so do we here.
router = APIRouter(prefix=PREFIX, tags=["azure-ml"], dependencies=[Depends(_segments)], strict_content_type=False)

SubmitBody = Annotated[AzureSubmitRequest | None, Body(
    description="Keys as Azure callers send them, matched without regard to case; all optional")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="Replays the original response for a repeated request (kept 24 hours)")]
_SUBMIT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The run, recorded and sent to the workers (Azure answers a submit with 200)",
          "headers": {"Location": {"schema": {"type": "string"}, "description": "GET it for the run's status"}}}}


def _base(request: Request) -> str:
    """This request's Azure prefix (its own subscription, group and workspace segments)."""
    return request.url.path.split("/PipelineRuns/", 1)[0]


async def _submit(runtime: Runtime, engine: AsyncEngineDep, principal: RunsWrite, request: Request, key: str | None,
                  target: service.Target, body: AzureSubmitRequest) -> JSONResponse:
    base = _base(request)
    create = service.creator(runtime.settings, principal, target, body, base)
    fingerprint = idempotency.request_hash("POST", target.describe(), service.canonical(body))
    response, replayed = await idempotency.respond_once(runtime, engine, principal.workspace_id, principal.id, key,
                                                        fingerprint, create,
                                                        render=functools.partial(service.accepted, base=base))
    headers = {**response.headers, **({"Idempotency-Replayed": "true"} if replayed else {})}
    return JSONResponse(response.body, status_code=response.status_code, headers=headers)


@router.post("/PipelineRuns/PipelineEndpointSubmit/Id/{endpoint}", operation_id="azure_submit_pipeline_endpoint",
             response_model=AzurePipelineRun, responses=_SUBMIT_RESPONSES,
             summary="Azure ML: run a pipeline endpoint's default version (or PipelineVersion)")
async def azure_submit_pipeline_endpoint(
        endpoint: Annotated[str, Path(max_length=200, description="Our endpoint's id or name")],
        principal: RunsWrite, runtime: RuntimeDep, engine: AsyncEngineDep, request: Request,
        body: SubmitBody = None,
        pipeline_version: Annotated[str | None, Query(alias="pipelineVersion", max_length=20,
                                                      description="Our version number (1, 2, ...)")] = None,
        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    body = body or AzureSubmitRequest()
    target = service.Target(endpoint=endpoint, version=service.pick_version(body.PipelineVersion, pipeline_version))
    return await _submit(runtime, engine, principal, request, idempotency_key, target, body)


@router.post("/PipelineRuns/PipelineSubmit/{published_pipeline_id}", operation_id="azure_submit_published_pipeline",
             response_model=AzurePipelineRun, responses=_SUBMIT_RESPONSES,
             summary="Azure ML: run one published version (its published_pipeline_id)")
async def azure_submit_published_pipeline(
        published_pipeline_id: Annotated[str, Path(max_length=36, description="A version's published_pipeline_id")],
        principal: RunsWrite, runtime: RuntimeDep, engine: AsyncEngineDep, request: Request,
        body: SubmitBody = None,
        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    body = body or AzureSubmitRequest()
    if body.PipelineVersion is not None:
        service.pick_version(body.PipelineVersion, None)  # well-formed; the published pipeline is the version
    target = service.Target(published_pipeline_id=published_pipeline_id)
    return await _submit(runtime, engine, principal, request, idempotency_key, target, body)


@router.get("/PipelineRuns/{run_id}", operation_id="azure_get_pipeline_run", response_model=AzurePipelineRun,
            summary="Azure ML: a run's status")
def azure_get_pipeline_run(run_id: Annotated[str, Path(max_length=40)], principal: RunsRead,
                           session: ReaderDep) -> AzurePipelineRun:
    return service.get(session, principal, run_id)


@router.post("/PipelineRuns/{run_id}/Cancel", operation_id="azure_cancel_pipeline_run",
             response_model=AzurePipelineRun, summary="Azure ML: cancel a queued or running run")
def azure_cancel_pipeline_run(run_id: Annotated[str, Path(max_length=40)], principal: RunsWrite,
                              uow: UnitOfWorkDep, runtime: RuntimeDep) -> AzurePipelineRun:
    return service.cancel(uow, runtime.queue, principal, run_id)
