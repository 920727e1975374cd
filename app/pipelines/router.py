"""Routes: pipeline drafts and runs of drafts (contract sections 3 and 4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.auth.deps import requires
from app.auth.scopes import Scope
from app.components.catalog import describe_components
from app.core.deps import SessionDep, SettingsDep
from app.core.pagination import PageParams, make_page, page_params
from app.pipelines import repository as repo
from app.pipelines import service
from app.pipelines.schemas import PipelineOut, PipelinePage
from app.pipelines.spec import PipelineSpec
from app.runs import repository as runs_repo
from app.runs import service as runs
from app.runs.schemas import RunOut, RunRequest

router = APIRouter()

PipelinesRead = requires(Scope.pipelines_read)
PipelinesWrite = requires(Scope.pipelines_write)
RunsWrite = requires(Scope.runs_write)


@router.get("/components", tags=["components"], operation_id="list_components",
            summary="The built-in step library")
def list_components(principal: PipelinesRead) -> dict:
    return {"items": describe_components(), "next_cursor": None}


@router.post("/pipelines", tags=["pipelines"], operation_id="create_pipeline", status_code=201,
             response_model=PipelineOut, summary="Create a draft pipeline")
def create_pipeline(body: PipelineSpec, principal: PipelinesWrite, session: SessionDep, response: Response):
    pipeline = service.create(session, principal, body)
    session.commit()
    response.headers["Location"] = f"/pipelines/{pipeline.id}"
    return service.to_out(pipeline)


@router.get("/pipelines", tags=["pipelines"], operation_id="list_pipelines", response_model=PipelinePage,
            summary="List draft pipelines")
def list_pipelines(principal: PipelinesRead, session: SessionDep,
                   page: Annotated[PageParams, Depends(page_params)]):
    rows = repo.list_page(session, principal.workspace_id, page.after_id, page.limit)
    return make_page(rows, page.limit, service.to_out)


@router.get("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="get_pipeline",
            response_model=PipelineOut, summary="Get a draft pipeline")
def get_pipeline(pipeline_id: str, principal: PipelinesRead, session: SessionDep):
    return service.to_out(service.get(session, principal, pipeline_id))


@router.put("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="replace_pipeline",
            response_model=PipelineOut, summary="Replace a draft pipeline")
def replace_pipeline(pipeline_id: str, body: PipelineSpec, principal: PipelinesWrite, session: SessionDep):
    pipeline = service.replace(session, principal, pipeline_id, body)
    session.commit()
    return service.to_out(pipeline)


@router.delete("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="delete_pipeline",
               status_code=204, summary="Delete a draft pipeline (its runs remain)")
def delete_pipeline(pipeline_id: str, principal: PipelinesWrite, session: SessionDep) -> Response:
    service.delete(session, principal, pipeline_id)
    session.commit()
    return Response(status_code=204)


@router.post("/pipelines/{pipeline_id}/runs", tags=["runs"], operation_id="run_pipeline", status_code=202,
             response_model=RunOut, summary="Run a draft pipeline")
def run_pipeline(pipeline_id: str, body: RunRequest, principal: RunsWrite, session: SessionDep,
                 settings: SettingsDep, response: Response):
    pipeline = service.get(session, principal, pipeline_id)
    run = runs.create_run(session, settings, principal, service.spec_of(pipeline),
                          parameters=body.parameters, experiment=body.experiment,
                          regenerate=body.regenerate, pipeline_id=pipeline.id)
    response.headers["Location"] = f"/runs/{run.id}"
    return runs.to_out(run, runs_repo.steps(session, run.id))
