"""Azure ML requests translated into ours: a submit becomes a retrain of an endpoint's
version (through the endpoints' service, the one path that builds runs), and a run is
answered in Azure's shape. Nothing here decides what a run is."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.auth.service import Principal
from app.azure.schemas import AzureDataPath, AzurePipelineRun, AzureRunStatus, AzureStatus, AzureSubmitRequest
from app.core.errors import InvalidInput
from app.core.queue import TaskQueue
from app.core.settings import Settings
from app.datastores.paths import parse_data_path
from app.db.tables import Endpoint, EndpointVersion, Run
from app.db.unit_of_work import UnitOfWork
from app.endpoints import service as endpoints
from app.endpoints.schemas import MAX_VERSION, EndpointRunRequest
from app.pipelines.spec import ParameterSpec, PipelineSpec
from app.runs import service as runs
from app.runs.states import RunStatus

STATUS_CODES: dict[RunStatus, AzureStatus] = {
    RunStatus.QUEUED: "NotStarted", RunStatus.RUNNING: "Running", RunStatus.SUCCEEDED: "Finished",
    RunStatus.FAILED: "Failed", RunStatus.CANCELED: "Canceled",
}
_INTEGER = re.compile(r"^\s*[+-]?\d{1,30}\s*$")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


@dataclass(frozen=True)
class Target:
    """What a submit names: an endpoint (by id or name) and maybe a version, or a published pipeline."""

    endpoint: str | None = None
    version: int | None = None
    published_pipeline_id: str | None = None

    def describe(self) -> str:
        if self.published_pipeline_id is not None:
            return f"azure:PipelineSubmit/{self.published_pipeline_id}"
        return f"azure:PipelineEndpointSubmit/{self.endpoint}?version={self.version}"


# Requests -------------------------------------------------------------------------------


def pick_version(in_body: str | int | None, in_query: str | None) -> int | None:
    """The version a PipelineEndpointSubmit asks for (body's PipelineVersion or ?pipelineVersion=)."""
    given = [(loc, value) for loc, value in ((["body", "PipelineVersion"], in_body),
                                             (["query", "pipelineVersion"], in_query)) if value is not None]
    if len(given) == 2 and str(in_body).strip() != str(in_query).strip():
        raise InvalidInput("two different versions asked for", errors=[
            {"loc": loc, "msg": "PipelineVersion and ?pipelineVersion= differ; give one"} for loc, _ in given])
    if not given:
        return None
    loc, value = given[0]
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_VERSION:
        hint = " (versions are numbered from 1 here; Azure counts from 0)" if text == "0" else ""
        raise InvalidInput("invalid pipeline version", errors=[{
            "loc": loc, "msg": f"expected a version number 1, 2, ...{hint}; "
                               "GET /endpoints/{id}/versions lists them, got " + repr(value)}])
    return int(text)


def _resolve(session: Session, principal: Principal, target: Target) -> tuple[Endpoint, EndpointVersion]:
    if target.published_pipeline_id is not None:
        return endpoints.published(session, principal, target.published_pipeline_id)
    assert target.endpoint is not None
    return endpoints.target(session, principal, target.endpoint, target.version)


def convert(spec: ParameterSpec, value: Any) -> Any:
    """A string value in the parameter's type, as Azure converts its string assignments;
    left as it is when it does not convert (the run's checks then say why)."""
    if not isinstance(value, str):
        return value
    if spec.type == "integer" and _INTEGER.match(value):
        return int(value)
    if spec.type == "number" and _NUMBER.match(value) and math.isfinite(float(value)):
        return float(value)
    if spec.type == "boolean" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if spec.type == "enum" and value not in (spec.choices or []):
        return next((choice for choice in spec.choices or [] if str(choice) == value), value)
    return value


def parameters_of(spec: PipelineSpec, body: AzureSubmitRequest) -> dict[str, Any]:
    """Our `parameters` from ParameterAssignments and DataPathAssignments."""
    values = {name: convert(spec.parameters[name], value) if name in spec.parameters else value
              for name, value in body.ParameterAssignments.items()}
    problems = []
    for name, path in body.DataPathAssignments.items():
        loc: list[str | int] = ["body", "DataPathAssignments", name]
        param = spec.parameters.get(name)
        if name in body.ParameterAssignments:
            problems.append({"loc": loc, "msg": "also given in ParameterAssignments; give it once"})
        elif param is not None and param.type != "data_path":
            problems.append({"loc": loc, "msg": f"a {param.type} parameter, not a data path; give its value in "
                                                "ParameterAssignments"})
        else:
            values[name] = f"datastore://{path.DataStoreName}/{path.RelativePath.lstrip('/')}"
    if problems:
        raise InvalidInput(f"the run request has {len(problems)} problem(s)", errors=problems)
    return values


def _in_azure_terms(exc: InvalidInput, body: AzureSubmitRequest) -> InvalidInput:
    """Our checks' problems located where the Azure caller gave the value."""
    for problem in exc.errors or []:
        loc = problem["loc"]
        if loc[:2] == ["body", "parameters"] and len(loc) > 2:
            where = "DataPathAssignments" if loc[2] in body.DataPathAssignments else "ParameterAssignments"
            problem["loc"] = ["body", where, *loc[2:]]
    return exc


def plan(reader: Session, settings: Settings, principal: Principal, target: Target,
         body: AzureSubmitRequest) -> runs.Planned:
    """A run of the target's version: a retrain of its endpoint, checked as every retrain is."""
    endpoint, version = _resolve(reader, principal, target)
    spec = PipelineSpec.model_validate(version.definition)
    request = EndpointRunRequest(parameters=parameters_of(spec, body), version=version.version,
                                 experiment=body.ExperimentName)
    labels = runs.RunLabels(description=body.Description, tags=body.Tags, run_source=body.RunSource,
                            parent_run_id=body.ParentRunId)
    try:
        return endpoints.plan_retrain(reader, settings, principal, endpoint.id, request, labels)
    except InvalidInput as exc:
        raise _in_azure_terms(exc, body) from None


def creator(settings: Settings, principal: Principal, target: Target, body: AzureSubmitRequest,
            base: str) -> Callable[[Session], tuple[runs.Planned, runs.Accepted]]:
    """What checks the run and builds its answer, reading in the session it is given (once
    per Idempotency-Key: app.runs.idempotency writes it)."""
    def create(reader: Session) -> tuple[runs.Planned, runs.Accepted]:
        planned = plan(reader, settings, principal, target, body)
        return planned, accepted(reader, planned.run, base)

    return create


def canonical(body: AzureSubmitRequest) -> dict[str, Any]:
    """The request as its fingerprint sees it: the same keys in another case are the same request."""
    return body.model_dump(mode="json")


# Answers --------------------------------------------------------------------------------


def run_out(session: Session, run: Run) -> AzurePipelineRun:
    spec = PipelineSpec.model_validate(run.definition)
    paths: dict[str, AzureDataPath] = {}
    values: dict[str, Any] = {}
    for name, value in run.parameters.items():
        parsed = parse_data_path(value) if name in spec.parameters and spec.parameters[name].type == "data_path" \
            else None
        if isinstance(parsed, tuple):
            paths[name] = AzureDataPath(DataStoreName=parsed[0], RelativePath=parsed[1])
        else:
            values[name] = value
    status = RunStatus(run.status)
    detail = None
    if status == RunStatus.FAILED and run.error:
        step = run.error.get("step")
        detail = f"step {step!r}: {run.error.get('message')}" if step else str(run.error.get("message"))
    return AzurePipelineRun(
        Id=run.id, Status=AzureRunStatus(StatusCode=STATUS_CODES[status], StatusDetail=detail,
                                         CreationTime=run.created_at, EndTime=run.finished_at),
        ExperimentName=run.experiment, ParameterAssignments=values, DataPathAssignments=paths,
        RunSource=run.run_source, Description=run.description, Tags=run.tags, ParentRunId=run.parent_run_id,
        PipelineId=endpoints.published_id_of(session, run.endpoint_id, run.endpoint_version),
        PipelineEndpointId=run.endpoint_id,
        PipelineVersion=str(run.endpoint_version) if run.endpoint_version is not None else None,
        CreatedTime=run.created_at, StartTime=run.started_at, EndTime=run.finished_at)


def accepted(session: Session, run: Run, base: str) -> runs.Accepted:
    """The answer to a submit (and what an Idempotency-Key replays): 200 with the run, as Azure answers."""
    return runs.Accepted(run.id, run_out(session, run).model_dump(mode="json"),
                         {"Location": f"{base}/PipelineRuns/{run.id}"}, status_code=200)


def get(session: Session, principal: Principal, run_id: str) -> AzurePipelineRun:
    return run_out(session, runs.get_run(session, principal, run_id))


def cancel(uow: UnitOfWork, queue: TaskQueue, principal: Principal, run_id: str) -> AzurePipelineRun:
    return run_out(uow.session, runs.cancel(uow, queue, principal, run_id))
