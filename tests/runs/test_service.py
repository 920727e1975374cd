"""Runs through their service, in process: a submission recorded with its steps and its
message (the outbox) in one transaction, every problem of a request listed at once, the
submitter's rights, privacy, reruns and cancels. tests/test_runs.py keeps what needs a
worker; tests/worker/test_executor.py runs the executor in process."""

from __future__ import annotations

import secrets

import pytest
from sqlmodel import select

from app.auth.service import Principal
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.db.tables import OutboxMessage
from app.endpoints import service as endpoints
from app.endpoints.schemas import EndpointPatch, EndpointRunRequest
from app.runs import service
from app.runs.schemas import RerunRequest, RunOut
from app.runtime import Runtime
from tests.helpers.inprocess import draft, execute, signed_in, submit, upload
from tests.helpers.samples import small_csv, small_pipeline


def _small(runtime: Runtime, me: Principal, body: dict | None = None) -> str:
    upload(runtime, me, "small/train.csv", small_csv())
    return draft(runtime, me, body or small_pipeline()).id


def _refused(runtime: Runtime, me: Principal, pipeline_id: str, **parameters: object) -> dict[tuple, str]:
    with pytest.raises(InvalidInput) as refused:
        submit(runtime, me, pipeline_id, **parameters)
    return {tuple(e["loc"]): e["msg"] for e in refused.value.errors or []}


def _run(runtime: Runtime, me: Principal, run_id: str) -> RunOut:
    with runtime.read_session() as session:
        return service.render(session, service.get_run(session, me, run_id), me)


def test_a_submission_records_the_run_its_steps_and_its_message(runtime: Runtime) -> None:
    me = signed_in(runtime)
    pipeline = _small(runtime, me)
    run_id = submit(runtime, me, pipeline)
    run = _run(runtime, me, run_id)
    assert (run.status, run.pipeline_id, run.attempt) == ("queued", pipeline, 0)
    assert run.parameters == {"data_path": "datastore://default/small/train.csv"}
    assert [(s.name, s.status) for s in run.steps] == [(n, "pending") for n in
                                                      ("import", "split", "train", "score", "evaluate")]
    with runtime.read_session() as session:
        message = session.exec(select(OutboxMessage).where(OutboxMessage.task_id == run_id)).one()
    assert message.task == "retrainer.execute_run" and message.args == [run_id]


def test_every_problem_in_a_run_request_is_listed_at_once(runtime: Runtime) -> None:
    me = signed_in(runtime)
    body = small_pipeline()
    body["parameters"]["fraction"] = {"type": "number", "default": 0.5, "minimum": 0.1, "maximum": 0.9}
    body["steps"]["split"]["settings"]["fraction"] = "${{parameters.fraction}}"
    pipeline = _small(runtime, me, body)
    both = _refused(runtime, me, pipeline, fraction="half",
                    data_path=f"datastore://default/small/{secrets.token_hex(4)}-missing.csv")
    assert ("body", "parameters", "fraction") in both
    assert "does not exist" in both[("body", "parameters", "data_path")]
    assert "<= 0.9" in _refused(runtime, me, pipeline, fraction=0.95)[("body", "parameters", "fraction")]
    unknown = _refused(runtime, me, pipeline, data_path=42, colour="red")
    assert ("body", "parameters", "colour") in unknown and ("body", "parameters", "data_path") in unknown
    for bad, fragment in [("datastore://default/no/such.csv", "does not exist"),
                          ("datastore://elsewhere/x.csv", "no datastore named 'elsewhere'"),
                          ("/etc/passwd", "not a data path"),
                          ("datastore://default/../../etc/passwd", "plain relative path")]:
        assert fragment in _refused(runtime, me, pipeline, data_path=bad)[("body", "parameters", "data_path")], bad


def test_a_required_parameter_without_a_value_is_named(runtime: Runtime) -> None:
    me = signed_in(runtime)
    body = small_pipeline()
    del body["parameters"]["data_path"]["default"]
    assert "required" in _refused(runtime, me, _small(runtime, me, body))[("body", "parameters", "data_path")]


def test_a_run_acts_with_its_submitters_rights(runtime: Runtime) -> None:
    me = signed_in(runtime)
    pipeline = _small(runtime, me)
    without_data = signed_in(runtime, scopes=["runs:write", "runs:read"], workspace=me.workspace_name)
    with pytest.raises(Forbidden) as refused:
        submit(runtime, without_data, pipeline)
    assert 'scope="data:read"' in refused.value.headers["WWW-Authenticate"]


def test_runs_and_drafts_are_private_to_their_workspace(runtime: Runtime) -> None:
    me, other = signed_in(runtime), signed_in(runtime)
    pipeline = _small(runtime, me)
    run_id = submit(runtime, me, pipeline)
    with pytest.raises(NotFound, match=pipeline):
        submit(runtime, other, pipeline)
    with runtime.read_session() as session, pytest.raises(NotFound, match=run_id):
        service.get_run(session, other, run_id)
    with pytest.raises(NotFound), runtime.unit_of_work() as uow:
        service.cancel(uow, runtime.queue, other, run_id)
    assert _run(runtime, me, run_id).status == "queued"


def test_cancel_a_queued_run_twice_and_a_finished_one(runtime: Runtime) -> None:
    me = signed_in(runtime)
    pipeline = _small(runtime, me)
    queued = submit(runtime, me, pipeline)
    for _ in range(2):  # canceling twice is not an error
        with runtime.unit_of_work() as uow:
            assert service.cancel(uow, runtime.queue, me, queued).status == "canceled"
    finished = submit(runtime, me, pipeline)
    assert execute(runtime, finished) == "succeeded"
    with pytest.raises(Conflict, match="already succeeded"), runtime.unit_of_work() as uow:
        service.cancel(uow, runtime.queue, me, finished)
    assert _run(runtime, me, finished).status == "succeeded"


def test_a_rerun_takes_the_runs_definition_and_refuses_what_it_cannot_run(runtime: Runtime) -> None:
    me = signed_in(runtime)
    pipeline = _small(runtime, me)
    upload(runtime, me, "small/other.csv", small_csv(40))
    with runtime.unit_of_work() as uow:
        endpoint = endpoints.create(uow.session, me, "ep-" + secrets.token_hex(3), None)
        endpoints.publish(uow.session, me, endpoint.id, pipeline, None, False)
    with runtime.unit_of_work() as uow:
        first = endpoints.retrain(uow, runtime.settings, me, endpoint.id, EndpointRunRequest(experiment="e1")).id
    with runtime.unit_of_work() as uow:
        rerun = service.rerun(uow, runtime.settings, me, first, RerunRequest(
            parameters={"data_path": "datastore://default/small/other.csv"}))
    again = _run(runtime, me, rerun.id)
    assert (again.endpoint_id, again.endpoint_version, again.experiment) == (endpoint.id, 1, "e1")
    assert again.parameters == {"data_path": "datastore://default/small/other.csv"}
    with pytest.raises(InvalidInput) as unknown, runtime.unit_of_work() as uow:
        service.rerun(uow, runtime.settings, me, first, RerunRequest(parameters={"nope": 1}))
    assert unknown.value.errors is not None and unknown.value.errors[0]["loc"] == ["body", "parameters", "nope"]
    with runtime.unit_of_work() as uow:
        endpoints.patch(uow.session, runtime.settings, me, endpoint.id, EndpointPatch(enabled=False))
    with pytest.raises(Conflict, match="disabled"), runtime.unit_of_work() as uow:
        service.rerun(uow, runtime.settings, me, first, RerunRequest())
