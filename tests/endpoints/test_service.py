"""Endpoints through their service, in process: immutable versions, the default version,
names unique per workspace and private to it, and every refusal of a retrain (disabled,
no version, bad parameters, a limit too long for the broker). tests/test_endpoints.py
keeps what needs a server and a worker: retraining for real, idempotency, long-polls."""

from __future__ import annotations

import copy
import secrets

import pytest

from app.auth.service import Principal
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.db.tables import Endpoint
from app.endpoints import service
from app.endpoints.schemas import EndpointPatch, EndpointRunRequest
from app.pipelines import service as pipelines
from app.runtime import Runtime
from tests.helpers.inprocess import draft, signed_in, upload
from tests.helpers.samples import small_csv, small_pipeline


def _endpoint(runtime: Runtime, me: Principal, name: str | None = None) -> Endpoint:
    with runtime.unit_of_work() as uow:
        return service.create(uow.session, me, name or "ep-" + secrets.token_hex(4), "test endpoint")


def _publish(runtime: Runtime, me: Principal, ref: str, pipeline_id: str, default: bool = False) -> int:
    with runtime.unit_of_work() as uow:
        _, version = service.publish(uow.session, me, ref, pipeline_id, None, default)
    return version.version


def _patch(runtime: Runtime, me: Principal, ref: str, **fields: object) -> Endpoint:
    with runtime.unit_of_work() as uow:
        return service.patch(uow.session, runtime.settings, me, ref, EndpointPatch.model_validate(fields))


def _dry_run(runtime: Runtime, me: Principal, ref: str, **body: object):  # type: ignore[no-untyped-def]
    with runtime.read_session() as session:
        return service.dry_run(session, runtime.settings, me, ref, EndpointRunRequest.model_validate(body))


def test_versions_are_immutable_snapshots_and_the_first_is_the_default(runtime: Runtime) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "small/train.csv", small_csv())
    body = small_pipeline()
    pipeline = draft(runtime, me, body)
    endpoint = _endpoint(runtime, me)
    assert _publish(runtime, me, endpoint.name, pipeline.id) == 1
    edited = copy.deepcopy(body)
    edited["steps"]["train"]["settings"]["algorithm"] = "boosted_decision_tree"
    with runtime.unit_of_work() as uow:
        pipelines.replace(uow.session, me, pipeline.id, pipelines.parse_pipeline(edited, runtime.settings))
    assert _publish(runtime, me, endpoint.id, pipeline.id) == 2
    with runtime.read_session() as session:
        target = service.get(session, me, endpoint.name)
        v1 = service.version_out(me, target, service.get_version(session, target, 1))
        v2 = service.version_out(me, target, service.get_version(session, target, 2))
        out = service.to_out(session, target)
        listed = service.versions_page(session, runtime.settings, me, endpoint.id, PageRequest())
    assert v1.steps is not None and v1.steps["train"].settings["algorithm"] == "logistic_regression"
    assert v2.steps is not None and v2.steps["train"].settings["algorithm"] == "boosted_decision_tree"
    assert v1.is_default and not v2.is_default and v1.pipeline_digest != v2.pipeline_digest
    assert (out.default_version, out.latest_version) == (1, 2)
    assert [v.version for v in listed.items] == [1, 2]
    # A principal without pipelines:read sees a version's parameters, not its steps.
    ci = Principal(kind=me.kind, id=me.id, name=me.name, workspace_id=me.workspace_id,
                   workspace_name=me.workspace_name, scopes=frozenset({"endpoints:read", "runs:write"}))
    with runtime.read_session() as session:
        hidden = service.version_out(ci, target, service.get_version(session, target, 1))
    assert hidden.steps is None and "data_path" in hidden.parameters


def test_default_version_switching_and_dry_run(runtime: Runtime) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "small/train.csv", small_csv())
    pipeline = draft(runtime, me, small_pipeline())
    endpoint = _endpoint(runtime, me)
    _publish(runtime, me, endpoint.id, pipeline.id)
    _publish(runtime, me, endpoint.id, pipeline.id)
    dry = _dry_run(runtime, me, endpoint.id)
    assert (dry.version, dry.parameters) == (1, {"data_path": "datastore://default/small/train.csv"})
    assert _patch(runtime, me, endpoint.name, default_version=2).default_version == 2
    assert _dry_run(runtime, me, endpoint.id).version == 2
    with pytest.raises(InvalidInput) as bad:
        _patch(runtime, me, endpoint.id, default_version=9)
    assert bad.value.errors == [{"loc": ["body", "default_version"],
                                 "msg": f"endpoint {endpoint.name!r} has no version 9"}]
    with runtime.read_session() as session:
        assert service.get(session, me, endpoint.id).default_version == 2  # the refusal changed nothing


def test_a_retrain_is_refused_with_the_reason(runtime: Runtime) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "small/train.csv", small_csv())
    endpoint = _endpoint(runtime, me)
    with pytest.raises(NotFound, match="no published version"):
        _dry_run(runtime, me, endpoint.id)
    _publish(runtime, me, endpoint.id, draft(runtime, me, small_pipeline()).id)
    with pytest.raises(NotFound, match="no version 7"):
        _dry_run(runtime, me, endpoint.id, version=7)
    with pytest.raises(NotFound, match="no endpoint 'no-such-endpoint'"):
        _dry_run(runtime, me, "no-such-endpoint")
    with pytest.raises(InvalidInput) as bad:
        _dry_run(runtime, me, endpoint.id, parameters={"data_path": "datastore://default/small/nope.csv",
                                                       "epochs": 3})
    by_loc = {tuple(e["loc"]): e["msg"] for e in bad.value.errors or []}
    assert ("body", "parameters", "epochs") in by_loc
    assert "does not exist" in by_loc[("body", "parameters", "data_path")]
    assert _patch(runtime, me, endpoint.id, enabled=False).enabled is False
    with pytest.raises(Conflict, match="disabled"):
        _dry_run(runtime, me, endpoint.id)


def test_a_time_limit_longer_than_the_broker_allows_is_refused(runtime: Runtime) -> None:
    me = signed_in(runtime)
    endpoint = _endpoint(runtime, me)
    with pytest.raises(InvalidInput) as bad:
        _patch(runtime, me, endpoint.id, time_limit_seconds=7 * 24 * 3600)
    assert bad.value.errors is not None and bad.value.errors[0]["loc"] == ["body", "time_limit_seconds"]
    assert "RETRAINER_BROKER_VISIBILITY_TIMEOUT" in bad.value.errors[0]["msg"]
    assert _patch(runtime, me, endpoint.id, time_limit_seconds=600).time_limit_seconds == 600


def test_endpoint_names_are_unique_and_private(runtime: Runtime) -> None:
    me, other = signed_in(runtime), signed_in(runtime)
    endpoint = _endpoint(runtime, me)
    with pytest.raises(Conflict, match="already exists"):
        _endpoint(runtime, me, name=endpoint.name)
    with runtime.read_session() as session:
        for ref in (endpoint.name, endpoint.id):
            with pytest.raises(NotFound):
                service.get(session, other, ref)
    assert _endpoint(runtime, other, name=endpoint.name).id != endpoint.id  # the same name elsewhere is fine
