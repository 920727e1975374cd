"""The studio's types.js (JSDoc types and enums) is what app.studio.typedefs makes of the
committed OpenAPI document: a spec change without regenerating it fails here."""

from __future__ import annotations

import json

from app.studio import typedefs
from tests.helpers.processes import ROOT


def test_committed_studio_types_are_generated_from_the_committed_spec():
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    committed = (ROOT / "app" / "studio" / "static" / "js" / "types.js").read_text()
    assert committed == typedefs.render(spec), "run `python -m app.studio.typedefs` and commit types.js"


def test_the_studio_reads_gate_and_headline_metrics_from_the_spec():
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    schemas = spec["components"]["schemas"]
    text = typedefs.render(spec)
    gate = next(s["enum"] for s in schemas["Gate"]["properties"]["metric"]["anyOf"] if "enum" in s)
    assert f"export const GATE_METRICS = Object.freeze({json.dumps(gate)});" in text
    headline = schemas["HeadlineMetric"]["enum"]
    assert headline[0] == "roc_auc" and "rmse" in headline
    assert f"export const HEADLINE_METRICS = Object.freeze({json.dumps(headline)});" in text
