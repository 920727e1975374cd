"""Run logic: submission (checked, recorded, sent after the commit), reading and
rendering, reruns, cancellation, logs and outputs.

Services never commit: the unit of work they are given does, and sends the run
to the workers only after that commit.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Session, SQLModel

from app.auth.challenge import require
from app.auth.scopes import Scope
from app.auth.service import Principal
from app.components.catalog import get_component
from app.components.settings import MODEL_REF
from app.core import preview
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.core.queue import EXECUTE_RUN_TASK, TaskQueue, broker_id
from app.core.queue_names import queue_label, workspace_queue
from app.core.settings import Settings
from app.core.tabular import TableRefused
from app.datastores.paths import DataPathError, resolve
from app.datastores.service import stores_of
from app.db import batch, outbox
from app.db.engine import read_session
from app.db.outbox import Undeliverable
from app.db.tables import OutboxMessage, Run, RunOutput
from app.db.unit_of_work import UnitOfWork
from app.models_registry import service as models
from app.pipelines import service as pipelines
from app.pipelines.spec import (
    MODEL_SETTINGS,
    BoundPipeline,
    PipelineSpec,
    bind,
    data_refs_of,
    param_ref,
    pipeline_digest,
    runnable_problems,
    topological_order,
)
from app.runs import reads, store, views
from app.runs.schemas import RerunRequest, RunOut, RunPage, RunRequest
from app.runs.states import RunStatus
from app.runs.store import RunFilters
from app.runtime import Runtime
from app.storage import artifacts

log = logging.getLogger("retrainer.runs")

OUTPUT_SCOPES = {"dataset": Scope.data_read, "model": Scope.models_read}
HARD_LIMIT_GRACE = 30


# Submission -----------------------------------------------------------------------------


def check_submission(session: Session, settings: Settings, principal: Principal, spec: PipelineSpec,
                     given: dict[str, Any]) -> BoundPipeline:
    """Binds parameters and checks every data path; InvalidInput lists every problem
    (data paths of well-typed parameters are checked even when others are wrong). A run
    acts with its submitter's rights: reading a data path needs data:read, writing one
    data:write (403 naming the scope)."""
    if empty := runnable_problems(spec):
        raise InvalidInput("the pipeline cannot run yet", errors=empty)
    bound, problems = bind(spec, given)
    refs = bound.data_refs if bound is not None else data_refs_of(spec, given)
    for ref in refs:
        scope = Scope.data_read if ref.mode == "read" else Scope.data_write
        require(principal.scopes, scope, f"A run that {'reads' if ref.mode == 'read' else 'writes'} {ref.value}")
    stores = stores_of(session, settings, principal.workspace_id, principal.workspace_name)
    for ref in refs:
        try:
            resolve(stores, ref.value, mode=ref.mode)
        except DataPathError as exc:
            problems.append({"loc": ref.loc, "msg": str(exc)})
    if bound is not None:
        problems.extend(_model_problems(session, principal, spec, bound))
    if problems or bound is None:
        raise InvalidInput(f"the run request has {len(problems)} problem(s)", errors=problems)
    return bound


def _model_problems(session: Session, principal: Principal, spec: PipelineSpec,
                    bound: BoundPipeline) -> list[dict[str, Any]]:
    """A step that scores with a registered model: reading it needs models:read, and the
    model must exist (a version named by number must too; 'latest' is resolved when the
    step starts)."""
    problems = []
    for name, step in spec.steps.items():
        if step.component not in MODEL_SETTINGS:
            continue
        key = MODEL_SETTINGS[step.component]
        match = re.match(MODEL_REF, str(bound.settings[name].get(key)))
        if match is None:
            continue  # reported by the settings' own check
        require(principal.scopes, Scope.models_read, f"A run that scores with {match.group(0)}")
        model, number = match.group(1), match.group(2)
        latest = models.latest_number(session, principal.workspace_id, model)
        if latest == 0 or (number != "latest" and int(number) > latest):
            raw = step.settings.get(key)
            ref = param_ref(raw)
            loc: list[str | int] = ["body", "parameters", ref] if ref else ["steps", name, "settings", key]
            what = f"model {model!r}" if latest == 0 else f"version {number} of model {model!r} (latest: {latest})"
            problems.append({"loc": loc, "msg": f"no {what} in this workspace (GET /models lists them)"})
    return problems


@dataclass(frozen=True)
class RunOrigin:
    """Where a run's definition comes from: a draft, or a version of an endpoint."""

    pipeline_id: str | None
    endpoint_id: str | None = None
    endpoint_version: int | None = None
    time_limit_seconds: int | None = None  # the endpoint's, over the service's default
    queue: str | None = None  # the endpoint's queue (a name of its workspace), over RETRAINER_QUEUE
    # The trigger that started it: {"id", "name", "kind", "slot" | "path"}.
    trigger: dict[str, Any] | None = None


@dataclass(frozen=True)
class RunLabels:
    """What a caller says about a run (e.g. an Azure ML caller's Description, Tags, RunSource
    and ParentRunId): kept on the run and shown with it, never interpreted."""

    description: str | None = None
    tags: dict[str, str] | None = None
    run_source: str | None = None
    parent_run_id: str | None = None


NO_LABELS = RunLabels()


@dataclass(frozen=True)
class Planned:
    """A run that passed its checks, with its steps: built, not yet written."""

    run: Run
    steps: list[store.NewStep]


def plan(reader: Session, settings: Settings, principal: Principal, spec: PipelineSpec, origin: RunOrigin, *,
         parameters: dict[str, Any], experiment: str | None, regenerate: bool,
         labels: RunLabels = NO_LABELS) -> Planned:
    """Checks the request, reading in `reader`, and builds the run and its steps."""
    bound = check_submission(reader, settings, principal, spec, parameters)
    # An endpoint's queue is its workspace's: it meets neither another workspace's nor a
    # key of the broker's own (app.core.queue_names).
    queue = workspace_queue(principal.workspace_id, origin.queue) if origin.queue else settings.queue
    run = Run(workspace_id=principal.workspace_id, queue=queue, pipeline_id=origin.pipeline_id,
              endpoint_id=origin.endpoint_id, endpoint_version=origin.endpoint_version, experiment=experiment,
              definition=spec.model_dump(mode="json", exclude={"layout"}), pipeline_digest=pipeline_digest(spec),
              parameters=bound.parameters, regenerate=regenerate, created_by=principal.id,
              time_limit_seconds=origin.time_limit_seconds, sent_at=utcnow(), sends=1,
              description=labels.description, tags=labels.tags, run_source=labels.run_source,
              parent_run_id=labels.parent_run_id,
              trigger_id=origin.trigger["id"] if origin.trigger else None, trigger=origin.trigger)
    run_steps = []
    for position, name in enumerate(topological_order(spec)):
        step = spec.steps[name]
        component = get_component(step.component)
        assert component is not None  # the spec was validated against the catalogue
        run_steps.append(store.NewStep(name=name, position=position, component=step.component,
                                       component_version=component.version, settings=bound.settings[name]))
    return Planned(run, run_steps)


def record(uow: UnitOfWork, planned: Planned) -> Run:
    """Records a planned run and its steps in `uow`, with its message (the outbox): the run
    is durable before it is announced, and announced once `uow` commits. Called once the
    checks' read session is closed: a request never holds two connections at once (on
    SQLite's small pool, requests that each held one and waited for a second stalled the
    API until the pool's timeout)."""
    store.add(uow.session, planned.run, planned.steps)
    send(uow, planned.run)
    return planned.run


async def record_now(engine: AsyncEngine, runtime: Runtime, planned: Planned, *also: SQLModel) -> Run:
    """`record` on the API's async engine (PostgreSQL), with `also` (an Idempotency-Key
    claim) first: the same rows in one statement, one round trip (app.db.batch), then the
    message handed to the relay."""
    message = run_message(runtime.settings, planned.run)
    await batch.write(engine, _rows(planned, message, also))
    await outbox.send_after_commit_async(runtime.engine, runtime.queue, [message])
    return planned.run


def record_committed(runtime: Runtime, planned: Planned, *also: SQLModel) -> Run:
    """`record_now` on the sync engine, in a transaction of its own (on SQLite: BEGIN
    IMMEDIATE, holding the write lock for the inserts only)."""
    message = run_message(runtime.settings, planned.run)
    batch.commit(runtime.engine, _rows(planned, message, also))
    outbox.send_after_commit(runtime.engine, runtime.queue, [message])
    return planned.run


def _rows(planned: Planned, message: OutboxMessage, also: Sequence[SQLModel]) -> list[batch.Rows]:
    return [*(batch.rows_of(row) for row in also), *store.creation(planned.run, planned.steps),
            batch.rows_of(message)]


def submit(uow: UnitOfWork, settings: Settings, principal: Principal, spec: PipelineSpec, origin: RunOrigin, *,
           parameters: dict[str, Any], experiment: str | None, regenerate: bool,
           labels: RunLabels = NO_LABELS) -> Run:
    """Checks the request and records the run (`plan`, then `record`). The checks read in a
    session of their own, so `uow` takes the database's write lock only for the inserts."""
    with read_session(uow.engine) as reader:
        planned = plan(reader, settings, principal, spec, origin, parameters=parameters, experiment=experiment,
                       regenerate=regenerate, labels=labels)
    return record(uow, planned)


def run_message(settings: Settings, run: Run) -> OutboxMessage:
    """The run's message for the workers, for the run's queue."""
    return outbox.new_message(EXECUTE_RUN_TASK, [run.id], task_id=run.id, queue=run.queue,
                              broker=broker_id(settings), options=time_limits(run.time_limit_seconds))


def send(uow: UnitOfWork, run: Run) -> None:
    """Records the run's message in `uow` (the outbox): sent once `uow` commits."""
    if uow.queue is None:
        raise RuntimeError("this unit of work has no task queue")
    uow.add_message(run_message(uow.queue.settings, run))


def send_again(uow: UnitOfWork, run_id: str) -> bool:
    """Records another message for a run that is still queued (its first may be lost)."""
    run = store.mark_sent_again(uow.session, run_id)
    if run is None:
        return False
    send(uow, run)
    return True


def fail_undeliverable(session: Session, message: OutboxMessage) -> None:
    """A run whose message the broker refused RETRAINER_OUTBOX_MAX_FAILURES times fails
    (if still queued), naming the queue and the broker's answer."""
    run_id = message.task_id or (str(message.args[0]) if message.args else "")
    store.fail_queued(session, run_id, (
        f"the broker refused this run's message {message.failures} times on queue "
        f"{queue_label(message.queue)!r} ({message.last_error}); gave up after RETRAINER_OUTBOX_MAX_FAILURES. "
        "Ask the operator to check the broker; run it again (on another queue: PATCH /endpoints/{id} "
        "{\"queue\": ...})"))


# What the outbox relay does with a message it gives up, by task (app.db.outbox.give_up).
UNDELIVERABLE: dict[str, Undeliverable] = {EXECUTE_RUN_TASK: fail_undeliverable}


def time_limits(seconds: int | None) -> dict[str, int]:
    """Celery's per-message limits for a run limited to `seconds` (the hard limit a little
    later, so that the step sees the soft one and fails with a clear message)."""
    if seconds is None:
        return {}
    return {"soft_time_limit": seconds, "time_limit": seconds + HARD_LIMIT_GRACE}


def draft_creator(settings: Settings, principal: Principal, pipeline_id: str,
                  body: RunRequest) -> Callable[[Session], tuple[Planned, Accepted]]:
    """What checks a run of a draft pipeline and builds its answer, reading in the session it
    is given (POST /pipelines/{id}/runs: app.runs.idempotency writes it)."""
    def create(reader: Session) -> tuple[Planned, Accepted]:
        draft = pipelines.get(reader, principal, pipeline_id)
        planned = plan(reader, settings, principal, pipelines.spec_of(draft), RunOrigin(pipeline_id=draft.id),
                       parameters=body.parameters, experiment=body.experiment, regenerate=body.regenerate)
        return planned, answer(planned)

    return create


def rerun(uow: UnitOfWork, settings: Settings, principal: Principal, run_id: str, body: RerunRequest) -> Run:
    """A new run of the very definition the earlier run used (its endpoint version included),
    with its parameter values, overridden by `body.parameters`, and the rights of the
    principal that asks for it. A run of a disabled endpoint is refused, as a retrain is."""
    with read_session(uow.engine) as reader:
        original = get_run(reader, principal, run_id)
        endpoint = store.endpoint_of(reader, original)
    if endpoint is not None and not endpoint.enabled:
        raise Conflict(f"endpoint {endpoint.name!r} is disabled; enable it with "
                       f"PATCH /endpoints/{endpoint.name} {{\"enabled\": true}} to rerun its runs")
    origin = RunOrigin(original.pipeline_id, original.endpoint_id, original.endpoint_version,
                       endpoint.time_limit_seconds if endpoint is not None else None,
                       endpoint.queue if endpoint is not None else None)
    return submit(uow, settings, principal, PipelineSpec.model_validate(original.definition), origin,
                  parameters={**original.parameters, **body.parameters},
                  experiment=body.experiment or original.experiment, regenerate=body.regenerate)


# Reading and rendering ---------------------------------------------------------------------


def statuses(session: Session, workspace_id: str, run_ids: Sequence[str]) -> dict[str, str]:
    """The status of each run (a trigger's overlap policy asks whether its last run ended)."""
    return store.statuses(session, workspace_id, run_ids)


def get_run(session: Session, principal: Principal, run_id: str) -> Run:
    run = store.get(session, principal.workspace_id, run_id)
    if run is None:
        raise NotFound(f"no run {run_id!r} in this workspace")
    return run


def render(session: Session, run: Run, principal: Principal | None = None) -> RunOut:
    """The run as every route answers it, steps included; what it did to deployments only
    for a caller with deployments:read (None: the run was just created, it did nothing yet)."""
    if principal is not None and not _sees_deployments(principal):
        return views.run_out(run, store.steps(session, run.id), visible=False)
    return views.run_out(run, store.steps(session, run.id), views.effects_of(session, [run]).get(run.id))


def _sees_deployments(principal: Principal) -> bool:
    return Scope.deployments_read.value in principal.scopes


async def read(engine: AsyncEngine, principal: Principal, run_id: str) -> tuple[int, RunOut]:
    """The run now and its revision, in a short read of its own (a long-poll reads often),
    on the event loop: the columns a RunOut shows, no ORM object."""
    async with engine.connect() as connection:
        found = await reads.run_with_steps(connection, principal.workspace_id, run_id)
        if found is None:
            raise NotFound(f"no run {run_id!r} in this workspace")
        run, steps = found
        if not _sees_deployments(principal):
            return run.revision, views.run_out(run, steps, visible=False)
        effects = await views.effects_read(connection, [run])
        return run.revision, views.run_out(run, steps, effects.get(run.id))


async def revision_of(engine: AsyncEngine, principal: Principal, run_id: str) -> int | None:
    async with engine.connect() as connection:
        return await reads.revision(connection, principal.workspace_id, run_id)


async def read_page(engine: AsyncEngine, settings: Settings, principal: Principal, filters: RunFilters,
                    page: PageRequest) -> RunPage:
    """A page of runs as render_page builds it, from column reads on the event loop."""
    async with engine.connect() as connection:
        rows = await reads.page(connection, principal.workspace_id, filters, page)
        steps = await reads.steps_of(connection, [r.id for r in rows[:page.limit]])
        visible = _sees_deployments(principal)
        effects = await views.effects_read(connection, rows[:page.limit]) if visible else {}
    return RunPage.of(rows, page, lambda r: views.run_out(r, steps[r.id], effects.get(r.id), visible),
                      key=lambda r: r.id, max_bytes=settings.max_page_bytes)


def etag_of(out: RunOut) -> str:
    return etag_of_json(out.model_dump_json().encode())


def etag_of_json(body: bytes) -> str:
    """The ETag of a run serialised by `RunOut.model_dump_json` (the body GET /runs/{id} sends)."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return etag in candidates or "*" in candidates


@dataclass
class Accepted:
    """The 202 a request that started a run answers (and an Idempotency-Key replays)."""

    run_id: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    status_code: int = 202


def accepted(session: Session, run: Run) -> Accepted:
    """The 202 for a run read from the database (an earlier request's, replayed)."""
    return _accepted(run.id, render(session, run))


def answer(planned: Planned) -> Accepted:
    """The 202 for a run about to be written: rendered from its rows (its steps pending, no
    deployment touched yet), with no query."""
    return _accepted(planned.run.id, views.run_out(planned.run, planned.steps))


def _accepted(run_id: str, out: RunOut) -> Accepted:
    return Accepted(run_id, out.model_dump(mode="json"), {"Location": f"/runs/{run_id}", "ETag": etag_of(out)})


# Cancellation -----------------------------------------------------------------------------


def cancel(uow: UnitOfWork, queue: TaskQueue, principal: Principal, run_id: str) -> Run:
    run = get_run(uow.session, principal, run_id)
    moved = store.cancel(uow.session, run.id, by=principal.name)
    uow.session.refresh(run)
    if not moved:
        if run.status == RunStatus.CANCELED:
            return run  # canceling twice is not an error
        raise Conflict(f"run {run_id} already {run.status}; only queued or running runs can be canceled")
    # Sent whatever the status was when read: a worker may have claimed the run since.
    # It stops a computing step within seconds and drops a message still in the queue.
    uow.after_commit(lambda: _revoke(queue, run.id))
    return run


def _revoke(queue: TaskQueue, run_id: str) -> None:
    try:
        queue.revoke(run_id)
    except Exception as exc:  # noqa: BLE001 - the fenced state change already stopped it logically
        log.warning("could not send revoke for run %s: %s", run_id, type(exc).__name__)


# Logs and outputs -------------------------------------------------------------------------


def step_log(session: Session, settings: Settings, principal: Principal, run_id: str, step: str) -> str:
    run = get_run(session, principal, run_id)
    if step not in {s.name for s in store.steps(session, run.id)}:
        raise NotFound(f"run {run_id} has no step {step!r}")
    return artifacts.read_log(settings, run.workspace_id, run.id, run.attempt, step)


def outputs(session: Session, principal: Principal, run_id: str) -> tuple[Run, list[RunOutput]]:
    run = get_run(session, principal, run_id)
    return run, store.outputs(session, run.id)


def output_file(session: Session, settings: Settings, principal: Principal, run_id: str, step: str,
                port: str) -> tuple[RunOutput, artifacts.Verified]:
    """An output's record and its file, after the file's sha256 check. A dataset holds
    the workspace's data (data:read), a model is a model (models:read): runs:read alone
    downloads only metrics."""
    run = get_run(session, principal, run_id)
    out = store.output(session, run.id, step, port)
    if out is None:
        raise NotFound(f"run {run_id} has no output {step}.{port}")
    needed = OUTPUT_SCOPES.get(out.type)
    if needed is not None:
        require(principal.scopes, needed, f"Downloading a {out.type} output")
    return out, artifacts.verified(settings, out.path, out.sha256)


def output_preview(session: Session, settings: Settings, principal: Principal, run_id: str, step: str,
                   port: str, rows: int) -> preview.Preview:
    """A dataset output's first rows and column summaries, read from the artifact after
    its sha256 check and with the scopes of its download (runs:read and data:read)."""
    out, found = output_file(session, settings, principal, run_id, step, port)
    if out.type != "dataset":
        message = f"{step}.{port} is a {out.type}: only dataset outputs have a preview; download it instead"
        raise InvalidInput(message, errors=[{"loc": ["path", "port"], "msg": message}])
    limits = preview.PreviewLimits(rows=rows, max_rows=settings.preview_max_rows, max_bytes=settings.preview_max_bytes,
                                   max_columns=settings.max_data_columns)
    what = f"output {step}.{port}"
    try:
        with found.open() as handle:
            return preview.preview_parquet(handle, what, limits)
    except (TableRefused, preview.PreviewFailed) as exc:
        raise InvalidInput(str(exc), errors=[{"loc": ["path", "port"], "msg": str(exc)}]) from None
