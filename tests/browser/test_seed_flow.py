"""The seed workflow in a real browser, without curl: build the pipeline, promote the
import step's path to a pipeline parameter, run the draft, find the trained model
under the train step's Outputs + logs and download it, publish to a new endpoint,
submit version 1 from the endpoint's page with the non-US data chosen through
Browse, watch the run succeed and open its model version with its lineage."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
from playwright.sync_api import expect

from tests.helpers.api import bearer, password_token
from tests.helpers.browser import PHONE
from tests.helpers.samples import adult_bytes, income_pipeline

RUN_TIMEOUT = 180_000  # ms: the full census data trains in seconds, on a busy 2-core machine in more


def _draft_without_parameters() -> dict:
    """The income pipeline as a person first builds it: the data path typed into the
    import step, no parameters yet."""
    spec = income_pipeline()
    spec["steps"]["import"]["settings"]["path"] = "datastore://default/census/adult.data"
    spec["steps"]["train"]["settings"]["hyperparameters"]["learning_rate"] = 0.1
    spec["parameters"] = {}
    return spec


def _upload(studio, local_path, remote_path: str) -> None:
    page = studio.page
    page.get_by_label("File", exact=True).set_input_files(str(local_path))
    page.get_by_label("Path in the datastore").fill(remote_path)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text(f"Uploaded datastore://default/{remote_path}")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("table", name="Files in default").get_by_role("cell", name=remote_path, exact=True)).to_be_visible()


def test_seed_workflow(studio, workspace_user, worker, client, tmp_path):
    page = studio.page
    headers = bearer(password_token(client, workspace_user))

    # Sign in: the token stays in the tab (no cookie, nothing in the address).
    studio.open()
    expect(page.get_by_role("heading", name="Sign in to Retrainer Studio")).to_be_visible()
    studio.check("sign-in")
    studio.sign_in(workspace_user)
    assert studio.context.cookies() == []
    expect(page.get_by_text("No pipelines yet")).to_be_visible()
    studio.check("pipelines-empty")

    # The data: uploaded on the Datastores page, with progress.
    us = tmp_path / "adult.data"
    us.write_bytes(adult_bytes())
    non_us = tmp_path / "non-us.data"
    non_us.write_bytes(b"".join(line + b"\n" for line in adult_bytes().splitlines() if b"United-States" not in line))
    studio.nav("Datastores")
    page.get_by_role("link", name="default").click()
    expect(page.get_by_text("No files yet")).to_be_visible()
    _upload(studio, us, "census/adult.data")
    _upload(studio, non_us, "census/non-us.data")
    expect(page.get_by_role("progressbar", name="Upload progress")).to_have_attribute("value", "100")
    studio.check("datastore")

    # 1. The pipeline, from its definition file.
    definition = tmp_path / "income-prediction.json"
    definition.write_text(json.dumps(_draft_without_parameters()))
    studio.nav("Pipelines")
    page.get_by_role("button", name="New pipeline").click()
    dialog = page.get_by_role("dialog", name="New pipeline")
    dialog.get_by_label("Pipeline definition (JSON file)").set_input_files(str(definition))
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1, name="income-prediction")).to_be_visible()
    pipeline_id = page.url.rsplit("/", 1)[1]
    graph = page.get_by_role("region", name="Canvas")
    toolbar = page.get_by_role("toolbar", name="Draft")
    for step in ("import", "clean", "split", "train", "score", "evaluate"):
        expect(graph.get_by_role("button", name=step, exact=True)).to_be_visible()
    expect(page.get_by_text("No parameters yet")).to_be_visible()

    # 2. Promote the import step's path to the pipeline parameter data_path.
    graph.get_by_role("button", name="import", exact=True).click()
    path_group = page.get_by_role("group", name="path", exact=True)
    expect(path_group.get_by_label("path")).to_have_value("datastore://default/census/adult.data")
    studio.check("pipeline-step")
    path_group.get_by_role("button", name="Add to pipeline parameter").click()
    dialog = page.get_by_role("dialog", name="Add to pipeline parameter")
    expect(dialog.get_by_label("Parameter name")).to_have_value("data_path")
    expect(dialog.get_by_label("Default value")).to_have_value("datastore://default/census/adult.data")
    studio.check("add-parameter")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(path_group).to_contain_text("Pipeline parameter data_path")
    # A change on the page is saved with Save (and undone with Undo until then).
    expect(toolbar).to_contain_text("Unsaved changes")
    toolbar.get_by_role("button", name="Save", exact=True).click()
    expect(toolbar).to_contain_text("All changes saved")
    params = page.get_by_role("table", name="Pipeline parameters")
    expect(params.get_by_role("row", name=re.compile("data_path"))).to_contain_text("used by import.path")
    saved = client.get(f"/pipelines/{pipeline_id}", headers=headers).json()
    assert saved["steps"]["import"]["settings"]["path"] == "${{parameters.data_path}}"
    assert saved["parameters"]["data_path"] == {
        "type": "data_path", "default": "datastore://default/census/adult.data",
        "description": None, "choices": None, "minimum": None, "maximum": None}
    # learning_rate, inside the train step's hyperparameters, becomes a bounded number.
    graph.get_by_role("button", name="train", exact=True).click()
    page.get_by_role("group", name="learning_rate").get_by_role("button", name="Add to pipeline parameter").click()
    dialog = page.get_by_role("dialog", name="Add to pipeline parameter")
    expect(dialog.get_by_label("Type")).to_have_value("number")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    toolbar.get_by_role("button", name="Save", exact=True).click()
    expect(toolbar).to_contain_text("All changes saved")
    saved = client.get(f"/pipelines/{pipeline_id}", headers=headers).json()
    assert saved["steps"]["train"]["settings"]["hyperparameters"]["learning_rate"] == "${{parameters.learning_rate}}"
    assert saved["parameters"]["learning_rate"]["maximum"] == 10
    studio.check("pipeline-parameters")

    # 3. Run the draft and watch it succeed (the page follows it with the long-poll).
    page.get_by_role("button", name="Submit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Submit run")
    expect(dialog.get_by_label("data_path")).to_have_value("datastore://default/census/adult.data")
    dialog.get_by_label("Experiment").fill("first")
    studio.check("submit-draft")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Run run_")
    run_id = heading.inner_text().removeprefix("Run ").strip()
    assert page.url.endswith(f"#/runs/{run_id}")
    expect(page.get_by_label("Status")).to_have_text("succeeded", timeout=RUN_TIMEOUT)
    steps = page.get_by_role("group", name=f"Steps of run {run_id}")
    expect(steps.get_by_role("button", name="evaluate", exact=True)).to_have_accessible_description(re.compile("succeeded"))
    expect(page.get_by_role("table", name="Metrics of this run")).to_contain_text("roc_auc")

    # The train step's Outputs + logs: the log, the model with its size and sha256.
    steps.get_by_role("button", name="train", exact=True).click()
    outputs = page.get_by_role("region", name="Outputs + logs")
    expect(outputs.get_by_label("Log of step train")).to_contain_text("fitting boosted_decision_tree")
    model_row = outputs.get_by_role("table", name="Outputs of step train").get_by_role("row", name=re.compile("model"))
    expect(model_row).to_contain_text(re.compile(r"[0-9a-f]{64}"))
    studio.check("run-outputs")
    shown_sha = re.search(r"[0-9a-f]{64}", model_row.inner_text()).group(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download model").click()
    model_file = tmp_path / "model.joblib"
    download.value.save_as(model_file)
    assert hashlib.sha256(model_file.read_bytes()).hexdigest() == shown_sha
    api_run = client.get(f"/runs/{run_id}", headers=headers).json()
    assert api_run["model"] == {"name": "income-prediction", "version": 1}

    # 4. Publish to a new endpoint.
    page.get_by_role("link", name="income-prediction", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="income-prediction")).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_role("dialog", name="Publish pipeline")
    dialog.get_by_label("Endpoint").fill("census-income")
    dialog.get_by_label("Description").fill("boosted trees")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(dialog.get_by_role("status")).to_contain_text("as version 1")
    studio.check("published")
    dialog.get_by_role("link", name="Open endpoint census-income").click()

    # 5. The endpoint's page: submit version 1 with the non-US data, chosen with Browse.
    expect(page.get_by_role("heading", level=1, name="census-income")).to_be_visible()
    expect(page.get_by_role("tab", name="Published pipelines")).to_have_attribute("aria-selected", "true")
    version = page.get_by_role("row", name=re.compile("Version 1"))
    expect(version).to_contain_text("default")
    studio.check("endpoint")
    version.get_by_role("button", name="Submit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Submit run")
    learning_rate = dialog.get_by_label("learning_rate")
    expect(learning_rate).to_have_attribute("type", "number")
    expect(learning_rate).to_have_attribute("max", "10")
    dialog.get_by_role("button", name="Browse").click()
    studio.check("submit-browse")
    dialog.get_by_role("button", name="datastore://default/census/non-us.data").click()
    expect(dialog.get_by_label("data_path")).to_have_value("datastore://default/census/non-us.data")
    dialog.get_by_label("Experiment").fill("nightly")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(heading).to_contain_text("Run run_")
    retrain_id = heading.inner_text().removeprefix("Run ").strip()
    assert retrain_id != run_id
    expect(page.get_by_label("Status")).to_have_text("succeeded", timeout=RUN_TIMEOUT)
    studio.check("run")
    page.set_viewport_size(PHONE)
    studio.check("run-phone")
    page.set_viewport_size({"width": 1366, "height": 820})

    # Its model version, with the lineage naming the endpoint version and the non-US data.
    page.get_by_role("link", name="income-prediction version 2").click()
    expect(page.get_by_role("heading", level=1, name="income-prediction version 2")).to_be_visible()
    lineage = page.get_by_role("region", name="Lineage")
    expect(lineage).to_contain_text(retrain_id)
    expect(lineage).to_contain_text("census-income version 1")
    expect(lineage.get_by_role("table", name="Parameters")).to_contain_text("datastore://default/census/non-us.data")
    studio.check("model-version")

    # The lists a person comes back to.
    studio.nav("Runs")
    runs = page.get_by_role("table", name="Runs")
    expect(runs.get_by_role("link", name=retrain_id)).to_be_visible()
    expect(runs.get_by_role("row", name=re.compile(run_id))).to_contain_text("succeeded")
    studio.check("runs")
    studio.nav("Endpoints")
    expect(page.get_by_role("link", name="census-income")).to_be_visible()
    studio.check("endpoints")
    page.get_by_role("link", name="census-income").click()
    page.get_by_role("tab", name="Runs").click()
    expect(page.get_by_role("table", name="Runs of census-income").get_by_role("link", name=retrain_id)).to_be_visible()
    studio.check("endpoint-runs")
    studio.nav("Models")
    page.get_by_role("link", name="income-prediction", exact=True).click()
    expect(page.get_by_role("table", name="Versions of income-prediction").get_by_role("row")).to_have_count(3)
    studio.check("model")
    studio.nav("Pipelines")
    expect(page.get_by_role("link", name="income-prediction")).to_be_visible()
    studio.check("pipelines")
    studio.nav("Deployments")
    studio.check("deployments")
    page.set_viewport_size(PHONE)
    studio.nav("Pipelines")
    studio.check("pipelines-phone")
    assert "access_token" not in page.url and "Bearer" not in page.url
    retrain = httpx.get(f"{studio.url}/runs/{retrain_id}", headers=headers).json()
    assert retrain["endpoint_version"] == 1 and retrain["parameters"]["data_path"].endswith("non-us.data")
