"""What a run learned, in a real browser: the income pipeline's evaluation charts (ROC
curve, confusion matrix), a preview of a dataset output and of a datastore file, two
runs compared side by side, and the endpoint's Consume tab, whose curl example (with
the secret the tab showed once) starts a run from a shell, and whose Python example
starts one from a fresh interpreter with the generated client.

The runs are started through the API (the seed workflow test drives their forms)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.browser import LAPTOP, PHONE, assert_breaks_at_separators, assert_within_the_phone
from tests.helpers.samples import adult_bytes, income_pipeline

# The generated client of this checkout (the Python example imports retrainer_client).
CLIENT = Path(__file__).resolve().parents[2] / "openapi" / "retrainer-client"


def _published_income_runs(client, headers) -> tuple[str, dict, dict]:
    """The income pipeline published to a new endpoint and run twice (learning rates 0.1, 0.3)."""
    assert client.put("/datastores/default/files/census/adult.data", content=adult_bytes(),
                      headers=headers).status_code == 201
    pipeline = client.post("/pipelines", json=income_pipeline(), headers=headers).json()
    name = "income-" + secrets.token_hex(3)
    assert client.post("/endpoints", json={"name": name, "description": "census"}, headers=headers).status_code == 201
    assert client.post(f"/endpoints/{name}/versions", json={"pipeline_id": pipeline["id"]},
                       headers=headers).status_code == 201
    first = client.post(f"/endpoints/{name}/runs", json={"experiment": "insights"}, headers=headers).json()
    first = wait_for(client, headers, first["id"], timeout=240)
    second = client.post(f"/endpoints/{name}/runs", headers=headers,
                         json={"experiment": "insights", "parameters": {"learning_rate": 0.3}}).json()
    second = wait_for(client, headers, second["id"], timeout=240)
    assert first["status"] == second["status"] == "succeeded", (first["error"], second["error"])
    return name, first, second


def _evaluation_and_output_preview(studio, run_id: str) -> None:
    page = studio.page
    page.goto(f"{studio.url}/studio/#/runs/{run_id}")
    expect(page.get_by_label("Status")).to_have_text("succeeded")
    steps = page.get_by_role("group", name=f"Steps of run {run_id}")
    steps.get_by_role("button", name="evaluate", exact=True).click()
    evaluation = page.get_by_role("region", name="Evaluation")
    roc = evaluation.get_by_role("figure", name="ROC curve")
    expect(roc).to_be_visible()
    expect(roc.get_by_role("img")).to_have_accessible_name(re.compile(r"area under the curve 0\.9\d\d"))
    expect(evaluation.get_by_role("figure", name="Precision-recall curve")).to_be_visible()
    grid = evaluation.get_by_role("table", name="Confusion matrix")
    expect(grid.get_by_role("row")).to_have_count(3)  # the header and one row per class
    expect(grid).to_contain_text("Predicted >50K")
    studio.check("evaluation")
    page.set_viewport_size(PHONE)
    # The data path wraps, where it has to, after its separators (a <wbr> after each).
    data_path = page.get_by_role("table", name="Parameters of this run").get_by_role("row", name=re.compile("data_path"))
    assert_breaks_at_separators(data_path.get_by_role("cell"))
    assert data_path.get_by_role("cell").locator("wbr").count() >= 4
    _fits_the_phone(studio, "evaluation-phone")

    steps.get_by_role("button", name="split", exact=True).click()
    page.get_by_role("button", name="Preview split.test").click()
    dialog = page.get_by_role("dialog", name="Preview of split.test")
    preview = dialog.get_by_role("table", name="Preview")
    expect(preview.get_by_role("columnheader", name="native-country")).to_be_visible()
    expect(preview.get_by_role("row")).to_have_count(21)  # the header and 20 rows
    columns = dialog.get_by_role("table", name="Columns")
    expect(columns.get_by_role("row", name=re.compile("^age"))).to_contain_text("number")
    studio.check("output-preview")
    dialog.get_by_role("button", name="Close").click()


def _fits_the_phone(studio, name: str) -> None:
    """The page at phone width: nothing wider than the screen (wide tables scroll in their frame)."""
    page = studio.page
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    studio.check(name)
    page.set_viewport_size(LAPTOP)


def _datastore_preview(studio) -> None:
    page = studio.page
    studio.nav("Datastores")
    page.get_by_role("link", name="default").click()
    page.set_viewport_size(PHONE)
    assert_within_the_phone(page.get_by_role("button", name="Preview census/adult.data"))
    page.set_viewport_size(LAPTOP)
    page.get_by_role("button", name="Preview census/adult.data").click()
    dialog = page.get_by_role("dialog", name="Preview of census/adult.data")
    expect(dialog.get_by_role("table", name="Preview").get_by_role("row")).to_have_count(21)
    expect(dialog).to_contain_text("column summaries over the first 10000 rows")
    # The census file has no header: the person says so, and the columns are numbered.
    dialog.get_by_label("First row is a header").uncheck()
    expect(dialog.get_by_role("table", name="Preview").get_by_role("columnheader", name="column_15")).to_be_visible()
    expect(dialog.get_by_role("table", name="Columns").get_by_role("row", name=re.compile("^column_15"))).to_contain_text(
        re.compile(r"<=50K \(\d+\), +>50K"))  # values as read: the file separates with ", "
    studio.check("datastore-preview")
    _fits_the_phone(studio, "datastore-preview-phone")
    dialog.get_by_role("button", name="Close").click()


def _compare(studio, first: dict, second: dict) -> None:
    page = studio.page
    studio.nav("Runs")
    compare = page.get_by_role("button", name="Compare")
    expect(compare).to_be_disabled()
    page.get_by_role("checkbox", name=f"Select {first['id']}").check()
    page.get_by_role("checkbox", name=f"Select {second['id']}").check()
    studio.check("runs-selected")
    # On a phone the runs table keeps its main actions on the screen: selecting and opening.
    page.set_viewport_size(PHONE)
    for run in (first, second):
        row = page.get_by_role("table", name="Runs").get_by_role("row", name=re.compile(run["id"]))
        assert_within_the_phone(row.get_by_role("checkbox", name=f"Select {run['id']}"))
        assert_within_the_phone(row.get_by_role("link", name=run["id"]))
    assert_within_the_phone(compare)
    studio.check("runs-selected-phone")
    page.set_viewport_size(LAPTOP)
    compare.click()
    expect(page.get_by_role("heading", level=1, name="Compare runs")).to_be_visible()
    params = page.get_by_role("table", name="Parameters compared")
    expect(params.get_by_role("row", name=re.compile("learning_rate"))).to_contain_text("differs")
    expect(params.get_by_role("row", name=re.compile("data_path"))).not_to_contain_text("differs")
    metrics = page.get_by_role("table", name="Metrics compared")
    expect(metrics.get_by_role("row", name=re.compile("^roc_auc"))).to_contain_text(f"{first['metrics']['roc_auc']:.4f}")
    models = page.get_by_role("table", name="Models compared")
    expect(models.get_by_role("row", name=re.compile("^Model"))).to_contain_text(
        f"version {second['model']['version']}")
    studio.check("compare")
    _fits_the_phone(studio, "compare-phone")


def _consume_with_curl(studio, client, headers, endpoint: str) -> None:
    page = studio.page
    studio.nav("Endpoints")
    page.get_by_role("link", name=endpoint).click()
    page.get_by_role("tab", name="Consume").click()
    expect(page.get_by_role("textbox", name="Retrain URL")).to_have_value(f"{studio.url}/endpoints/{endpoint}/runs")
    for label in ("curl", "Python", "CI"):
        expect(page.get_by_role("figure", name=label, exact=True)).to_contain_text("token")
    page.get_by_role("button", name="Create service principal").click()
    secret = page.get_by_role("textbox", name="Client secret")
    expect(secret).not_to_have_value("")
    studio.check("consume")
    _fits_the_phone(studio, "consume-phone")
    python = page.get_by_role("figure", name="Python", exact=True).locator("code").inner_text()
    assert "retrainer_client" in python and "RETRAINER_CLIENT_SECRET" in python
    shown = secret.input_value()
    assert shown not in python  # the secret comes from the environment
    curl = page.get_by_role("figure", name="curl", exact=True).locator("code").inner_text()
    assert shown not in curl and "<client secret>" in curl  # the example never holds the secret
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", curl.replace("<client secret>", shown)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    started = json.loads(done.stdout)
    run = client.get(f"/runs/{started['id']}", headers=headers).json()
    assert run["endpoint_version"] == 1 and run["parameters"]["learning_rate"] == 0.1
    assert run["endpoint_id"] == client.get(f"/endpoints/{endpoint}", headers=headers).json()["id"]
    assert wait_for(client, headers, run["id"], timeout=240)["status"] == "succeeded"
    _consume_with_python(client, headers, python, shown)


def _consume_with_python(client, headers, python: str, secret: str) -> None:
    """The Python example as a person would run it: a fresh interpreter with the generated
    client importable and the secret in the environment; it retrains and waits for the run."""
    env = {**os.environ, "RETRAINER_CLIENT_SECRET": secret,
           "PYTHONPATH": os.pathsep.join([str(CLIENT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", python], capture_output=True, text=True, timeout=400,
                          env=env, cwd=tempfile.gettempdir())
    assert done.returncode == 0, done.stderr
    run_id, status = done.stdout.split()
    assert status == "succeeded"
    run = client.get(f"/runs/{run_id}", headers=headers).json()
    assert run["status"] == "succeeded" and run["parameters"]["learning_rate"] == 0.1


def test_what_a_run_learned(studio, make_user, worker, client):
    account = make_user(workspace="insights-" + secrets.token_hex(3), admin=True)  # admin: creates a principal
    headers = bearer(password_token(client, account))
    endpoint, first, second = _published_income_runs(client, headers)
    studio.open()
    studio.sign_in(account)
    _evaluation_and_output_preview(studio, first["id"])
    _datastore_preview(studio)
    _compare(studio, first, second)
    _consume_with_curl(studio, client, headers, endpoint)
