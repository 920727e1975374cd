"""Firing triggers: each schedule slot and each data change once, submitted or skipped.

Exactly once, without a lock held in memory: a firing is a row whose unique
(trigger, key) constraint lets one scheduler win; the firing, its run and the run's
message (the outbox) commit in one transaction. A scheduler killed before that commit
leaves nothing (the slot is fired on restart); after it, the outbox sends the run,
however long the broker is away. Every function takes `now`: the tests move the clock.

A firing is submitted through the same service as POST /endpoints/{id}/runs, acting for
the trigger's creator with the rights it holds at that moment.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.auth.challenge import require
from app.auth.scopes import Scope
from app.auth.service import Principal, acting_principal
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.settings import Settings
from app.db.retry import retrying
from app.db.tables import Trigger, TriggerFiring
from app.db.unit_of_work import UnitOfWork
from app.endpoints import service as endpoints
from app.endpoints.schemas import EndpointRunRequest
from app.runs import service as runs
from app.runtime import Runtime
from app.triggers import repository as repo
from app.triggers import slots
from app.triggers.service import schedule_of
from app.webhooks import events

log = logging.getLogger("retrainer.triggers")

# A slot this late (and less than half-way to the next one) is still fired as on time (a
# busy scheduler); later, it was missed (the scheduler was down): the catch-up policy decides.
ON_TIME = timedelta(seconds=60)
BATCH = 100
ACTIVE = ("queued", "running")


def data_key(path: str, sha256: str) -> str:
    return hashlib.sha256(f"{path}\0{sha256}".encode()).hexdigest()


def slot_key(slot: datetime) -> str:
    return slot.isoformat()


@dataclass(frozen=True)
class Plan:
    """What a schedule does at `now`: fire (or skip, with a reason) its newest due slot."""

    slot: datetime | None
    skip_reason: str | None
    next_fire_at: datetime


def plan(schedule: slots.Schedule, catchup: str, next_fire_at: datetime, now: datetime) -> Plan:
    """The decision for the slots of [next_fire_at, now]: the newest fires if it is on
    time; a missed one (the scheduler was down) fires with catchup `latest`, and is
    recorded as skipped with `skip`. Older missed slots never fire."""
    due = slots.due(schedule, next_fire_at - timedelta(microseconds=1), now)
    following = slots.next_after(schedule, now)
    if due.newest is None:
        return Plan(None, None, following)
    grace = min(ON_TIME, (following - due.newest) / 2)
    if now - due.newest <= grace or catchup == "latest":
        return Plan(due.newest, None, following)
    return Plan(due.newest, f"caught up: the scheduler was not running at this slot ({due.count} slot(s) "
                            "missed); catchup 'skip' runs none of them", following)


# Deciding and submitting one firing -------------------------------------------------------


def skip(firing: TriggerFiring, reason: str) -> None:
    """Every skipped firing passes here (a `trigger.skipped` event belongs here)."""
    firing.outcome, firing.reason = "skipped", reason[:2000]
    log.info("trigger %s skipped a firing: %s", firing.trigger_id, reason)


def _principal(session: Session, trigger: Trigger, firing: TriggerFiring) -> Principal | None:
    principal = acting_principal(session, trigger.created_by)
    if principal is None or principal.workspace_id != trigger.workspace_id:
        skip(firing, "creator revoked: the user or service principal that created the trigger was disabled, "
                     "revoked or deleted; recreate the trigger as a principal that may run it")
        return None
    try:
        require(principal.scopes, Scope.runs_write, "The trigger's runs")
    except Forbidden as exc:
        skip(firing, f"forbidden: {exc.detail}")
        return None
    return principal


def _info(trigger: Trigger, firing: TriggerFiring) -> dict[str, Any]:
    info: dict[str, Any] = {"id": trigger.id, "name": trigger.name, "kind": trigger.kind}
    if firing.slot is not None:
        info["slot"] = firing.slot.isoformat()
    if firing.path is not None:
        info["path"] = firing.path
    return info


def submit(uow: UnitOfWork, settings: Settings, trigger: Trigger, firing: TriggerFiring) -> None:
    """Submits the firing's run in `uow` (or records why not), as its creator would."""
    principal = _principal(uow.session, trigger, firing)
    endpoint = endpoints.find(uow.session, trigger.workspace_id, trigger.endpoint_id)
    if principal is None:
        return
    if endpoint is None or not endpoint.enabled:
        skip(firing, "endpoint disabled: enable it with PATCH /endpoints/{id} {\"enabled\": true}")
        return
    parameters = dict(trigger.parameters)
    if trigger.kind == "data" and trigger.parameter is not None:
        parameters[trigger.parameter] = firing.path
    body = EndpointRunRequest(parameters=parameters, version=trigger.version, experiment=trigger.experiment)
    try:
        run = endpoints.retrain(uow, settings, principal, endpoint.id, body, trigger=_info(trigger, firing))
    except InvalidInput as exc:
        problems = "; ".join(f"{'.'.join(map(str, p.get('loc', [])))}: {p.get('msg')}" for p in exc.errors or [])
        skip(firing, f"the run request was refused (422): {exc.detail}" + (f": {problems}" if problems else ""))
        return
    except Forbidden as exc:
        skip(firing, f"forbidden: {exc.detail}")
        return
    except Conflict:
        skip(firing, "endpoint disabled: enable it with PATCH /endpoints/{id} {\"enabled\": true}")
        return
    except NotFound as exc:
        skip(firing, f"the run request was refused (404): {exc.detail}")
        return
    firing.outcome, firing.run_id = "submitted", run.id


def decide(uow: UnitOfWork, settings: Settings, trigger: Trigger, firing: TriggerFiring,
           check_overlap: bool = True) -> None:
    """The overlap policy, then the submission."""
    if not check_overlap:
        submit(uow, settings, trigger, firing)
        return
    previous = repo.last_run_id(uow.session, trigger.id)
    status = runs.statuses(uow.session, trigger.workspace_id, [previous]).get(previous) if previous else None
    if status in ACTIVE and trigger.overlap != "allow":
        if trigger.overlap == "queue" and not repo.has_waiting(uow.session, trigger.id):
            firing.outcome = "waiting"
            return
        waits = " and another firing already waits for it" if trigger.overlap == "queue" else ""
        skip(firing, f"overlap: the trigger's previous run {previous} is still {status}{waits}")
        return
    submit(uow, settings, trigger, firing)


def fire(uow: UnitOfWork, settings: Settings, trigger: Trigger, firing: TriggerFiring,
         skip_reason: str | None = None, check_overlap: bool = True) -> bool:
    """Records the firing, decided, in `uow`; False when it was fired already (nothing done)."""
    if not repo.claim(uow.session, firing):
        return False
    if skip_reason is not None:
        skip(firing, skip_reason)
    else:
        decide(uow, settings, trigger, firing, check_overlap)
    record(uow, trigger, firing)
    return True


def record(uow: UnitOfWork, trigger: Trigger, firing: TriggerFiring) -> None:
    """Writes the decided firing; a skipped one is the `trigger.skipped` event, in the same
    transaction (webhooks hear of it once it is committed, and only then)."""
    uow.session.add(firing)
    if firing.outcome == "skipped":
        events.emit(uow, trigger.workspace_id, "trigger.skipped", lambda: {
            "trigger": _info(trigger, firing), "endpoint_id": trigger.endpoint_id, "reason": firing.reason,
            "at": firing.at})


# The scheduler's passes -------------------------------------------------------------------


def fire_schedules(runtime: Runtime, now: datetime) -> int:
    """Fires every schedule whose slot is due; returns how many firings it recorded."""
    with runtime.read_session() as session:
        due = repo.due(session, "schedule", now, BATCH)
    fired = 0
    for trigger_id in due:
        try:
            fired += retrying(lambda trigger_id=trigger_id: fire_schedule(runtime, trigger_id, now),  # type: ignore[misc]
                              what="trigger firing")
        except Exception:  # one trigger that fails does not hold the others back
            log.warning("trigger %s could not fire", trigger_id, exc_info=True)
    return fired


def fire_schedule(runtime: Runtime, trigger_id: str, now: datetime) -> int:
    with runtime.unit_of_work() as uow:
        trigger = repo.by_id(uow.session, trigger_id)
        if trigger is None or not trigger.enabled or trigger.next_fire_at is None or trigger.next_fire_at > now:
            return 0
        decision = plan(schedule_of(trigger), trigger.catchup, trigger.next_fire_at, now)
        if not repo.move_on(uow.session, trigger.id, trigger.next_fire_at, decision.next_fire_at):
            uow.rollback()
            return 0  # another scheduler took this slot
        if decision.slot is None:
            return 0
        firing = TriggerFiring(trigger_id=trigger.id, key=slot_key(decision.slot), at=now, slot=decision.slot,
                               outcome="submitted")
        if not fire(uow, runtime.settings, trigger, firing, decision.skip_reason):
            uow.rollback()
            return 0
        return 1


def release_waiting(runtime: Runtime, now: datetime) -> int:
    """Submits the firings that wait (overlap `queue`) once their trigger's previous run ended."""
    with runtime.read_session() as session:
        waiting = [f.id for f in repo.waiting(session, BATCH)]
    return sum(retrying(lambda firing_id=firing_id: _release(runtime, firing_id), what="trigger firing")  # type: ignore[misc]
               for firing_id in waiting)


def _release(runtime: Runtime, firing_id: str) -> int:
    with runtime.unit_of_work() as uow:
        firing = uow.session.get(TriggerFiring, firing_id)
        trigger = repo.by_id(uow.session, firing.trigger_id) if firing is not None else None
        if firing is None or trigger is None or firing.outcome != "waiting":
            return 0
        previous = repo.last_run_id(uow.session, trigger.id)
        if previous and runs.statuses(uow.session, trigger.workspace_id, [previous]).get(previous) in ACTIVE:
            return 0
        if not repo.take_waiting(uow.session, firing.id):
            uow.rollback()
            return 0  # another scheduler released it
        if not trigger.enabled:
            skip(firing, "trigger disabled: it was paused while this firing waited for the previous run")
        else:
            submit(uow, runtime.settings, trigger, firing)
        record(uow, trigger, firing)
        return 1
