"""Scheduled drift checks: the scheduler's pass over monitored deployments, each check's
record, its drift episode, its webhook event and the retrain it submits.

Once per slot, with any number of schedulers: a check is claimed by a compare-and-set of
the deployment's `next_check_at` (as a schedule trigger's slot), committed before the log
is read (a scheduler killed while reading loses that slot's check; the next slot runs).
The check is then recorded in a transaction that locks the deployment's row, so the
checks of one deployment are decided one after the other (checks older than the log's
retention are deleted then, but those that began an episode or submitted a run):

- an episode is a run of consecutive drifted checks; a measured check that did not drift
  ends it (a check with too few rows measures nothing and neither starts nor ends one);
- the first check of an episode is the `deployment.drift_detected` event, written in the
  check's transaction;
- with `monitor.retrain`, an episode submits one run of the endpoint (the first of its
  checks that may: none within `cooldown_seconds` of the deployment's last retrain),
  through the same service as POST /endpoints/{id}/runs (the run and its message, the
  outbox, commit with the check), acting for the principal that set `retrain` with the
  rights it holds then. The run's trigger is {"id": deployment id, "name", "kind":
  "drift", "check": the episode's first check}.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.auth.challenge import require
from app.auth.scopes import Scope
from app.auth.service import acting_principal
from app.core.clock import utcnow
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.db.retry import retrying
from app.db.tables import Deployment, DriftCheck
from app.db.unit_of_work import UnitOfWork
from app.deployments import drift as drifts
from app.deployments import repository as repo
from app.deployments.schemas import DriftCheckOut, DriftCheckPage, DriftColumn, DriftOut, Thresholds
from app.endpoints import service as endpoints
from app.endpoints.schemas import EndpointRunRequest
from app.models_registry import service as models
from app.runtime import Runtime
from app.webhooks import events

log = logging.getLogger("retrainer.monitoring")

WINDOW = timedelta(hours=24)  # a scheduled check measures the last day of logged rows
BATCH = 100


def next_check(every_seconds: int, expected: datetime, now: datetime) -> datetime:
    """The first slot after `now` on the grid of `expected` (missed slots are not caught up)."""
    step = timedelta(seconds=every_seconds)
    if expected > now:
        return expected
    return expected + step * ((now - expected) // step + 1)


def schedule(deployment: Deployment, now: datetime, previous_every: int | None) -> None:
    """Sets or clears the deployment's next check after its monitor changed."""
    every = (deployment.monitor or {}).get("check_every_seconds")
    if not every:
        deployment.next_check_at = None
    elif deployment.next_check_at is None or every != previous_every:
        deployment.next_check_at = now + timedelta(seconds=every)


# The scheduler's pass ---------------------------------------------------------------------


def check_due(runtime: Runtime, now: datetime) -> int:
    """Checks every deployment whose check is due; how many it checked."""
    with runtime.read_session() as session:
        due = repo.due_checks(session, now, BATCH)
    checked = 0
    for deployment_id in due:
        try:
            checked += check(runtime, deployment_id, now)
        except Exception:  # one deployment that fails does not hold the others back
            log.warning("deployment %s: the drift check failed", deployment_id, exc_info=True)
    return checked


def _claim(runtime: Runtime, deployment_id: str, now: datetime) -> dict[str, Any] | None:
    """Takes the due slot (False when another scheduler did); what the check reads."""
    with runtime.unit_of_work() as uow:
        deployment = uow.session.get(Deployment, deployment_id)
        every = ((deployment.monitor if deployment else None) or {}).get("check_every_seconds")
        if deployment is None or not deployment.enabled or not every or deployment.next_check_at is None \
                or deployment.next_check_at > now:
            return None
        expected = deployment.next_check_at
        if not repo.move_check_on(uow.session, deployment.id, expected, next_check(every, expected, now)):
            uow.rollback()
            return None
        mv = models.version(uow.session, deployment.workspace_id, deployment.model, deployment.version)
        return {"workspace_id": deployment.workspace_id, "version": deployment.version,
                "reference": ((mv.details if mv else None) or {}).get("reference_profile"),
                "thresholds": Thresholds.model_validate((deployment.monitor or {}).get("thresholds") or {})}


def check(runtime: Runtime, deployment_id: str, now: datetime) -> int:
    """One scheduled check of the deployment, if its slot is due and this scheduler takes it."""
    claimed = retrying(lambda: _claim(runtime, deployment_id, now), what="drift check claim")
    if claimed is None:
        return 0
    settings = runtime.settings
    if not claimed["reference"]:
        result = DriftOut(rows=0, reference_rows=0, version=claimed["version"], since=now - WINDOW, until=now,
                          enough_rows=False, drifted=False, columns=[],
                          message="the serving version has no reference profile (trained before profiles were "
                                  "recorded): retrain it to measure drift")
    else:
        result = drifts.measure(settings, claimed["workspace_id"], deployment_id, claimed["version"],
                                claimed["reference"], claimed["thresholds"], now - WINDOW, now)
    retrying(lambda: _record_in(runtime, deployment_id, result), what="drift check")
    return 1


def _record_in(runtime: Runtime, deployment_id: str, result: DriftOut) -> None:
    with runtime.unit_of_work() as uow:
        record(uow, runtime.settings, deployment_id, result)


# Recording a check ------------------------------------------------------------------------


def record(uow: UnitOfWork, settings: Settings, deployment_id: str, result: DriftOut, at: datetime | None = None
           ) -> DriftCheck | None:
    """Records the check in `uow`: its episode, its event, its retrain (None: the deployment
    is gone). Its time is when it is recorded (the deployment's row locked), so that the
    checks of a deployment are in the order they were decided in, whichever scheduler
    measured faster; the window measured is in the result (`since`, `until`)."""
    session = uow.session
    deployment = repo.by_id(session, deployment_id, for_update=True)
    if deployment is None:
        return None
    check = DriftCheck(deployment_id=deployment.id, at=at or utcnow(), version=result.version, rows=result.rows,
                       enough_rows=result.enough_rows, drifted=result.drifted,
                       result=result.model_dump(mode="json", include={"columns", "prediction", "message", "since", "until"}))
    started = False
    if result.drifted:
        previous = repo.last_measured_check(session, deployment.id)
        started = previous is None or not previous.drifted
        check.episode_id = check.id if started else previous.episode_id if previous else check.id
        _retrain(uow, settings, deployment, check)
    session.add(check)
    repo.prune_checks(session, deployment.id, check.at - timedelta(days=settings.prediction_log_retention_days))
    if started:
        events.emit(uow, deployment.workspace_id, "deployment.drift_detected", lambda: {
            "deployment": {"name": deployment.name, "model": deployment.model, "version": deployment.version},
            "check": to_out(check)})
    return check


def _retrain(uow: UnitOfWork, settings: Settings, deployment: Deployment, check: DriftCheck) -> None:
    """Submits the episode's retrain run, or notes on the check why not."""
    retrain = (deployment.monitor or {}).get("retrain")
    session = uow.session
    if not retrain or check.episode_id is None or repo.episode_run(session, deployment.id, check.episode_id):
        return
    last = repo.last_retrain(session, deployment.id)
    cooldown = timedelta(seconds=int(retrain.get("cooldown_seconds") or 0))
    if last is not None and check.at - last.at < cooldown:
        check.retrain_note = (f"cooldown: run {last.run_id} was submitted at {last.at.isoformat()}; "
                              f"no retrain before {(last.at + cooldown).isoformat()}")
        return
    principal = acting_principal(session, deployment.monitor_by) if deployment.monitor_by else None
    if principal is None or principal.workspace_id != deployment.workspace_id:
        check.retrain_note = ("the principal that set monitor.retrain was disabled, revoked or deleted; "
                              "set it again as one that may run the endpoint")
        return
    trigger = {"id": deployment.id, "name": deployment.name, "kind": "drift", "check": check.episode_id}
    try:
        require(principal.scopes, Scope.runs_write, "A retrain on drift")
        run = endpoints.retrain(uow, settings, principal, str(retrain["endpoint"]),
                                EndpointRunRequest(parameters=retrain.get("parameters") or {}), trigger=trigger)
    except (InvalidInput, Forbidden, Conflict, NotFound) as exc:
        check.retrain_note = f"the retrain was refused ({exc.status}): {exc.detail}"[:2000]
        return
    check.run_id = run.id
    log.info("deployment %s drifted: retrain run %s submitted", deployment.name, run.id)


# Reading checks ---------------------------------------------------------------------------


def to_out(check: DriftCheck) -> DriftCheckOut:
    result = check.result or {}
    prediction = result.get("prediction")
    return DriftCheckOut(
        id=check.id, at=check.at, version=check.version, rows=check.rows, enough_rows=check.enough_rows,
        drifted=check.drifted, episode_started=check.episode_id == check.id, episode_id=check.episode_id,
        columns=[DriftColumn.model_validate(c) for c in result.get("columns") or []],
        prediction=DriftColumn.model_validate(prediction) if prediction else None,
        since=result.get("since"), until=result.get("until"),
        message=result.get("message"), run_id=check.run_id, retrain_note=check.retrain_note)


def checks_page(session: Session, deployment: Deployment, page: PageRequest) -> DriftCheckPage:
    rows = repo.checks_page(session, deployment.id, page)
    return DriftCheckPage.of(rows, page, to_out, key=lambda c: c.id)
