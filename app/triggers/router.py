"""Routes: an endpoint's triggers (schedules and data watches) and their firings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from app.auth.deps import TriggersRead, TriggersWrite
from app.triggers import service
from app.triggers.schemas import FiringPage, TriggerCreate, TriggerOut, TriggerPage, TriggerPatch
from app.web.deps import PageDep, ReaderDep, SettingsDep, UnitOfWorkDep
from app.web.problems import ProblemDetails

router = APIRouter(tags=["triggers"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"model": ProblemDetails, "description": "Unknown endpoint or trigger"},
    409: {"model": ProblemDetails, "description": "A trigger of that name exists"},
    422: {"model": ProblemDetails, "description": "Invalid trigger; every problem listed in `errors`"}}


@router.post("/endpoints/{endpoint}/triggers", operation_id="create_trigger", status_code=201,
             response_model=TriggerOut, responses=_PROBLEMS,
             summary="Start runs of the endpoint on a schedule or when new data arrives")
def create_trigger(endpoint: str, body: TriggerCreate, principal: TriggersWrite, uow: UnitOfWorkDep,
                   settings: SettingsDep, response: Response) -> TriggerOut:
    trigger = service.create(uow.session, settings, principal, endpoint, body)
    response.headers["Location"] = f"/triggers/{trigger.id}"
    return service.to_out(uow.session, trigger)


@router.get("/endpoints/{endpoint}/triggers", operation_id="list_triggers", response_model=TriggerPage,
            summary="List an endpoint's triggers")
def list_triggers(endpoint: str, principal: TriggersRead, session: ReaderDep, page: PageDep) -> TriggerPage:
    return service.list_page(session, principal, endpoint, page)


@router.get("/triggers/{trigger_id}", operation_id="get_trigger", response_model=TriggerOut,
            summary="Get a trigger, with its next slot and its last firing")
def get_trigger(trigger_id: str, principal: TriggersRead, session: ReaderDep) -> TriggerOut:
    return service.to_out(session, service.get(session, principal, trigger_id))


@router.patch("/triggers/{trigger_id}", operation_id="update_trigger", response_model=TriggerOut,
              responses=_PROBLEMS, summary="Pause, resume or change a trigger")
def update_trigger(trigger_id: str, body: TriggerPatch, principal: TriggersWrite, uow: UnitOfWorkDep,
                   settings: SettingsDep) -> TriggerOut:
    return service.to_out(uow.session, service.patch(uow.session, settings, principal, trigger_id, body))


@router.delete("/triggers/{trigger_id}", operation_id="delete_trigger", status_code=204,
               summary="Delete a trigger (its runs keep naming it)")
def delete_trigger(trigger_id: str, principal: TriggersWrite, uow: UnitOfWorkDep) -> Response:
    service.delete(uow.session, principal, trigger_id)
    return Response(status_code=204)


@router.get("/triggers/{trigger_id}/firings", operation_id="list_trigger_firings", response_model=FiringPage,
            summary="A trigger's firings, newest first: submitted (with the run) or skipped (with the reason)")
def list_firings(trigger_id: str, principal: TriggersRead, session: ReaderDep, page: PageDep) -> FiringPage:
    return service.firings_page(session, principal, trigger_id, page)
