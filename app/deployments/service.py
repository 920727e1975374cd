"""Deployment rules: create, change and delete deployments, their history, and predictions."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Session

from app.auth.challenge import require
from app.auth.scopes import Scope
from app.auth.service import Principal
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, UnsupportedMediaType, validation_problems
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.db.tables import Deployment, DeploymentEvent, ModelVersion
from app.deployments import drift as drifts
from app.deployments import gate as gates
from app.deployments import monitoring, predlog, serving
from app.deployments import repository as repo
from app.deployments.schemas import (
    DeploymentCreate,
    DeploymentPage,
    DeploymentPatch,
    DriftOut,
    Gate,
    HistoryEntry,
    HistoryPage,
    ModelRef,
    Monitor,
    PredictOut,
    PredictRequest,
    Thresholds,
)
from app.deployments.seen import SeenDeployments
from app.deployments.views import to_out
from app.endpoints import service as endpoints
from app.models_registry import service as models
from app.runtime import Runtime

log = logging.getLogger("retrainer.deployments")


def get(session: Session, workspace_id: str, name: str, *, for_update: bool = False) -> Deployment:
    deployment = repo.by_name(session, workspace_id, name, for_update=for_update)
    if deployment is None:
        raise NotFound(f"no deployment named {name!r} in this workspace")
    return deployment


def _version(session: Session, workspace_id: str, model: str, number: int) -> ModelVersion:
    mv = models.version(session, workspace_id, model, number)
    if mv is None:
        raise InvalidInput(f"model {model!r} has no version {number}", errors=[{
            "loc": ["body", "version"], "msg": f"no version {number} of model {model!r}; "
                                              "GET /models/{name}/versions lists them"}])
    return mv


def list_page(session: Session, workspace_id: str, page: PageRequest) -> DeploymentPage:
    rows = repo.page(session, workspace_id, page)
    return DeploymentPage.of(rows, page, lambda d: to_out(session, d), key=lambda d: d.name)


def _checked_gate(principal: Principal, gate: Gate | None, mv: ModelVersion) -> dict[str, Any]:
    """The gate to store: its metric must suit the model; reading a holdout needs data:read."""
    gate = gate or Gate()
    details = mv.details or {}
    if gate.metric is not None:
        problem = gates.metric_problem(gate.metric, details.get("task"), details.get("classes"))
        if problem:
            raise InvalidInput(problem, errors=[{"loc": ["body", "gate", "metric"], "msg": problem}])
    if gate.holdout is not None:
        require(principal.scopes, Scope.data_read, "A gate that reads a holdout file")
    return gate.model_dump()


def _checked_monitor(session: Session, settings: Settings, principal: Principal, monitor: Monitor | None,
                     previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """The monitor to store: checks no more often than triggers may fire; a retrain names an
    endpoint of the workspace and is set by a principal that may run it (its runs act for
    that principal)."""
    if monitor is None:
        return None
    every = monitor.check_every_seconds
    if every is not None and every < settings.min_trigger_seconds:
        message = f"at least {settings.min_trigger_seconds} seconds (RETRAINER_MIN_TRIGGER_SECONDS)"
        raise InvalidInput(message, errors=[{"loc": ["body", "monitor", "check_every_seconds"], "msg": message}])
    if monitor.retrain is not None and monitor.retrain.model_dump() != (previous or {}).get("retrain"):
        require(principal.scopes, Scope.runs_write, "A monitor that retrains on drift")
        problems = endpoints.run_request_problems(session, settings, principal, monitor.retrain.endpoint,
                                                  monitor.retrain.parameters)
        if problems:
            raise InvalidInput(f"the retrain on drift would be refused: {problems[0]['msg']}", errors=[
                {**p, "loc": ["body", "monitor", "retrain", *p["loc"]]} for p in problems])
    return monitor.model_dump()


def _set_monitor(deployment: Deployment, principal: Principal, monitor: dict[str, Any] | None) -> None:
    previous = deployment.monitor
    deployment.monitor = monitor
    if monitor is not None and monitor.get("retrain") and monitor["retrain"] != (previous or {}).get("retrain"):
        deployment.monitor_by = principal.id
    monitoring.schedule(deployment, utcnow(), (previous or {}).get("check_every_seconds"))


def create(session: Session, settings: Settings, principal: Principal, body: DeploymentCreate) -> Deployment:
    ws = principal.workspace_id
    if repo.by_name(session, ws, body.name) is not None:
        raise Conflict(f"a deployment named {body.name!r} already exists; PATCH it, or pick another name")
    if body.version is None and not body.follow:
        raise InvalidInput("say which version serves", errors=[{
            "loc": ["body", "version"], "msg": "give a version to pin, or follow: true to serve the latest "
                                              "and follow the model's new versions through a gate"}])
    if body.gate is not None and not body.follow:
        raise InvalidInput("a gate applies to a deployment that follows its model", errors=[{
            "loc": ["body", "gate"], "msg": "set follow: true, or leave the gate out"}])
    number = body.version or models.latest_number(session, ws, body.model)
    if number == 0:
        raise InvalidInput(f"no model named {body.model!r} in this workspace", errors=[{
            "loc": ["body", "model"], "msg": f"no model named {body.model!r}; a run of a pipeline with a "
                                            "train_model step registers one (GET /models lists them)"}])
    mv = _version(session, ws, body.model, number)
    deployment = Deployment(workspace_id=ws, name=body.name, model=body.model, version=number,
                            follow=body.follow, gate=_checked_gate(principal, body.gate, mv) if body.follow else None,
                            enabled=body.enabled, created_by=principal.id)
    _set_monitor(deployment, principal, _checked_monitor(session, settings, principal, body.monitor, None))
    try:
        with session.begin_nested():
            session.add(deployment)
    except IntegrityError as exc:  # created concurrently
        raise Conflict(f"a deployment named {body.name!r} already exists; PATCH it, or pick another name") from exc
    session.add(DeploymentEvent(deployment_id=deployment.id, to_version=number, reason="created",
                                message=f"created serving version {number}" + (" and following" if body.follow else ""),
                                actor=principal.id))
    return deployment


def patch(session: Session, settings: Settings, principal: Principal, name: str, body: DeploymentPatch
          ) -> Deployment:
    # Locked before reading: a promotion (or another PATCH) committing meanwhile would
    # otherwise be overwritten unseen, and the history would record a change from a version
    # the deployment no longer served. The gate's decision takes the same lock.
    deployment = get(session, principal.workspace_id, name, for_update=True)
    fields = body.model_fields_set
    for required in ("version", "follow", "enabled"):
        if required in fields and getattr(body, required) is None:
            raise InvalidInput(f"{required} cannot be null", errors=[{"loc": ["body", required],
                                                                      "msg": "give a value, or leave the field out"}])
    previous = deployment.version
    changes: list[str] = []
    if body.version is not None and body.version != deployment.version:
        _version(session, principal.workspace_id, deployment.model, body.version)
        deployment.version = body.version
    if body.follow is not None and body.follow != deployment.follow:
        deployment.follow = body.follow
        changes.append("now follows its model" if body.follow else "no longer follows its model")
    mv = _version(session, principal.workspace_id, deployment.model, deployment.version)
    if "gate" in fields or (deployment.follow and deployment.gate is None):
        new_gate = _checked_gate(principal, body.gate, mv) if deployment.follow or body.gate else None
        if body.gate is not None and not deployment.follow:
            raise InvalidInput("a gate applies to a deployment that follows its model", errors=[{
                "loc": ["body", "gate"], "msg": "set follow: true, or leave the gate out"}])
        if new_gate != deployment.gate:
            deployment.gate = new_gate
            changes.append(f"gate set to {new_gate}" if new_gate else "gate removed")
    if "monitor" in fields:
        new_monitor = _checked_monitor(session, settings, principal, body.monitor, deployment.monitor)
        if new_monitor != deployment.monitor:
            _set_monitor(deployment, principal, new_monitor)
            changes.append(f"monitor set to {new_monitor}" if new_monitor else "monitor removed")
    if body.enabled is not None and body.enabled != deployment.enabled:
        deployment.enabled = body.enabled
        changes.append("enabled" if body.enabled else "disabled")
    if deployment.version == previous and not changes:
        return deployment
    deployment.updated_at = utcnow()
    session.add(deployment)
    moved = deployment.version != previous
    if moved:
        changes.insert(0, f"serves version {deployment.version} (was {previous})")
    reason = "rollback" if moved and deployment.version < previous else "manual"
    session.add(DeploymentEvent(deployment_id=deployment.id, from_version=previous, to_version=deployment.version,
                                reason=reason, message="; ".join(changes), actor=principal.id))
    return deployment


def delete(session: Session, workspace_id: str, name: str) -> None:
    repo.delete(session, get(session, workspace_id, name, for_update=True))


def _entry(event: DeploymentEvent) -> HistoryEntry:
    return HistoryEntry(at=event.at, from_version=event.from_version, to_version=event.to_version,
                        reason=event.reason, message=event.message, metrics=event.metrics,
                        run_id=event.run_id)


def history_page(session: Session, workspace_id: str, name: str, page: PageRequest) -> HistoryPage:
    deployment = get(session, workspace_id, name)
    rows = repo.events_page(session, deployment.id, page)
    return HistoryPage.of(rows, page, _entry, key=lambda e: f"{e.at.isoformat()}|{e.id}")


def serving_model(session: Session, settings: Settings, cache: serving.ModelCache, workspace_id: str,
                  name: str, deployment: Deployment | None = None) -> serving.LoadedModel:
    """The model the deployment serves now, loaded (once per process)."""
    deployment = deployment or get(session, workspace_id, name)
    if not deployment.enabled:
        raise Conflict(f"deployment {name!r} is disabled; PATCH it with enabled: true to serve predictions")
    key = (workspace_id, deployment.model, deployment.version)

    def fetch() -> ModelVersion:
        mv = models.version(session, workspace_id, deployment.model, deployment.version)
        if mv is None:  # model versions are never deleted; only a damaged database gets here
            raise NotFound(f"version {deployment.version} of model {deployment.model!r} is gone")
        return mv

    return cache.get(settings, key, fetch)


def warm(session: Session, settings: Settings, cache: serving.ModelCache) -> int:
    """Loads the models that enabled deployments serve (at most the cache's size), so that
    a process's first predictions do not pay for importing scikit-learn and loading them."""
    loaded = 0
    for deployment in repo.enabled(session, cache.size):
        if not cache.has_room():  # requests came first and use the places: they keep them
            break
        try:
            serving_model(session, settings, cache, deployment.workspace_id, deployment.name)
            loaded += 1
        except Exception:
            log.warning("deployment %s: its model could not be loaded in advance", deployment.name, exc_info=True)
    return loaded


def predict(model: serving.LoadedModel, frame: Any) -> PredictOut:
    # Built from values the model produced: not validated again (thousands of floats).
    return PredictOut.model_construct(model=ModelRef(name=model.name, version=model.version),
                                      **{"classes": None, "probabilities": None, **serving.predict(model, frame)})


# A body up to this size (a few dozen rows) is scored on the event loop: parsing and one
# small predict_proba cost less than the hop to the thread pool and back. Larger ones, and a
# model not loaded yet (read from storage), go to the thread pool (predict_body).
INLINE_BODY_BYTES = 16 * 1024


def predict_body(session: Session, settings: Settings, cache: serving.ModelCache, workspace_id: str, name: str,
                 media_type: str, body: bytes, plog: predlog.PredictionLog | None = None) -> PredictOut:
    """Scores a request's rows: JSON `{"rows": [...]}` or a text/csv body; a monitored
    deployment's rows are appended to the prediction log (written later, off this path)."""
    deployment = get(session, workspace_id, name)
    model = serving_model(session, settings, cache, workspace_id, name, deployment)
    monitor, deployment_id = deployment.monitor, deployment.id
    session.rollback()  # the rest needs no database: the connection goes back to the pool now
    return _score(settings, model, workspace_id, deployment_id, monitor, media_type, body, plog)


@dataclass(frozen=True)
class Serving:
    """What a prediction needs of the API process."""

    runtime: Runtime
    engine: AsyncEngine
    cache: serving.ModelCache
    plog: predlog.PredictionLog | None
    seen: SeenDeployments


async def predict_inline(engine: AsyncEngine, settings: Settings, cache: serving.ModelCache,
                         deployments: SeenDeployments, workspace_id: str, name: str, media_type: str,
                         body: bytes, plog: predlog.PredictionLog | None = None) -> PredictOut | None:
    """predict_body on the event loop, for a small body and a model this process holds:
    the deployment's columns as this process last saw them (app.deployments.seen: dropped
    when any process announces a change), else one column read on the async engine; no
    thread. None: it needs the thread pool (predict_body), a large body or a model to load."""
    if len(body) > INLINE_BODY_BYTES:
        return None
    key = (workspace_id, name)
    hit, deployment = deployments.fresh(key)
    if not hit:
        read_at, generation = time.monotonic(), deployments.generation  # before the read: no older than this
        async with engine.connect() as connection:
            deployment = await repo.serving_columns(connection, workspace_id, name)
        deployments.remember(key, deployment, read_at, generation)
    if deployment is None:
        raise NotFound(f"no deployment named {name!r} in this workspace")
    if not deployment.enabled:
        raise Conflict(f"deployment {name!r} is disabled; PATCH it with enabled: true to serve predictions")
    model = cache.loaded((workspace_id, deployment.model, deployment.version))
    if model is None:
        return None
    return _score(settings, model, workspace_id, deployment.id, deployment.monitor, media_type, body, plog)


def _score(settings: Settings, model: serving.LoadedModel, workspace_id: str, deployment_id: str,
           monitor: dict[str, Any] | None, media_type: str, body: bytes,
           plog: predlog.PredictionLog | None) -> PredictOut:
    if media_type == "text/csv":
        frame = serving.frame_from_csv(body, model.schema, settings.predict_max_rows)
    elif media_type in ("application/json", ""):
        try:
            request = PredictRequest.model_validate_json(body or b"{}")
        except ValidationError as exc:
            raise InvalidInput("the body is not a prediction request",
                               errors=validation_problems(exc.errors(), ("body",))) from None
        frame = serving.frame_from_rows(request.rows, model.schema, settings.predict_max_rows)
    else:
        raise UnsupportedMediaType(f"Content-Type {media_type[:100]!r} is not accepted; send application/json "
                                   '({"rows": [...]}) or text/csv (a header line, then one line per row)')
    serving.check_answer_size(model, frame, settings.predict_max_probabilities)
    out = predict(model, frame)
    if plog is not None and monitor and monitor.get("log_predictions"):
        out.prediction_ids = _log(plog, workspace_id, deployment_id, model, frame, out, float(monitor["sample"]))
    return out


def _log(plog: predlog.PredictionLog, workspace_id: str, deployment_id: str, model: serving.LoadedModel,
         frame: Any, out: PredictOut, sample: float) -> list[str | None] | None:
    """Appends the sampled rows to the log; their ids (None for a row left out), or None
    when the buffer was full (nothing logged)."""
    import numpy as np

    rows = len(out.predictions)
    keep = np.ones(rows, dtype=bool) if sample >= 1.0 else np.random.default_rng().random(rows) < sample
    positions = np.flatnonzero(keep)
    at = utcnow()
    ids = predlog.new_ids(len(positions), at)
    kept = positions.tolist()
    batch = predlog.Batch(workspace_id=workspace_id, deployment_id=deployment_id, version=model.version,
                          at=at, ids=ids,
                          columns={c["name"]: np.asarray(frame[c["name"]])[positions] for c in model.schema},
                          kinds={c["name"]: c["kind"] for c in model.schema},
                          predictions=[out.predictions[i] for i in kept], scores=_scores(out, kept))
    if not plog.append(batch):
        return None
    if len(kept) == rows:
        return list(ids)
    answer: list[str | None] = [None] * rows
    for position, row_id in zip(kept, ids, strict=True):
        answer[position] = row_id
    return answer


def _scores(out: PredictOut, kept: list[int]) -> list[float] | None:
    """A binary classifier's probability of its positive class for the kept rows (live
    roc_auc is computed from them, as the gate's is)."""
    if not out.classes or len(out.classes) != 2 or not out.probabilities:
        return None
    column = out.classes.index(gates.positive_class(out.classes))
    return [float(out.probabilities[i][column]) for i in kept]


def drift(session: Session, settings: Settings, workspace_id: str, name: str, window_text: str | None,
          since: datetime | None, until: datetime | None) -> DriftOut:
    deployment = get(session, workspace_id, name)
    start, end = drifts.window(settings, window_text, since, until)
    mv = models.version(session, workspace_id, deployment.model, deployment.version)
    reference = ((mv.details if mv else None) or {}).get("reference_profile")
    if not reference:
        raise Conflict(f"version {deployment.version} of model {deployment.model!r} has no reference profile "
                       "(trained before profiles were recorded): retrain it to measure drift")
    thresholds = Thresholds.model_validate(((deployment.monitor or {}).get("thresholds")) or {})
    deployment_id, version = deployment.id, deployment.version
    session.rollback()  # reading the log needs no database
    return drifts.measure(settings, workspace_id, deployment_id, version, reference, thresholds, start, end)
