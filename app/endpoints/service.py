"""Endpoint logic: create, patch, publish immutable versions, and retrain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.auth.scopes import Scope
from app.auth.service import Principal
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.db.engine import read_session
from app.db.numbering import insert_next_number
from app.db.tables import Endpoint, EndpointVersion, Run
from app.db.unit_of_work import UnitOfWork
from app.endpoints import repository as repo
from app.endpoints.schemas import (
    DryRunOut,
    EndpointOut,
    EndpointPage,
    EndpointPatch,
    EndpointRunRequest,
    VersionOut,
    VersionPage,
)
from app.pipelines import service as pipelines
from app.pipelines.spec import PipelineSpec, pipeline_digest, runnable_problems
from app.runs import service as runs


def get(session: Session, principal: Principal, ref: str) -> Endpoint:
    endpoint = repo.by_id_or_name(session, principal.workspace_id, ref)
    if endpoint is None:
        raise NotFound(f"no endpoint {ref!r} in this workspace")
    return endpoint


def find(session: Session, workspace_id: str, ref: str) -> Endpoint | None:
    """The endpoint, for work done without a request (a trigger's firing)."""
    return repo.by_id_or_name(session, workspace_id, ref)


def run_request_problems(session: Session, settings: Settings, principal: Principal, ref: str,
                         parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """What a later run of endpoint `ref`'s default version with `parameters` would be
    refused for now (a setting that runs it unattended, such as a deployment's retrain on
    drift, is checked when it is set); locs start at the parameters (["parameters", name])."""
    endpoint = find(session, principal.workspace_id, ref)
    if endpoint is None:
        return [{"loc": ["endpoint"], "msg": f"no endpoint {ref!r} in this workspace (GET /endpoints lists them)"}]
    if endpoint.default_version is None:
        return [{"loc": ["endpoint"], "msg": f"endpoint {endpoint.name!r} has no published version yet"}]
    spec = PipelineSpec.model_validate(get_version(session, endpoint, endpoint.default_version).definition)
    try:
        runs.check_submission(session, settings, principal, spec, parameters)
    except InvalidInput as exc:
        return [{**e, "loc": list(e.get("loc", []))[1:] if list(e.get("loc", []))[:1] == ["body"] else e.get("loc", [])}
                for e in exc.errors or []]
    return []


def to_out(session: Session, endpoint: Endpoint) -> EndpointOut:
    return _out(endpoint, repo.latest_versions(session, [endpoint.id]).get(endpoint.id))


def _out(endpoint: Endpoint, latest: int | None) -> EndpointOut:
    return EndpointOut(id=endpoint.id, name=endpoint.name, description=endpoint.description,
                       enabled=endpoint.enabled, default_version=endpoint.default_version,
                       latest_version=latest, time_limit_seconds=endpoint.time_limit_seconds,
                       queue=endpoint.queue, max_concurrent_runs=endpoint.max_concurrent_runs,
                       created_at=endpoint.created_at, updated_at=endpoint.updated_at)


def list_page(session: Session, principal: Principal, page: PageRequest) -> EndpointPage:
    rows = repo.page(session, principal.workspace_id, page)
    latest = repo.latest_versions(session, [r.id for r in rows])
    return EndpointPage.of(rows, page, lambda r: _out(r, latest.get(r.id)), key=lambda r: r.id)


def version_out(principal: Principal, endpoint: Endpoint, version: EndpointVersion) -> VersionOut:
    """A version: its parameters for whoever may retrain; its step definitions (settings,
    data paths) only for a token with pipelines:read."""
    spec = PipelineSpec.model_validate(version.definition)
    readable = Scope.pipelines_read.value in principal.scopes
    steps = spec.steps if readable else None
    return VersionOut(endpoint_id=endpoint.id, endpoint_name=endpoint.name, version=version.version,
                      is_default=endpoint.default_version == version.version,
                      published_pipeline_id=version.published_pipeline_id, pipeline_id=version.pipeline_id,
                      pipeline_digest=version.digest, description=version.description,
                      created_at=version.created_at, parameters=spec.parameters, steps=steps,
                      layout=spec.layout if readable else None)


def versions_page(session: Session, settings: Settings, principal: Principal, ref: str,
                  page: PageRequest) -> VersionPage:
    endpoint = get(session, principal, ref)
    rows = repo.versions_page(session, endpoint.id, page)
    return VersionPage.of(rows, page, lambda v: version_out(principal, endpoint, v), key=lambda v: v.version,
                          max_bytes=settings.max_page_bytes)


def create(session: Session, principal: Principal, name: str, description: str | None) -> Endpoint:
    if repo.by_name(session, principal.workspace_id, name) is not None:
        raise Conflict(f"an endpoint named {name!r} already exists")
    endpoint = Endpoint(workspace_id=principal.workspace_id, name=name, description=description)
    try:
        with session.begin_nested():
            session.add(endpoint)
    except IntegrityError as exc:  # created concurrently
        raise Conflict(f"an endpoint named {name!r} already exists") from exc
    return endpoint


def patch(session: Session, settings: Settings, principal: Principal, ref: str, body: EndpointPatch) -> Endpoint:
    endpoint = get(session, principal, ref)
    given = body.model_fields_set
    if "time_limit_seconds" in given:
        longest = settings.broker_visibility_timeout - runs.HARD_LIMIT_GRACE - 60
        if body.time_limit_seconds is not None and body.time_limit_seconds > longest:
            raise InvalidInput("time_limit_seconds is too long for the broker", errors=[{
                "loc": ["body", "time_limit_seconds"],
                "msg": f"at most {longest} s: a run must end before the broker hands its task to another "
                       "worker (RETRAINER_BROKER_VISIBILITY_TIMEOUT)"}])
        endpoint.time_limit_seconds = body.time_limit_seconds
    if "queue" in given:
        endpoint.queue = body.queue
    if "max_concurrent_runs" in given:
        endpoint.max_concurrent_runs = body.max_concurrent_runs
    if "default_version" in given:
        if body.default_version is None or repo.version(session, endpoint.id, body.default_version) is None:
            raise InvalidInput("default_version must name a published version",
                               errors=[{"loc": ["body", "default_version"],
                                        "msg": f"endpoint {endpoint.name!r} has no version {body.default_version}"}])
        endpoint.default_version = body.default_version
    if "enabled" in given:
        if body.enabled is None:
            raise InvalidInput("enabled must be true or false",
                               errors=[{"loc": ["body", "enabled"], "msg": "must be true or false"}])
        endpoint.enabled = body.enabled
    if "description" in given:
        endpoint.description = body.description
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    return endpoint


def publish(session: Session, principal: Principal, ref: str, pipeline_id: str, description: str | None,
            make_default: bool) -> tuple[Endpoint, EndpointVersion]:
    endpoint = get(session, principal, ref)
    draft = pipelines.get(session, principal, pipeline_id)
    spec = pipelines.spec_of(draft)
    if empty := runnable_problems(spec, ("body", "pipeline_id")):
        raise InvalidInput("a pipeline without steps cannot be published", errors=empty)
    version = insert_next_number(
        session, lambda: repo.latest_version(session, endpoint.id),
        lambda number: EndpointVersion(endpoint_id=endpoint.id, version=number, pipeline_id=draft.id,
                                       definition=spec.model_dump(mode="json"), digest=pipeline_digest(spec),
                                       description=description, created_by=principal.id))
    session.refresh(endpoint)  # another publish may have set the default meanwhile
    if make_default or endpoint.default_version is None:
        endpoint.default_version = version.version
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    return endpoint, version


def get_version(session: Session, endpoint: Endpoint, number: int) -> EndpointVersion:
    version = repo.version(session, endpoint.id, number)
    if version is None:
        raise NotFound(f"endpoint {endpoint.name!r} has no version {number}")
    return version


def target(session: Session, principal: Principal, ref: str,
           number: int | None) -> tuple[Endpoint, EndpointVersion]:
    """The version a run of endpoint `ref` would run: `number`, or the default one; 409 when
    the endpoint is disabled."""
    found = repo.with_version(session, principal.workspace_id, ref, number)
    if found is None:
        raise NotFound(f"no endpoint {ref!r} in this workspace")
    endpoint, version = found
    _check_enabled(endpoint)
    number = number or endpoint.default_version
    if number is None:
        raise NotFound(f"endpoint {endpoint.name!r} has no published version yet")
    if version is None:
        raise NotFound(f"endpoint {endpoint.name!r} has no version {number}")
    return endpoint, version


def _check_enabled(endpoint: Endpoint) -> None:
    if not endpoint.enabled:
        raise Conflict(f"endpoint {endpoint.name!r} is disabled; enable it with "
                       f"PATCH /endpoints/{endpoint.name} {{\"enabled\": true}}")


def published(session: Session, principal: Principal, published_pipeline_id: str) -> tuple[Endpoint, EndpointVersion]:
    """The version published as `published_pipeline_id`, and its endpoint (409 when disabled)."""
    found = repo.by_published_id(session, principal.workspace_id, published_pipeline_id)
    if found is None:
        raise NotFound(f"no published pipeline {published_pipeline_id!r} in this workspace "
                       "(GET /endpoints/{id}/versions lists each version's published_pipeline_id)")
    _check_enabled(found[0])
    return found


def published_id_of(session: Session, endpoint_id: str | None, number: int | None) -> str | None:
    """The published pipeline id of version `number` of an endpoint (None for a draft's run)."""
    if endpoint_id is None or number is None:
        return None
    version = repo.version(session, endpoint_id, number)
    return version.published_pipeline_id if version is not None else None


def dry_run(session: Session, settings: Settings, principal: Principal, ref: str,
            body: EndpointRunRequest) -> DryRunOut:
    endpoint, version = target(session, principal, ref, body.version)
    spec = PipelineSpec.model_validate(version.definition)
    bound = runs.check_submission(session, settings, principal, spec, body.parameters)
    return DryRunOut(endpoint_id=endpoint.id, version=version.version, pipeline_digest=version.digest,
                     parameters=bound.parameters)


def plan_retrain(reader: Session, settings: Settings, principal: Principal, ref: str, body: EndpointRunRequest,
                 labels: runs.RunLabels = runs.NO_LABELS, trigger: dict[str, Any] | None = None) -> runs.Planned:
    """A run of the endpoint, checked and built, reading in `reader` (POST /endpoints/{id}/runs,
    an Azure ML caller's submit, and a trigger's firing, which names itself in `trigger`)."""
    endpoint, version = target(reader, principal, ref, body.version)
    return runs.plan(reader, settings, principal, PipelineSpec.model_validate(version.definition),
                     runs.RunOrigin(version.pipeline_id, endpoint.id, version.version,
                                    endpoint.time_limit_seconds, endpoint.queue, trigger),
                     parameters=body.parameters, experiment=body.experiment, regenerate=body.regenerate,
                     labels=labels)


def creator(settings: Settings, principal: Principal, ref: str,
            body: EndpointRunRequest) -> Callable[[Session], tuple[runs.Planned, runs.Accepted]]:
    """What checks a retrain and builds its answer, reading in the session it is given (once
    per Idempotency-Key: app.runs.idempotency writes it)."""
    def create(reader: Session) -> tuple[runs.Planned, runs.Accepted]:
        planned = plan_retrain(reader, settings, principal, ref, body)
        return planned, runs.answer(planned)

    return create


def retrain(uow: UnitOfWork, settings: Settings, principal: Principal, ref: str, body: EndpointRunRequest,
            labels: runs.RunLabels = runs.NO_LABELS, trigger: dict[str, Any] | None = None) -> Run:
    """Submits a run of the endpoint in `uow` (`plan_retrain`, then the run recorded)."""
    # The target and the checks share one read session, closed before the inserts.
    with read_session(uow.engine) as reader:
        planned = plan_retrain(reader, settings, principal, ref, body, labels, trigger)
    return runs.record(uow, planned)
