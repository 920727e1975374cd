"""The committed OpenAPI document is the one the service serves."""

from __future__ import annotations

import json

from tests.helpers.processes import ROOT


def test_committed_spec_equals_the_served_spec(client):
    served = client.get("/openapi.json").json()
    committed = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    assert committed == served, "run `retrainer openapi` and commit openapi/openapi.json"


def test_every_operation_has_a_stable_id_and_a_tag(client):
    spec = client.get("/openapi.json").json()
    ids = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation.get("operationId"), f"{method} {path} has no operationId"
            assert operation.get("tags"), f"{method} {path} has no tag"
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))
    assert "issue_token" in ids and "get_me" in ids
