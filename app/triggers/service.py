"""Trigger logic: create (every problem at once), read, change, pause and resume, delete.

The firings themselves are `app.triggers.firing`'s; this module computes when a
schedule fires next whenever its definition or its state changes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.auth.challenge import require
from app.auth.scopes import Scope
from app.auth.service import Principal
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, Problem
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.datastores import service as datastores
from app.db.tables import Endpoint, Trigger, TriggerFiring
from app.endpoints import service as endpoints
from app.pipelines.spec import PipelineSpec
from app.runs import service as runs
from app.storage import keys
from app.triggers import repository as repo
from app.triggers import slots
from app.triggers.schemas import (
    FiringOut,
    FiringPage,
    TriggerCreate,
    TriggerOut,
    TriggerPage,
    TriggerPatch,
)

WATCH_RE = re.compile(r"^datastore://([A-Za-z0-9][A-Za-z0-9_\-]{0,63})/(.*)$")
SCHEDULE_ONLY = ("cron", "every_seconds")
DATA_ONLY = ("watch", "parameter", "debounce_seconds")


def parse_watch(value: str) -> tuple[str, str] | str:
    """(datastore, prefix) of a watched folder, or what is wrong with it."""
    match = WATCH_RE.match(value)
    if match is None:
        return "write the folder to watch as 'datastore://<datastore>/<prefix>/'"
    name, prefix = match.group(1), match.group(2)
    if prefix and not prefix.endswith("/"):
        return f"a watched folder ends with '/': 'datastore://{name}/{prefix}/'"
    if prefix:
        found = keys.problem(prefix.rstrip("/"))
        if found is not None:
            return f"the folder cannot be watched: {found}"
    return name, prefix


def schedule_of(trigger: Trigger) -> slots.Schedule:
    return slots.Schedule(cron=trigger.cron, timezone=trigger.timezone, every_seconds=trigger.every_seconds,
                          anchor=trigger.anchor_at)


def first_fire_at(trigger: Trigger, now: datetime) -> datetime | None:
    """When an enabled trigger next acts, from `now`: its next slot (slots before `now`, a
    pause's included, never fire), or at once for a data trigger; None when paused."""
    if not trigger.enabled:
        return None
    if trigger.kind == "schedule":
        return slots.next_after(schedule_of(trigger), now)
    return now


# Checks -------------------------------------------------------------------------------------


def _loc(field: str, *more: str) -> list[str | int]:
    return ["body", field, *more]


def _problems(session: Session, settings: Settings, principal: Principal, endpoint: Endpoint,
              trigger: Trigger, given: set[str]) -> list[Problem]:
    """Every problem of the trigger's definition, each with its `loc`."""
    problems: list[Problem] = []
    least = settings.min_trigger_seconds
    if trigger.kind == "schedule":
        for name in DATA_ONLY:
            if name in given and getattr(trigger, name) is not None:
                problems.append({"loc": _loc(name), "msg": "only data triggers take this field; remove it"})
        if (trigger.cron is None) == (trigger.every_seconds is None):
            problems.append({"loc": _loc("cron"), "msg": "a schedule takes either `cron` (with `timezone`) "
                                                         "or `every_seconds`, exactly one"})
        if trigger.cron is not None and (found := slots.cron_problem(trigger.cron)) is not None:
            problems.append({"loc": _loc("cron"), "msg": found})
        if (found := slots.timezone_problem(trigger.timezone)) is not None:
            problems.append({"loc": _loc("timezone"), "msg": found})
        if trigger.every_seconds is not None and trigger.every_seconds < least:
            problems.append({"loc": _loc("every_seconds"),
                             "msg": f"at least {least} (RETRAINER_MIN_TRIGGER_SECONDS)"})
    else:
        for name in SCHEDULE_ONLY:
            if name in given and getattr(trigger, name) is not None:
                problems.append({"loc": _loc(name), "msg": "only schedules take this field; remove it"})
        if trigger.debounce_seconds is not None and trigger.debounce_seconds < least:
            problems.append({"loc": _loc("debounce_seconds"),
                             "msg": f"at least {least} (RETRAINER_MIN_TRIGGER_SECONDS)"})
        if trigger.watch is None:
            problems.append({"loc": _loc("watch"), "msg": "field required: the folder to watch, "
                                                          "'datastore://<datastore>/<prefix>/'"})
        else:
            parsed = parse_watch(trigger.watch)
            if isinstance(parsed, str):
                problems.append({"loc": _loc("watch"), "msg": parsed})
            elif parsed[0] not in (names := datastores.known_names(session, principal.workspace_id)
                                   | {datastores.DEFAULT}):
                problems.append({"loc": _loc("watch"), "msg": f"no datastore named {parsed[0]!r} in this "
                                                              f"workspace; datastores: {', '.join(sorted(names))}"})
        if trigger.parameter is None:
            problems.append({"loc": _loc("parameter"), "msg": "field required: the data_path parameter that "
                                                              "receives the new file's URI"})
    problems.extend(_run_problems(session, settings, principal, endpoint, trigger))
    return problems


def _run_problems(session: Session, settings: Settings, principal: Principal, endpoint: Endpoint,
                  trigger: Trigger) -> list[Problem]:
    """What the run request of a firing would be refused for (its version, parameters and data
    paths; the watched file's parameter is filled in at each firing)."""
    number = trigger.version or endpoint.default_version
    if number is None:
        return [{"loc": _loc("version"), "msg": f"endpoint {endpoint.name!r} has no published version yet; "
                                               "publish one first"}]
    try:
        version = endpoints.get_version(session, endpoint, number)
    except NotFound as exc:
        return [{"loc": _loc("version"), "msg": exc.detail}]
    spec = PipelineSpec.model_validate(version.definition)
    problems: list[Problem] = []
    parameter = trigger.parameter if trigger.kind == "data" else None
    if parameter is not None:
        declared = spec.parameters.get(parameter)
        if declared is None:
            problems.append({"loc": _loc("parameter"), "msg": f"version {number} has no parameter {parameter!r}; "
                                                              f"its parameters: {', '.join(sorted(spec.parameters))}"})
        elif declared.type != "data_path":
            problems.append({"loc": _loc("parameter"), "msg": f"parameter {parameter!r} is a {declared.type}, "
                                                              "not a data_path: it cannot receive a file's URI"})
    given = dict(trigger.parameters)
    given.pop(parameter or "", None)
    try:
        runs.check_submission(session, settings, principal, spec, given)
    except InvalidInput as exc:
        for found in exc.errors or []:
            loc = list(found.get("loc", []))
            if parameter is not None and loc[-1:] == [parameter]:
                continue  # filled in with the new file at each firing
            problems.append(found)
    return problems


def _check(session: Session, settings: Settings, principal: Principal, endpoint: Endpoint, trigger: Trigger,
           given: set[str]) -> None:
    # A trigger runs with its creator's rights: creating one needs the right to run.
    require(principal.scopes, Scope.runs_write, "A trigger, which starts runs,")
    problems = _problems(session, settings, principal, endpoint, trigger, given)
    if problems:
        raise InvalidInput(f"the trigger has {len(problems)} problem(s)", errors=problems)


# Routes' work -------------------------------------------------------------------------------


def create(session: Session, settings: Settings, principal: Principal, endpoint_ref: str,
           body: TriggerCreate) -> Trigger:
    endpoint = endpoints.get(session, principal, endpoint_ref)
    now = utcnow()
    fields = body.model_dump()
    if body.kind == "data" and body.debounce_seconds is None:
        fields["debounce_seconds"] = settings.min_trigger_seconds
    trigger = Trigger(workspace_id=principal.workspace_id, endpoint_id=endpoint.id, created_by=principal.id,
                      anchor_at=now, created_at=now, updated_at=now, **fields)
    _check(session, settings, principal, endpoint, trigger, body.model_fields_set)
    if repo.by_name(session, endpoint.id, body.name) is not None:
        raise Conflict(f"endpoint {endpoint.name!r} already has a trigger named {body.name!r}")
    trigger.next_fire_at = first_fire_at(trigger, now)
    try:
        with session.begin_nested():
            session.add(trigger)
    except IntegrityError as exc:  # created concurrently
        raise Conflict(f"endpoint {endpoint.name!r} already has a trigger named {body.name!r}") from exc
    return trigger


def get(session: Session, principal: Principal, trigger_id: str) -> Trigger:
    trigger = repo.get(session, principal.workspace_id, trigger_id)
    if trigger is None:
        raise NotFound(f"no trigger {trigger_id!r} in this workspace")
    return trigger


def patch(session: Session, settings: Settings, principal: Principal, trigger_id: str,
          body: TriggerPatch) -> Trigger:
    trigger = get(session, principal, trigger_id)
    given = body.model_fields_set
    nulls = [name for name in given if getattr(body, name) is None and name not in ("cron", "every_seconds")]
    if nulls:
        raise InvalidInput("these fields cannot be null", errors=[
            {"loc": _loc(name), "msg": "give a value, or leave the field out"} for name in sorted(nulls)])
    was_enabled, old_schedule = trigger.enabled, schedule_of(trigger)
    for name in given:
        setattr(trigger, name, getattr(body, name))
    if trigger.kind == "schedule" and "cron" in given and body.cron is not None and "every_seconds" not in given:
        trigger.every_seconds = None  # a cron replaces an interval
    if trigger.kind == "schedule" and "every_seconds" in given and body.every_seconds is not None \
            and "cron" not in given:
        trigger.cron = None
    endpoint = endpoints.get(session, principal, trigger.endpoint_id)
    _check(session, settings, principal, endpoint, trigger, given)
    # Whoever changes a trigger answers for its runs from now on: they act with that
    # principal's rights (a user with fewer rights cannot borrow the creator's).
    trigger.created_by = principal.id
    now = utcnow()
    # Resuming starts from now (the pause's slots never fire); so does a new schedule.
    if not trigger.enabled:
        trigger.next_fire_at = None
    elif not was_enabled or schedule_of(trigger) != old_schedule:
        if trigger.every_seconds is not None and schedule_of(trigger) != old_schedule:
            trigger.anchor_at = now
        trigger.next_fire_at = first_fire_at(trigger, now)
    trigger.updated_at = now
    session.add(trigger)
    return trigger


def delete(session: Session, principal: Principal, trigger_id: str) -> None:
    repo.delete_trigger(session, get(session, principal, trigger_id))


# Rendering ----------------------------------------------------------------------------------


def firing_out(firing: TriggerFiring) -> FiringOut:
    return FiringOut(id=firing.id, at=firing.at, slot=firing.slot, path=firing.path, sha256=firing.sha256,
                     outcome=firing.outcome,
                     reason=firing.reason, run_id=firing.run_id)


def _out(trigger: Trigger, last: TriggerFiring | None) -> TriggerOut:
    fields: dict[str, Any] = {name: getattr(trigger, name) for name in TriggerOut.model_fields
                              if name not in ("last_firing", "next_fire_at")}
    next_fire_at = trigger.next_fire_at if trigger.kind == "schedule" else None
    return TriggerOut(**fields, next_fire_at=next_fire_at, last_firing=firing_out(last) if last else None)


def to_out(session: Session, trigger: Trigger) -> TriggerOut:
    return _out(trigger, repo.last_firings(session, [trigger.id]).get(trigger.id))


def list_page(session: Session, principal: Principal, endpoint_ref: str, page: PageRequest) -> TriggerPage:
    endpoint = endpoints.get(session, principal, endpoint_ref)
    rows = repo.page(session, endpoint.id, page)
    last = repo.last_firings(session, [r.id for r in rows])
    return TriggerPage.of(rows, page, lambda r: _out(r, last.get(r.id)), key=lambda r: r.id)


def firings_page(session: Session, principal: Principal, trigger_id: str, page: PageRequest) -> FiringPage:
    trigger = get(session, principal, trigger_id)
    return FiringPage.of(repo.firings_page(session, trigger.id, page), page, firing_out, key=lambda r: r.id)

