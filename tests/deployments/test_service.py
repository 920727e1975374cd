"""Deployments through their service, in process, on a model trained by the executor in
process: creation and each refusal named at its field, patches and their history (a
rollback named so), serving and the disabled refusal, predictions checked row by row.
tests/test_deployments.py keeps the end-to-end story with real processes: the gate,
concurrent creation, fifty predictions during a switch, the model cache across requests."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from app.auth.service import Principal
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.deployments import service, serving
from app.deployments.schemas import DeploymentCreate, DeploymentPatch
from app.runtime import Runtime
from tests.helpers.inprocess import draft, execute, signed_in, submit, upload
from tests.helpers.samples import small_csv, small_pipeline

MODEL = "small"


@pytest.fixture(scope="module")
def owner(runtime: Runtime) -> Principal:
    """A workspace whose model `small` has two versions, trained in process."""
    me = signed_in(runtime)
    pipeline = draft(runtime, me, small_pipeline()).id
    for rows in (60, 80):  # new data each time: a new model, a new version
        upload(runtime, me, "small/train.csv", small_csv(rows))
        assert execute(runtime, submit(runtime, me, pipeline)) == "succeeded"
    return me


def _create(runtime: Runtime, me: Principal, **fields: Any) -> Any:
    body = DeploymentCreate.model_validate({"name": "d-" + secrets.token_hex(3), "model": MODEL, **fields})
    with runtime.unit_of_work() as uow:
        return service.to_out(uow.session, service.create(uow.session, runtime.settings, me, body))


def _patch(runtime: Runtime, me: Principal, name: str, **fields: Any) -> Any:
    with runtime.unit_of_work() as uow:
        return service.to_out(uow.session, service.patch(uow.session, runtime.settings, me, name, DeploymentPatch.model_validate(fields)))


def _refused_at(runtime: Runtime, me: Principal, **fields: Any) -> list[Any]:
    with pytest.raises(InvalidInput) as refused:
        _create(runtime, me, **fields)
    assert refused.value.errors
    return refused.value.errors[0]["loc"]


def test_creation_refusals_name_the_field(runtime: Runtime, owner: Principal) -> None:
    assert _refused_at(runtime, owner) == ["body", "version"]  # neither a version nor follow
    assert _refused_at(runtime, owner, model="no-such-model", follow=True) == ["body", "model"]
    assert _refused_at(runtime, owner, version=99) == ["body", "version"]
    assert _refused_at(runtime, owner, version=1, gate={"min_delta": 0.01}) == ["body", "gate"]
    assert _refused_at(runtime, owner, follow=True, gate={"metric": "r2"}) == ["body", "gate", "metric"]
    with runtime.read_session() as session:
        assert service.list_page(session, owner.workspace_id, PageRequest()).items == []  # nothing was created


def test_a_gate_reading_a_holdout_needs_data_read(runtime: Runtime, owner: Principal) -> None:
    deployer = signed_in(runtime, scopes=["deployments:write", "deployments:read"], workspace=owner.workspace_name)
    with pytest.raises(Forbidden) as refused:
        _create(runtime, deployer, follow=True, gate={"holdout": "datastore://default/small/train.csv"})
    assert 'scope="data:read"' in refused.value.headers["WWW-Authenticate"]


def test_create_patch_roll_back_and_the_history_says_why(runtime: Runtime, owner: Principal) -> None:
    created = _create(runtime, owner, follow=True)
    assert (created.version, created.follow, created.task) == (2, True, "classification")
    assert [c.name for c in created.input_schema] == ["x1", "x2", "color"]
    assert created.gate is not None and created.predict_url == f"/deployments/{created.name}/predict"
    with pytest.raises(Conflict, match="already exists"):
        _create(runtime, owner, name=created.name, version=1)
    with pytest.raises(InvalidInput) as null:
        _patch(runtime, owner, created.name, follow=None)
    assert null.value.errors == [{"loc": ["body", "follow"], "msg": "give a value, or leave the field out"}]
    with pytest.raises(InvalidInput) as missing:
        _patch(runtime, owner, created.name, version=7)
    assert missing.value.errors is not None and missing.value.errors[0]["loc"] == ["body", "version"]
    rolled = _patch(runtime, owner, created.name, version=1, follow=False)
    assert (rolled.version, rolled.follow) == (1, False)
    with runtime.read_session() as session:
        history = service.history_page(session, owner.workspace_id, created.name, PageRequest()).items
    # Newest first.
    assert [(h.reason, h.from_version, h.to_version) for h in history] == [("rollback", 2, 1), ("created", None, 2)]
    assert "serves version 1 (was 2)" in (history[0].message or "")
    with runtime.unit_of_work() as uow:
        service.delete(uow.session, owner.workspace_id, created.name)
    with runtime.read_session() as session, pytest.raises(NotFound, match=created.name):
        service.get(session, owner.workspace_id, created.name)


def test_predictions_and_their_refusals(runtime: Runtime, owner: Principal) -> None:
    deployment = _create(runtime, owner, version=1)
    cache = serving.ModelCache(4)

    def predict(body: bytes, media_type: str = "application/json") -> Any:
        with runtime.read_session() as session:
            return service.predict_body(session, runtime.settings, cache, owner.workspace_id, deployment.name,
                                        media_type, body)

    rows = [{"x1": 1, "x2": 3, "color": "red"}, {"x1": 6, "x2": 0, "color": "blue"}]
    answer = predict(json.dumps({"rows": rows}).encode())
    assert (answer.model.name, answer.model.version) == (MODEL, 1)
    assert len(answer.predictions) == 2 and set(answer.predictions) <= {"yes", "no"}
    assert answer.classes == ["no", "yes"] and answer.probabilities is not None and len(answer.probabilities) == 2
    assert predict(b"x1,x2,color\n1,3,red\n6,0,blue\n", "text/csv").predictions == answer.predictions
    with pytest.raises(InvalidInput) as bad_row:
        predict(json.dumps({"rows": [{"x1": 1, "color": "red"}]}).encode())
    assert bad_row.value.errors is not None and "x2" in json.dumps(bad_row.value.errors)
    _patch(runtime, owner, deployment.name, enabled=False)
    with pytest.raises(Conflict, match="disabled"):
        predict(json.dumps({"rows": rows}).encode())
    with pytest.raises(NotFound):
        with runtime.read_session() as session:
            service.serving_model(session, runtime.settings, cache, signed_in(runtime).workspace_id, deployment.name)
