"""Routes: runs, their step logs and outputs (contract section 6)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, PlainTextResponse

from app.auth.deps import requires
from app.auth.scopes import Scope
from app.core import artifacts
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import NotFound
from app.core.pagination import PageParams, encode_cursor, page_params
from app.runs import repository as repo
from app.runs import service
from app.runs.schemas import OutputList, OutputOut, RunOut, RunPage

router = APIRouter(tags=["runs"])

RunsRead = requires(Scope.runs_read)
RunsWrite = requires(Scope.runs_write)

RunStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]


@router.get("/runs", operation_id="list_runs", response_model=RunPage,
            summary="List runs, newest first")
def list_runs(principal: RunsRead, session: SessionDep,
              page: Annotated[PageParams, Depends(page_params)],
              status: RunStatus | None = None,
              pipeline_id: Annotated[str | None, Query(max_length=40)] = None,
              endpoint_id: Annotated[str | None, Query(max_length=40)] = None,
              experiment: Annotated[str | None, Query(max_length=100)] = None):
    rows = repo.list_runs(session, principal.workspace_id, status=status, pipeline_id=pipeline_id,
                          endpoint_id=endpoint_id, experiment=experiment, before_id=page.after_id,
                          limit=page.limit)
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    steps = repo.steps_for(session, [r.id for r in rows])
    return RunPage(items=[service.to_out(r, steps[r.id]) for r in rows],
                   next_cursor=encode_cursor(rows[-1].id) if more and rows else None)


@router.get("/runs/{run_id}", operation_id="get_run", response_model=RunOut, summary="Get a run")
def get_run(run_id: str, principal: RunsRead, session: SessionDep):
    run = service.get_run(session, principal, run_id)
    return service.to_out(run, repo.steps(session, run.id))


@router.post("/runs/{run_id}/cancel", operation_id="cancel_run", response_model=RunOut,
             summary="Cancel a queued or running run")
def cancel_run(run_id: str, principal: RunsWrite, session: SessionDep):
    run = service.cancel_run(session, principal, run_id)
    return service.to_out(run, repo.steps(session, run.id))


@router.get("/runs/{run_id}/steps/{step}/logs", operation_id="get_step_log",
            response_class=PlainTextResponse, summary="A step's log, as text",
            responses={200: {"content": {"text/plain": {}}}})
def get_step_log(run_id: str, step: str, principal: RunsRead, session: SessionDep, settings: SettingsDep):
    run = service.get_run(session, principal, run_id)
    if step not in {s.name for s in repo.steps(session, run.id)}:
        raise NotFound(f"run {run_id} has no step {step!r}")
    path = artifacts.step_log_path(settings, run.workspace_id, run.id, step)
    text = path.read_text(errors="replace") if path.exists() else ""
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


def _output_out(run_id: str, out) -> OutputOut:
    return OutputOut(step=out.step, port=out.port, type=out.type, media_type=out.media_type,
                     size=out.size, sha256=out.sha256, url=f"/runs/{run_id}/outputs/{out.step}/{out.port}")


@router.get("/runs/{run_id}/outputs", operation_id="list_run_outputs", response_model=OutputList,
            summary="Every stored output of every step")
def list_run_outputs(run_id: str, principal: RunsRead, session: SessionDep):
    run = service.get_run(session, principal, run_id)
    return OutputList(items=[_output_out(run.id, o) for o in repo.outputs(session, run.id)])


@router.get("/runs/{run_id}/outputs/{step}/{port}", operation_id="download_run_output",
            response_class=FileResponse, summary="Download one output (checked against its sha256)",
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_run_output(run_id: str, step: str, port: str, principal: RunsRead, session: SessionDep,
                        settings: SettingsDep):
    run = service.get_run(session, principal, run_id)
    out = repo.output(session, run.id, step, port)
    if out is None:
        raise NotFound(f"run {run_id} has no output {step}.{port}")
    path = service.verified_artifact(settings, out.path, out.sha256)
    return FileResponse(path, media_type=out.media_type,
                        filename=f"{run.id}-{step}-{port}{path.suffix}",
                        headers={"X-Content-SHA256": out.sha256})
