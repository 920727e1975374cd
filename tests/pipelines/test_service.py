"""Draft pipelines through their service, in process: every kind of invalid pipeline
refused with InvalidInput and the location of each problem, digests, CRUD and privacy.
(tests/test_pipelines.py keeps the HTTP layer: routes, scopes, the problem document.)"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.core.errors import InvalidInput, NotFound
from app.core.paging import PageRequest
from app.pipelines import service
from app.runtime import Runtime
from tests.helpers.inprocess import signed_in
from tests.helpers.samples import income_pipeline, small_pipeline


def _refused(runtime: Runtime, body: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as refused:
        service.parse_pipeline(body, runtime.settings)
    assert refused.value.errors
    return refused.value.errors


def _locs(errors: list[dict[str, Any]]) -> list[tuple]:
    return [tuple(e["loc"]) for e in errors]


def test_create_get_replace_list_delete(runtime: Runtime) -> None:
    me = signed_in(runtime)
    body = income_pipeline()
    with runtime.unit_of_work() as uow:
        created = service.to_out(service.create(uow.session, me, service.parse_pipeline(body, runtime.settings)))
    assert created.name == "income-prediction" and len(created.digest) == 64
    assert created.parameters["data_path"].type == "data_path"
    changed = copy.deepcopy(body)
    changed["steps"]["split"]["settings"]["fraction"] = 0.7
    with runtime.unit_of_work() as uow:
        replaced = service.to_out(service.replace(uow.session, me, created.id,
                                                  service.parse_pipeline(changed, runtime.settings)))
    assert replaced.digest != created.digest and replaced.steps["split"].settings["fraction"] == 0.7
    with runtime.read_session() as session:
        assert service.to_out(service.get(session, me, created.id)).digest == replaced.digest
        listed = service.list_page(session, runtime.settings, me, PageRequest(limit=500))
        assert [p.id for p in listed.items] == [created.id]
    with runtime.unit_of_work() as uow:
        service.delete(uow.session, me, created.id)
    with runtime.read_session() as session, pytest.raises(NotFound, match=created.id):
        service.get(session, me, created.id)


def test_same_definition_same_digest(runtime: Runtime) -> None:
    me = signed_in(runtime)
    with runtime.unit_of_work() as uow:
        a = service.create(uow.session, me, service.parse_pipeline(income_pipeline(), runtime.settings))
        b = service.create(uow.session, me, service.parse_pipeline(income_pipeline(), runtime.settings))
    assert a.id != b.id and a.digest == b.digest


def test_pipelines_are_private_to_their_workspace(runtime: Runtime) -> None:
    me, other = signed_in(runtime), signed_in(runtime)
    spec = service.parse_pipeline(small_pipeline(), runtime.settings)
    with runtime.unit_of_work() as uow:
        mine = service.create(uow.session, me, spec)
    with runtime.read_session() as session, pytest.raises(NotFound):
        service.get(session, other, mine.id)
    with pytest.raises(NotFound), runtime.unit_of_work() as uow:
        service.replace(uow.session, other, mine.id, spec)
    with pytest.raises(NotFound), runtime.unit_of_work() as uow:
        service.delete(uow.session, other, mine.id)
    with runtime.read_session() as session:
        assert service.list_page(session, runtime.settings, other, PageRequest()).items == []


def test_every_problem_is_reported_at_once_with_its_location(runtime: Runtime) -> None:
    errors = _refused(runtime, {
        "name": "broken",
        "parameters": {
            "rate": {"type": "number", "default": "fast"},
            "kind": {"type": "enum"},
        },
        "steps": {
            "import": {"component": "import_data", "settings": {"path": "${{parameters.missing}}"}},
            "mystery": {"component": "no_such_component"},
            "clean": {"component": "clean_missing_data", "inputs": {"data": "import.nope"},
                      "settings": {"mode": "sideways"}},
            "train": {"component": "train_model", "inputs": {"data": "ghost.data"},
                      "settings": {"label_column": "y", "algorithm": "boosted_decision_tree",
                                   "hyperparameters": {"learning_rate": -1, "depth": 3}, "colour": "red"}},
            "score": {"component": "score_model",
                      "inputs": {"model": "import.data", "data": "clean.data"}},
        },
    })
    locs = _locs(errors)
    expected = [
        ("body", "parameters", "rate", "default"),           # default of the wrong type
        ("body", "parameters", "kind", "choices"),           # enum without choices
        ("body", "steps", "import", "settings", "path"),     # undefined parameter
        ("body", "steps", "mystery", "component"),           # unknown component
        ("body", "steps", "clean", "inputs", "data"),        # unknown output port
        ("body", "steps", "clean", "settings", "mode"),      # invalid setting value
        ("body", "steps", "train", "inputs", "data"),        # dangling input
        ("body", "steps", "train", "settings", "colour"),    # unknown setting
        ("body", "steps", "score", "inputs", "model"),       # ill-typed input (dataset -> model)
    ]
    for loc in expected:
        assert loc in locs, (loc, errors)
    messages = " ".join(e["msg"] for e in errors)
    assert "no_such_component" in messages and "ghost" in messages and "missing" in messages


def test_unknown_fields_are_reported_with_what_is_wrong_inside(runtime: Runtime) -> None:
    body = small_pipeline()
    body["colour"] = "blue"                                       # an unknown field...
    body["steps"]["train"]["component"] = "train_modle"           # ...and what is wrong inside
    locs = _locs(_refused(runtime, body))
    assert ("body", "colour") in locs and ("body", "steps", "train", "component") in locs


def test_invalid_hyperparameters_name_the_field_and_the_allowed_ones(runtime: Runtime) -> None:
    body = small_pipeline(algorithm="boosted_decision_tree")
    body["steps"]["train"]["settings"]["hyperparameters"] = {"learning_rate": -1, "depth": 3}
    error = _refused(runtime, body)[0]
    assert error["loc"][:4] == ["body", "steps", "train", "settings"]
    assert "learning_rate" in error["msg"] and "depth" in error["msg"] and "max_leaf_nodes" in error["msg"]


def test_cycle_is_refused(runtime: Runtime) -> None:
    errors = _refused(runtime, {"name": "loop", "steps": {
        "a": {"component": "select_columns", "inputs": {"data": "b.data"}, "settings": {"columns": ["x"]}},
        "b": {"component": "select_columns", "inputs": {"data": "a.data"}, "settings": {"columns": ["x"]}},
    }})
    cycle = [e for e in errors if e["loc"] == ["body", "steps"]]
    assert cycle and "cycle" in cycle[0]["msg"] and "a" in cycle[0]["msg"]


def test_missing_input_and_unknown_fields(runtime: Runtime) -> None:
    body = small_pipeline()
    del body["steps"]["train"]["inputs"]
    body["steps"]["score"]["extra"] = 1
    assert ("body", "steps", "score", "extra") in _locs(_refused(runtime, body))


def test_partial_parameter_reference_is_refused(runtime: Runtime) -> None:
    body = small_pipeline()
    body["steps"]["import"]["settings"]["path"] = "datastore://default/${{parameters.data_path}}"
    errors = _refused(runtime, body)
    assert ("body", "steps", "import", "settings", "path") in _locs(errors)
    assert "whole value" in errors[0]["msg"]


@pytest.mark.parametrize("bad", ["/etc/passwd", "file:///etc/passwd", "datastore://default/../x.csv",
                                 "s3://bucket/x.csv"])
def test_data_path_default_outside_a_datastore_is_refused(runtime: Runtime, bad: str) -> None:
    assert ("body", "parameters", "data_path", "default") in _locs(_refused(runtime, small_pipeline(path=bad)))


def test_a_nan_bound_is_not_a_number(runtime: Runtime) -> None:
    body = small_pipeline()
    body["parameters"]["fraction"] = {"type": "number", "default": 0.5, "minimum": 0.1, "maximum": float("nan")}
    assert _refused(runtime, body)[0]["loc"][:4] == ["body", "parameters", "fraction", "maximum"]


def test_too_many_steps_names_the_setting(runtime: Runtime) -> None:
    body = small_pipeline()
    limit = runtime.settings.max_pipeline_steps
    for i in range(limit):
        body["steps"][f"pick{i}"] = {"component": "select_columns", "inputs": {"data": "import.data"},
                                     "settings": {"columns": ["x1"]}}
    errors = _refused(runtime, body)
    assert errors[0]["loc"] == ["body", "steps"] and "RETRAINER_MAX_PIPELINE_STEPS" in errors[0]["msg"]


def test_a_body_that_is_not_an_object_is_refused(runtime: Runtime) -> None:
    assert _refused(runtime, ["not", "a", "pipeline"]) == [{"loc": ["body"], "msg": "expected a JSON object"}]
