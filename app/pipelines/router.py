"""Routes: the component library and pipeline drafts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from app.auth.deps import PipelinesRead, PipelinesWrite
from app.components.catalog import describe_components
from app.pipelines import service
from app.pipelines.schemas import PipelineOut, PipelinePage
from app.pipelines.spec import PipelineSpec
from app.web.deps import PageDep, UnitOfWorkDep

router = APIRouter()



@router.get("/components", tags=["components"], operation_id="list_components",
            summary="The built-in step library")
def list_components(principal: PipelinesRead) -> dict[str, Any]:
    return {"items": describe_components(), "next_cursor": None}


@router.post("/pipelines", tags=["pipelines"], operation_id="create_pipeline", status_code=201,
             response_model=PipelineOut, summary="Create a draft pipeline")
def create_pipeline(body: PipelineSpec, principal: PipelinesWrite, uow: UnitOfWorkDep,
                    response: Response) -> PipelineOut:
    pipeline = service.create(uow.session, principal, body)
    response.headers["Location"] = f"/pipelines/{pipeline.id}"
    return service.to_out(pipeline)


@router.get("/pipelines", tags=["pipelines"], operation_id="list_pipelines", response_model=PipelinePage,
            summary="List draft pipelines")
def list_pipelines(principal: PipelinesRead, uow: UnitOfWorkDep, page: PageDep) -> PipelinePage:
    return service.list_page(uow.session, principal, page)


@router.get("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="get_pipeline",
            response_model=PipelineOut, summary="Get a draft pipeline")
def get_pipeline(pipeline_id: str, principal: PipelinesRead, uow: UnitOfWorkDep) -> PipelineOut:
    return service.to_out(service.get(uow.session, principal, pipeline_id))


@router.put("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="replace_pipeline",
            response_model=PipelineOut, summary="Replace a draft pipeline")
def replace_pipeline(pipeline_id: str, body: PipelineSpec, principal: PipelinesWrite,
                     uow: UnitOfWorkDep) -> PipelineOut:
    return service.to_out(service.replace(uow.session, principal, pipeline_id, body))


@router.delete("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="delete_pipeline",
               status_code=204, summary="Delete a draft pipeline (its runs remain)")
def delete_pipeline(pipeline_id: str, principal: PipelinesWrite, uow: UnitOfWorkDep) -> Response:
    service.delete(uow.session, principal, pipeline_id)
    return Response(status_code=204)
