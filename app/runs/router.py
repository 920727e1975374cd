"""Routes: runs (of drafts, reruns), waiting for them, their step logs and outputs."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse

from app.auth.deps import RunsRead, RunsWrite
from app.core.preview import Preview
from app.runs import idempotency, service
from app.runs.schemas import OutputList, OutputOut, RerunRequest, RunOut, RunPage, RunRequest
from app.runs.states import RunStatus
from app.runs.watchers import RunWatchers
from app.web.deps import AsyncEngineDep, PageDep, ReaderDep, RuntimeDep, SettingsDep, UnitOfWorkDep
from app.web.files import verified_file

router = APIRouter(tags=["runs"])


async def run_watchers(request: Request) -> RunWatchers:
    watchers: RunWatchers = request.app.state.run_watchers
    return watchers


RunWatchersDep = Annotated[RunWatchers, Depends(run_watchers)]


@router.post("/pipelines/{pipeline_id}/runs", operation_id="run_pipeline", status_code=202,
             response_model=RunOut, summary="Run a draft pipeline")
async def run_pipeline(pipeline_id: str, body: RunRequest, principal: RunsWrite, runtime: RuntimeDep,
                       engine: AsyncEngineDep) -> JSONResponse:
    create = service.draft_creator(runtime.settings, principal, pipeline_id, body)
    response, _ = await idempotency.respond_once(runtime, engine, principal.workspace_id, principal.id, None, "",
                                                 create)
    return JSONResponse(response.body, status_code=response.status_code, headers=response.headers)


@router.get("/runs", operation_id="list_runs", response_model=RunPage, summary="List runs, newest first")
async def list_runs(principal: RunsRead, engine: AsyncEngineDep, page: PageDep, settings: SettingsDep,
              status: RunStatus | None = None,
              pipeline_id: Annotated[str | None, Query(max_length=40)] = None,
              endpoint_id: Annotated[str | None, Query(max_length=40)] = None,
              experiment: Annotated[str | None, Query(max_length=100)] = None,
              trigger_id: Annotated[str | None, Query(max_length=40, description="Runs this trigger started")] = None,
              ) -> RunPage:
    filters = service.RunFilters(status=status, pipeline_id=pipeline_id, endpoint_id=endpoint_id,
                                 experiment=experiment, trigger_id=trigger_id)
    return await service.read_page(engine, settings, principal, filters, page)


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
async def get_run(run_id: str, principal: RunsRead, engine: AsyncEngineDep, watchers: RunWatchersDep,
                  wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for a change")] = 0,
                  if_none_match: Annotated[str | None, Header(
                      alias="If-None-Match", description="ETag of the representation you have")] = None) -> Response:
    deadline = time.monotonic() + wait
    with watchers.watching(run_id) as woken:
        while True:
            woken.clear()  # before the read: a change announced after it wakes the wait below
            revision, out = await service.read(engine, principal, run_id)
            body = out.model_dump_json().encode()  # once, for the ETag and the body
            etag = service.etag_of_json(body)
            changed = if_none_match is None or not service.etag_matches(if_none_match, etag)
            finished = RunStatus(out.status).is_finished
            if (changed and (if_none_match is not None or finished or wait == 0)) or time.monotonic() >= deadline:
                break
            # Woken by an announcement of a change (app.runs.watchers); the run is rendered
            # again only once its revision moved.
            while time.monotonic() < deadline:
                await watchers.pause(woken, deadline - time.monotonic())
                woken.clear()
                if await service.revision_of(engine, principal, run_id) != revision:
                    break
    if not changed:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


@router.post("/runs/{run_id}/rerun", operation_id="rerun", status_code=202, response_model=RunOut,
             summary="Run the same pipeline version again; unchanged steps reuse their outputs")
def rerun(run_id: str, body: RerunRequest, principal: RunsWrite, uow: UnitOfWorkDep, settings: SettingsDep,
          response: Response) -> RunOut:
    run = service.rerun(uow, settings, principal, run_id, body)
    response.headers["Location"] = f"/runs/{run.id}"
    return service.render(uow.session, run)


@router.post("/runs/{run_id}/cancel", operation_id="cancel_run", response_model=RunOut,
             summary="Cancel a queued or running run")
def cancel_run(run_id: str, principal: RunsWrite, uow: UnitOfWorkDep, runtime: RuntimeDep) -> RunOut:
    return service.render(uow.session, service.cancel(uow, runtime.queue, principal, run_id), principal)


@router.get("/runs/{run_id}/steps/{step}/logs", operation_id="get_step_log",
            response_class=PlainTextResponse, summary="A step's log, as text",
            responses={200: {"content": {"text/plain": {}}}})
def get_step_log(run_id: str, step: str, principal: RunsRead, session: ReaderDep,
                 settings: SettingsDep) -> PlainTextResponse:
    text = service.step_log(session, settings, principal, run_id, step)
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


@router.get("/runs/{run_id}/outputs", operation_id="list_run_outputs", response_model=OutputList,
            summary="Every stored output of every step")
def list_run_outputs(run_id: str, principal: RunsRead, session: ReaderDep) -> OutputList:
    run, outs = service.outputs(session, principal, run_id)
    return OutputList(items=[
        OutputOut(step=o.step, port=o.port, type=o.type, media_type=o.media_type, size=o.size, sha256=o.sha256,
                  url=f"/runs/{run.id}/outputs/{o.step}/{o.port}") for o in outs])


# What each port type is sent as (worker.executor stores them so): the JSON of metrics is
# declared as what it is, an object, so that a client (and the fuzzer) can check it.
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_OUTPUT_MEDIA = {
    "application/vnd.apache.parquet": _BINARY,  # dataset
    "application/octet-stream": _BINARY,  # model (joblib)
    "application/json": {"schema": {"type": "object", "additionalProperties": True,
                                    "description": "The step's metrics (evaluate_model: accuracy, roc_auc, ...)"}},
}


@router.get("/runs/{run_id}/outputs/{step}/{port}", operation_id="download_run_output",
            response_class=FileResponse, summary="Download one output (checked against its sha256)",
            responses={200: {"description": "The file, as its port's type is stored (the media type listed by "
                                            "GET /runs/{id}/outputs): a dataset as Parquet, a model as joblib, "
                                            "metrics as a JSON object",
                             "content": _OUTPUT_MEDIA}})
def download_run_output(run_id: str, step: str, port: str, principal: RunsRead, session: ReaderDep,
                        settings: SettingsDep) -> Response:
    out, found = service.output_file(session, settings, principal, run_id, step, port)
    suffix = "." + out.path.rpartition(".")[2] if "." in out.path.rpartition("/")[2] else ""
    return verified_file(found, out.media_type, f"{run_id}-{step}-{port}{suffix}", out.sha256)


@router.get("/runs/{run_id}/outputs/{step}/{port}/preview", operation_id="preview_run_output",
            response_model=Preview, summary="A dataset output's first rows and column summaries",
            description="Read on the server after the file's sha256 check, within RETRAINER_PREVIEW_MAX_ROWS and "
                        "RETRAINER_PREVIEW_MAX_BYTES; needs the scopes of the download (runs:read, data:read).")
def preview_run_output(run_id: str, step: str, port: str, principal: RunsRead, session: ReaderDep,
                       settings: SettingsDep,
                       rows: Annotated[int, Query(ge=1, le=100, description="Rows to show")] = 20) -> Preview:
    return service.output_preview(session, settings, principal, run_id, step, port, rows)
