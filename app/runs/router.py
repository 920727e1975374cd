"""Routes: runs, their step logs and outputs (contract section 6)."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from sqlmodel import Session

from app.auth.deps import requires
from app.auth.scopes import Scope
from app.core import artifacts
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import NotFound
from app.core.pagination import PageParams, encode_cursor, page_params
from app.db.engine import get_engine
from app.runs import repository as repo
from app.runs import service, states
from app.runs.schemas import OutputList, OutputOut, RerunRequest, RunOut, RunPage

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


@router.get(
    "/runs/{run_id}", operation_id="get_run", response_model=RunOut,
    summary="Get a run; ?wait=N long-polls instead of busy polling",
    description=(
        "Without `wait`, answers at once. With `wait=N` (seconds, at most 60) and an "
        "`If-None-Match` header holding the ETag of the representation you have, answers as soon "
        "as the run changes (200, new ETag), or 304 Not Modified after N seconds. With `wait` and "
        "no `If-None-Match`, answers when the run is finished or after N seconds."),
    responses={200: {"headers": {"ETag": {"schema": {"type": "string"},
                                          "description": "Send it back in If-None-Match to wait for a change"}}},
               304: {"description": "Not modified within `wait` seconds",
                     "headers": {"ETag": {"schema": {"type": "string"}}}}},
)
async def get_run(run_id: str, principal: RunsRead,
                  wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for a change")] = 0,
                  if_none_match: Annotated[str | None, Header(
                      alias="If-None-Match", description="ETag of the representation you have")] = None):
    deadline = time.monotonic() + wait
    while True:
        out = await run_in_threadpool(_read_run, principal, run_id)
        etag = service.etag_of(out)
        changed = if_none_match is None or not service.etag_matches(if_none_match, etag)
        finished = out.status in states.TERMINAL
        if (changed and (if_none_match is not None or finished or wait == 0)) or time.monotonic() >= deadline:
            break
        await asyncio.sleep(service.LONG_POLL_INTERVAL)
    if not changed:
        return Response(status_code=304, headers={"ETag": etag})
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag})


def _read_run(principal, run_id: str) -> RunOut:
    with Session(get_engine(), expire_on_commit=False) as session:
        run = service.get_run(session, principal, run_id)
        return service.to_out(run, repo.steps(session, run.id))


@router.post("/runs/{run_id}/rerun", operation_id="rerun", status_code=202, response_model=RunOut,
             summary="Run the same pipeline version again; unchanged steps reuse their outputs")
def rerun(run_id: str, body: RerunRequest, principal: RunsWrite, session: SessionDep, settings: SettingsDep,
          response: Response):
    run = service.rerun(session, settings, principal, run_id, body)
    response.headers["Location"] = f"/runs/{run.id}"
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
    session.commit()
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
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_run_output(run_id: str, step: str, port: str, principal: RunsRead, session: SessionDep,
                        settings: SettingsDep):
    run = service.get_run(session, principal, run_id)
    out = repo.output(session, run.id, step, port)
    if out is None:
        raise NotFound(f"run {run_id} has no output {step}.{port}")
    session.commit()  # no transaction open while the file streams
    path = service.verified_artifact(settings, out.path, out.sha256)
    return FileResponse(path, media_type=out.media_type,
                        filename=f"{run.id}-{step}-{port}{path.suffix}",
                        headers={"X-Content-SHA256": out.sha256})
