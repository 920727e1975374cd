"""Pipeline drafts: validated on every write; runs take a snapshot of the definition."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from app.auth.service import Principal
from app.core.clock import utcnow
from app.core.errors import InvalidInput, NotFound, Problem, validation_problems
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.db.tables import Pipeline
from app.pipelines import repository as repo
from app.pipelines.schemas import PipelineOut, PipelinePage
from app.pipelines.spec import ParameterSpec, PipelineSpec, StepSpec, pipeline_digest, validate_pipeline

_KNOWN_TOP = frozenset(PipelineSpec.model_fields)
_KNOWN_PARAMETER = frozenset(ParameterSpec.model_fields)
_KNOWN_STEP = frozenset(StepSpec.model_fields)


def _known_fields_only(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` without unknown fields, so that the rest can still be checked."""
    body = {k: v for k, v in raw.items() if k in _KNOWN_TOP}
    for key, known in (("parameters", _KNOWN_PARAMETER), ("steps", _KNOWN_STEP)):
        if isinstance(body.get(key), dict):
            body[key] = {name: {k: v for k, v in item.items() if k in known} if isinstance(item, dict) else item
                         for name, item in body[key].items()}
    return body


def parse_pipeline(raw: Any, settings: Settings) -> PipelineSpec:
    """The pipeline a request body describes, or InvalidInput listing every problem at once:
    unknown fields and wrong types, and what the graph and settings get wrong, together."""
    if not isinstance(raw, dict):
        raise InvalidInput("the body must be a JSON object describing a pipeline",
                           errors=[{"loc": ["body"], "msg": "expected a JSON object"}])
    problems: list[Problem] = []
    spec: PipelineSpec | None = None
    try:
        spec = PipelineSpec.model_validate(raw)
    except ValidationError as exc:
        problems += validation_problems(exc.errors(), ("body",))
        try:
            spec = PipelineSpec.model_validate(_known_fields_only(raw))
        except ValidationError:
            spec = None  # more than unknown fields is wrong: the structural problems say what
    if spec is not None:
        if len(spec.steps) > settings.max_pipeline_steps:
            problems.append({"loc": ["body", "steps"], "msg": f"the pipeline has {len(spec.steps)} steps; at most "
                             f"{settings.max_pipeline_steps} are allowed (RETRAINER_MAX_PIPELINE_STEPS)"})
        else:
            problems += validate_pipeline(spec)
    if problems or spec is None:
        raise InvalidInput(f"the pipeline has {len(problems)} problem(s)", errors=problems)
    return spec


def spec_of(pipeline: Pipeline) -> PipelineSpec:
    return PipelineSpec.model_validate(pipeline.definition)


def to_out(pipeline: Pipeline) -> PipelineOut:
    spec = spec_of(pipeline)
    return PipelineOut(id=pipeline.id, name=spec.name, description=spec.description,
                       parameters=spec.parameters, steps=spec.steps, layout=spec.layout, digest=pipeline.digest,
                       created_at=pipeline.created_at, updated_at=pipeline.updated_at)


def create(session: Session, principal: Principal, spec: PipelineSpec) -> Pipeline:
    pipeline = Pipeline(workspace_id=principal.workspace_id, name=spec.name, description=spec.description,
                        definition=spec.model_dump(mode="json"), digest=pipeline_digest(spec))
    session.add(pipeline)
    session.flush()
    return pipeline


def list_page(session: Session, settings: Settings, principal: Principal, page: PageRequest) -> PipelinePage:
    rows = repo.page(session, principal.workspace_id, page)
    return PipelinePage.of(rows, page, to_out, key=lambda p: p.id, max_bytes=settings.max_page_bytes)


def get(session: Session, principal: Principal, pipeline_id: str) -> Pipeline:
    pipeline = repo.get(session, principal.workspace_id, pipeline_id)
    if pipeline is None:
        raise NotFound(f"no pipeline {pipeline_id!r} in this workspace")
    return pipeline


def replace(session: Session, principal: Principal, pipeline_id: str, spec: PipelineSpec) -> Pipeline:
    pipeline = get(session, principal, pipeline_id)
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
