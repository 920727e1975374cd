"""Run logic: submission (validated, recorded, then enqueued), reading and cancellation."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlmodel import Session

from app.auth.service import Principal
from app.components.catalog import get_component
from app.core.clock import utcnow
from app.core import artifacts
from app.core.errors import Conflict, InvalidInput, NotFound, RetrainerError, ServiceUnavailable
from app.core.files import IntegrityError
from app.core.queue import EXECUTE_RUN_TASK, enqueue, revoke
from app.core.settings import Settings
from app.datastores.paths import DataPathError, resolve
from app.datastores.service import known_names
from app.db.tables import Run, RunStep
from app.pipelines.spec import PipelineSpec, bind, pipeline_digest, topological_order
from app.runs import repository as repo
from app.runs import states
from app.runs.schemas import ModelRef, RerunRequest, RunError, RunOut, StepOut

log = logging.getLogger("retrainer.runs")


def check_submission(session: Session, settings: Settings, workspace_id: str, spec: PipelineSpec,
                     given: dict[str, Any]):
    """Binds parameters and checks every data path; InvalidInput lists every problem."""
    bound, problems = bind(spec, given)
    if bound is not None:
        stores = known_names(session, workspace_id)
        for ref in bound.data_refs:
            try:
                resolve(settings, workspace_id, ref.value, stores, mode=ref.mode)
            except DataPathError as exc:
                problems.append({"loc": ref.loc, "msg": str(exc)})
    if problems:
        raise InvalidInput(f"the run request has {len(problems)} problem(s)", errors=problems)
    return bound


def create_run(session: Session, settings: Settings, principal: Principal, spec: PipelineSpec, *,
               parameters: dict[str, Any], experiment: str | None, regenerate: bool,
               pipeline_id: str | None, endpoint_id: str | None = None,
               endpoint_version: int | None = None, before_commit=None) -> Run:
    """Records the run and its steps, commits, then enqueues it. `before_commit(session, run)`
    joins the run's transaction (the idempotency claim records the run there)."""
    bound = check_submission(session, settings, principal.workspace_id, spec, parameters)
    run = Run(workspace_id=principal.workspace_id, queue=settings.queue, pipeline_id=pipeline_id,
              endpoint_id=endpoint_id,
              endpoint_version=endpoint_version, experiment=experiment,
              definition=spec.model_dump(mode="json"), pipeline_digest=pipeline_digest(spec),
              parameters=bound.parameters, regenerate=regenerate, created_by=principal.id)
    session.add(run)
    session.flush()
    for position, name in enumerate(topological_order(spec)):
        step = spec.steps[name]
        component = get_component(step.component)
        session.add(RunStep(run_id=run.id, name=name, position=position, component=step.component,
                            component_version=component.version, settings=bound.settings[name]))
    if before_commit is not None:
        before_commit(session, run)
    # Durable before it is announced: a worker that picks the task up finds the row.
    session.commit()
    try:
        enqueue(EXECUTE_RUN_TASK, run.id, task_id=run.id)
    except Exception as exc:  # noqa: BLE001 - any broker failure
        log.warning("could not enqueue run %s: %s", run.id, type(exc).__name__)
        states.transition(session, run.id, states.FAILED, finished_at=utcnow(),
                          error={"step": None, "message": "the broker could not be reached; "
                                 "the run was not started. Retry the request."})
        session.commit()
        raise ServiceUnavailable("The broker cannot be reached; the run was recorded as failed. "
                                 "See GET /readyz.") from exc
    session.refresh(run)
    return run


def get_run(session: Session, principal: Principal, run_id: str) -> Run:
    run = repo.get(session, principal.workspace_id, run_id)
    if run is None:
        raise NotFound(f"no run {run_id!r} in this workspace")
    return run


def to_out(run: Run, steps: list[RunStep]) -> RunOut:
    return RunOut(
        id=run.id, status=run.status, pipeline_id=run.pipeline_id, endpoint_id=run.endpoint_id,
        endpoint_version=run.endpoint_version, experiment=run.experiment,
        pipeline_digest=run.pipeline_digest, parameters=run.parameters, regenerate=run.regenerate,
        created_at=run.created_at, started_at=run.started_at, finished_at=run.finished_at,
        error=RunError(**run.error) if run.error else None,
        steps=[StepOut(name=s.name, component=s.component, component_version=s.component_version,
                       status=s.status, started_at=s.started_at, finished_at=s.finished_at,
                       metrics=s.metrics, error=s.error, reused_from=s.reused_from) for s in steps],
        metrics=run.metrics,
        model=ModelRef(name=run.model_name, version=run.model_version) if run.model_name else None,
    )


LONG_POLL_INTERVAL = 0.25


def etag_of(out: RunOut) -> str:
    digest = hashlib.sha256(out.model_dump_json().encode()).hexdigest()[:32]
    return f'"{digest}"'


def etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return etag in candidates or "*" in candidates


def rerun(session: Session, settings: Settings, principal: Principal, run_id: str, body: RerunRequest) -> Run:
    """A new run of the very definition the earlier run used (its endpoint version included),
    with its parameter values, overridden by `body.parameters`."""
    original = get_run(session, principal, run_id)
    spec = PipelineSpec.model_validate(original.definition)
    return create_run(session, settings, principal, spec,
                      parameters={**original.parameters, **body.parameters},
                      experiment=body.experiment or original.experiment, regenerate=body.regenerate,
                      pipeline_id=original.pipeline_id, endpoint_id=original.endpoint_id,
                      endpoint_version=original.endpoint_version)


def cancel_run(session: Session, principal: Principal, run_id: str) -> Run:
    run = get_run(session, principal, run_id)
    now = utcnow()
    if not states.transition(session, run.id, states.CANCELED, finished_at=now, cancel_requested_at=now,
                             error={"step": None, "message": f"canceled by {principal.name}"}):
        session.rollback()
        current = get_run(session, principal, run_id)
        if current.status == states.CANCELED:
            return current  # canceling twice is not an error
        raise Conflict(f"run {run_id} already {current.status}; only queued or running runs can be canceled")
    for step in repo.steps(session, run.id):
        if step.status in (states.STEP_PENDING, states.STEP_RUNNING):
            step.status = states.STEP_CANCELED
            step.finished_at = now if step.started_at else None
            session.add(step)
    session.commit()
    # Sent whatever the status was when read: a worker may have claimed the run since.
    # It stops a computing step within seconds and drops a message still in the queue.
    try:
        revoke(run.id)
    except Exception as exc:  # noqa: BLE001 - the fenced state change already stopped it logically
        log.warning("could not send revoke for run %s: %s", run.id, type(exc).__name__)
    session.refresh(run)
    return run


class ArtifactCorrupted(RetrainerError):
    status, slug, title = 500, "artifact-integrity", "Artifact integrity check failed"


def verified_artifact(settings: Settings, relative: str, sha256: str):
    """The artifact's path, after checking it still has the sha256 recorded at write time."""
    try:
        path = artifacts.verified(settings, relative, sha256)
    except FileNotFoundError as exc:
        raise NotFound("the stored file of this output is missing from the artifact store") from exc
    except IntegrityError as exc:
        log.error("artifact failed its sha256 check: %s", exc)
        raise ArtifactCorrupted("The stored file no longer matches the sha256 recorded when it was "
                                "written; it was not served.") from exc
    return path
