"""Pipeline drafts: validated on every write; runs take a snapshot of the definition."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.service import Principal
from app.core.clock import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.paging import PageRequest
from app.db.tables import Pipeline
from app.pipelines import repository as repo
from app.pipelines.schemas import PipelineOut, PipelinePage
from app.pipelines.spec import PipelineSpec, pipeline_digest, validate_pipeline


def _validated(spec: PipelineSpec) -> PipelineSpec:
    problems = validate_pipeline(spec)
    if problems:
        raise InvalidInput(f"the pipeline has {len(problems)} problem(s)", errors=problems)
    return spec


def spec_of(pipeline: Pipeline) -> PipelineSpec:
    return PipelineSpec.model_validate(pipeline.definition)


def to_out(pipeline: Pipeline) -> PipelineOut:
    spec = spec_of(pipeline)
    return PipelineOut(id=pipeline.id, name=spec.name, description=spec.description,
                       parameters=spec.parameters, steps=spec.steps, digest=pipeline.digest,
                       created_at=pipeline.created_at, updated_at=pipeline.updated_at)


def create(session: Session, principal: Principal, spec: PipelineSpec) -> Pipeline:
    _validated(spec)
    pipeline = Pipeline(workspace_id=principal.workspace_id, name=spec.name, description=spec.description,
                        definition=spec.model_dump(mode="json"), digest=pipeline_digest(spec))
    session.add(pipeline)
    session.flush()
    return pipeline


def list_page(session: Session, principal: Principal, page: PageRequest) -> PipelinePage:
    rows = repo.page(session, principal.workspace_id, page)
    return PipelinePage.of(rows, page, to_out, key=lambda p: p.id)


def get(session: Session, principal: Principal, pipeline_id: str) -> Pipeline:
    pipeline = repo.get(session, principal.workspace_id, pipeline_id)
    if pipeline is None:
        raise NotFound(f"no pipeline {pipeline_id!r} in this workspace")
    return pipeline


def replace(session: Session, principal: Principal, pipeline_id: str, spec: PipelineSpec) -> Pipeline:
    pipeline = get(session, principal, pipeline_id)
    _validated(spec)
    pipeline.name = spec.name
    pipeline.description = spec.description
    pipeline.definition = spec.model_dump(mode="json")
    pipeline.digest = pipeline_digest(spec)
    pipeline.updated_at = utcnow()
    session.add(pipeline)
    return pipeline


def delete(session: Session, principal: Principal, pipeline_id: str) -> None:
    pipeline = get(session, principal, pipeline_id)
    # Soft delete: runs and published versions still name this id.
    pipeline.deleted_at = utcnow()
    session.add(pipeline)
