"""Routes: the component library and pipeline drafts."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from app.auth.deps import PipelinesRead, PipelinesWrite
from app.components.catalog import describe_components
from app.core.errors import InvalidInput
from app.pipelines import service
from app.pipelines.schemas import PipelineOut, PipelinePage
from app.pipelines.service import parse_pipeline
from app.pipelines.spec import PipelineSpec
from app.web.deps import PageDep, ReaderDep, SettingsDep, UnitOfWorkDep

router = APIRouter()

# The body is read here and checked by the service, so that a 422 lists every problem
# at once (unknown fields with the rest); the OpenAPI document still names PipelineSpec.
_PIPELINE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/PipelineSpec"}}}}}


async def pipeline_body(request: Request, settings: SettingsDep) -> PipelineSpec:
    try:
        raw = json.loads(await request.body())
    except ValueError as exc:
        raise InvalidInput("the body is not valid JSON", errors=[
            {"loc": ["body"], "msg": "send a JSON object describing the pipeline"}]) from exc
    return parse_pipeline(raw, settings)


PipelineBody = Annotated[PipelineSpec, Depends(pipeline_body)]



@router.get("/components", tags=["components"], operation_id="list_components",
            summary="The built-in step library")
def list_components(principal: PipelinesRead) -> dict[str, Any]:
    return {"items": describe_components(), "next_cursor": None}


@router.post("/pipelines", tags=["pipelines"], operation_id="create_pipeline", status_code=201,
             response_model=PipelineOut, summary="Create a draft pipeline", openapi_extra=_PIPELINE_BODY)
def create_pipeline(body: PipelineBody, principal: PipelinesWrite, uow: UnitOfWorkDep,
                    response: Response) -> PipelineOut:
    pipeline = service.create(uow.session, principal, body)
    response.headers["Location"] = f"/pipelines/{pipeline.id}"
    return service.to_out(pipeline)


@router.get("/pipelines", tags=["pipelines"], operation_id="list_pipelines", response_model=PipelinePage,
            summary="List draft pipelines")
def list_pipelines(principal: PipelinesRead, session: ReaderDep, page: PageDep, settings: SettingsDep) -> PipelinePage:
    return service.list_page(session, settings, principal, page)


@router.get("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="get_pipeline",
            response_model=PipelineOut, summary="Get a draft pipeline")
def get_pipeline(pipeline_id: str, principal: PipelinesRead, session: ReaderDep) -> PipelineOut:
    return service.to_out(service.get(session, principal, pipeline_id))


@router.put("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="replace_pipeline",
            response_model=PipelineOut, summary="Replace a draft pipeline", openapi_extra=_PIPELINE_BODY)
def replace_pipeline(pipeline_id: str, body: PipelineBody, principal: PipelinesWrite,
                     uow: UnitOfWorkDep) -> PipelineOut:
    return service.to_out(service.replace(uow.session, principal, pipeline_id, body))


@router.delete("/pipelines/{pipeline_id}", tags=["pipelines"], operation_id="delete_pipeline",
               status_code=204, summary="Delete a draft pipeline (its runs remain)")
def delete_pipeline(pipeline_id: str, principal: PipelinesWrite, uow: UnitOfWorkDep) -> Response:
    service.delete(uow.session, principal, pipeline_id)
    return Response(status_code=204)
