"""The catalogue: metadata only, consistent with the implementations."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from app.components import settings as settings_module
from app.components.catalog import CATALOG, ComponentDef, Port, describe_components, get_component
from worker.components import IMPLEMENTATIONS

ROOT = Path(__file__).resolve().parents[2]


def test_implementations_match_catalog():
    assert set(IMPLEMENTATIONS) == set(CATALOG)
    assert len(CATALOG) == 10


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_implementation_signature(name):
    parameters = list(inspect.signature(IMPLEMENTATIONS[name]).parameters)
    assert parameters == ["ctx", "settings", "inputs"]
    hints = inspect.get_annotations(IMPLEMENTATIONS[name], eval_str=True)
    assert hints["settings"] is CATALOG[name].settings_model


def test_catalog_import_is_light():
    code = (
        "import sys, app.components.catalog, app.components.settings\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'numpy', 'fastapi', 'pyarrow', 'scipy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_describe_components_is_sorted_json():
    described = describe_components()
    names = [d["name"] for d in described]
    assert names == sorted(CATALOG)
    json.dumps(described)  # serialisable
    for entry in described:
        assert set(entry) == {"name", "version", "description", "inputs", "outputs", "settings"}
        assert entry["version"].count(".") == 2
        assert entry["settings"]["additionalProperties"] is False
        for port in entry["inputs"] + entry["outputs"]:
            assert port["type"] in ("dataset", "model", "metrics")
    by_name = {d["name"]: d for d in described}
    assert [p["name"] for p in by_name["split_data"]["outputs"]] == ["train", "test"]
    assert [p["name"] for p in by_name["score_model"]["inputs"]] == ["model", "data"]
    assert by_name["import_data"]["inputs"] == []
    assert by_name["export_data"]["outputs"] == []
    assert "ColumnTransformer" in by_name["train_model"]["description"]
    assert "StandardScaler" in by_name["train_model"]["description"]


def test_get_component():
    component = get_component("train_model")
    assert isinstance(component, ComponentDef)
    assert component.outputs == (Port(name="model", type="model", description=component.outputs[0].description),)
    assert get_component("nope") is None


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        for arg in getattr(info.annotation, "__args__", ()) + (info.annotation,):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _models(arg, seen)


def test_every_settings_field_is_described_and_strict():
    models: set[type[BaseModel]] = set()
    for component in CATALOG.values():
        _models(component.settings_model, models)
    for model in settings_module.HYPERPARAMETER_MODELS.values():
        models.add(model)
    assert settings_module.SplitCondition in models
    for model in models:
        assert model.model_config.get("extra") == "forbid", model
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"


def test_data_paths_require_datastore_prefix():
    for component in ("import_data", "export_data"):
        schema = CATALOG[component].settings_model.model_json_schema()
        assert schema["properties"]["path"]["pattern"] == "^datastore://"
    schema = CATALOG["train_model"].settings_model.model_json_schema()
    per_algorithm = schema["properties"]["hyperparameters"]["x-hyperparameters-by-algorithm"]
    assert set(per_algorithm) == set(settings_module.HYPERPARAMETER_MODELS)
