"""The studio's forms and sessions in a real browser: a 422 shown beside the fields
its errors name, a 202 that opens the run, sign-out, an expired session, keyboard use."""

from __future__ import annotations

import re
import secrets

import httpx
import pytest
from playwright.sync_api import expect

from tests.helpers.api import bearer, password_token
from tests.helpers.browser import PHONE
from tests.helpers.processes import start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline


@pytest.fixture
def small_endpoint(client, workspace_user):
    """An endpoint whose version 1 has a data path and a bounded integer parameter."""
    headers = bearer(password_token(client, workspace_user))
    assert client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers).status_code == 201
    spec = small_pipeline()
    spec["parameters"]["seed"] = {"type": "integer", "default": 1, "minimum": 0, "maximum": 100,
                                  "description": "Seed of the split"}
    spec["parameters"]["algorithm"] = {"type": "enum", "default": "logistic_regression",
                                       "choices": ["logistic_regression", "decision_tree"]}
    spec["parameters"]["regularize"] = {"type": "boolean", "default": False}
    spec["steps"]["split"]["settings"]["seed"] = "${{parameters.seed}}"
    spec["steps"]["train"]["settings"]["algorithm"] = "${{parameters.algorithm}}"
    pipeline = client.post("/pipelines", json=spec, headers=headers)
    assert pipeline.status_code == 201, pipeline.text
    assert client.post("/endpoints", json={"name": "small-income"}, headers=headers).status_code == 201
    published = client.post("/endpoints/small-income/versions", json={"pipeline_id": pipeline.json()["id"]},
                            headers=headers)
    assert published.status_code == 201, published.text
    return headers


def test_submit_shows_each_422_error_beside_its_field_then_opens_the_run(studio, workspace_user, small_endpoint, worker):
    page = studio.page
    studio.open("#/endpoints/small-income")
    studio.sign_in(workspace_user)  # the address is kept through the sign-in
    expect(page.get_by_role("heading", level=1, name="small-income")).to_be_visible()
    page.get_by_role("row", name=re.compile("Version 1")).get_by_role("button", name="Submit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Submit run")
    data_path, seed = dialog.get_by_label("data_path"), dialog.get_by_label("seed")
    expect(seed).to_have_attribute("min", "0")
    expect(seed).to_have_attribute("max", "100")
    expect(dialog.get_by_label("algorithm")).to_have_value("0")  # a select, on the default choice
    expect(dialog.get_by_label("regularize")).not_to_be_checked()  # a checkbox
    missing = f"small/{secrets.token_hex(4)}-missing.csv"
    data_path.fill(f"datastore://default/{missing}")
    seed.fill("1000")
    dialog.get_by_role("button", name="Submit", exact=True).click()

    # Every problem at once, each beside its field and announced as its description: the
    # bound beside seed, the missing file beside data_path (focused: the form's first).
    expect(seed).to_have_attribute("aria-invalid", "true")
    expect(seed).to_have_accessible_description(re.compile("must be <= 100, got 1000"))
    expect(data_path).to_be_focused()
    expect(dialog.get_by_role("alert")).to_contain_text("Invalid input")
    expect(data_path).to_have_attribute("aria-invalid", "true")
    expect(data_path).to_have_accessible_description(re.compile(f"{missing} does not exist"))
    studio.check("submit-422")

    # Fixed, the seed is no longer marked; the file still is.
    seed.fill("7")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(data_path).to_have_attribute("aria-invalid", "true")
    expect(seed).not_to_have_attribute("aria-invalid", "true")

    # An experiment name the server refuses is shown beside the Experiment field.
    data_path.fill("datastore://default/small/train.csv")
    dialog.get_by_label("Experiment").fill("not a name!")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(dialog.get_by_label("Experiment")).to_have_accessible_description(re.compile("pattern|match", re.IGNORECASE))
    expect(data_path).not_to_have_attribute("aria-invalid", "true")

    dialog.get_by_label("Experiment").fill("fixed")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Run run_")
    expect(page.get_by_label("Status")).to_have_text("succeeded", timeout=120_000)
    expect(page.get_by_role("table", name="Parameters of this run")).to_contain_text("7")


def test_sign_out_revokes_the_token_and_shows_the_form(studio, workspace_user, client):
    page = studio.page
    studio.open()
    page.get_by_label("Password").fill("wrong password")
    page.get_by_label("Username").fill(workspace_user.username)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    studio.sign_in(workspace_user)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('retrainer.session')).token")
    assert client.get("/me", headers=bearer(token)).status_code == 200
    assert token not in page.url and studio.context.cookies() == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to Retrainer Studio")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0
    assert client.get("/me", headers=bearer(token)).status_code == 401  # revoked, not just forgotten
    studio.check("signed-out")


def test_expired_session_returns_to_sign_in_and_back_to_the_same_page(studio, workspace_user, small_endpoint, client):
    page = studio.page
    studio.open()
    studio.sign_in(workspace_user)
    studio.nav("Endpoints")
    page.get_by_role("link", name="small-income").click()
    page.get_by_role("tab", name="Runs").click()
    expect(page.get_by_text("No runs yet: submit one from the Published pipelines tab.")).to_be_visible()
    where = page.url
    assert where.endswith("#/endpoints/small-income/runs")

    # The token stops working on the server (as when it expires): the next call gets 401.
    token = page.evaluate("JSON.parse(sessionStorage.getItem('retrainer.session')).token")
    assert client.post("/oauth/revoke", data={"token": token}, headers=bearer(token)).status_code == 200
    page.get_by_role("tab", name="Published pipelines").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to Retrainer Studio")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your session has expired")
    assert page.url.startswith(where.rsplit("#", 1)[0]) and "#/endpoints/small-income" in page.url
    studio.check("expired")

    studio.sign_in(workspace_user)
    expect(page.get_by_role("heading", level=1, name="small-income")).to_be_visible()
    expect(page.get_by_role("tab", name="Published pipelines")).to_have_attribute("aria-selected", "true")


def test_keyboard_only_publish_and_tabs(studio, workspace_user, small_endpoint):
    """Tab, Enter and the arrow keys reach everything the mouse does."""
    page = studio.page
    studio.open("#/endpoints/small-income")
    studio.sign_in(workspace_user)
    tab = page.get_by_role("tab", name="Published pipelines")
    tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Runs")).to_be_focused()
    expect(page.get_by_role("tab", name="Runs")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowLeft")
    expect(tab).to_be_focused()
    version = page.get_by_role("row", name=re.compile("Version 1"))
    version.get_by_role("button", name="Submit", exact=True).focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Submit run")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The pipeline's page: a step is selected with the keyboard, its settings follow.
    page.get_by_role("link", name="draft").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="small")).to_be_visible()
    page.get_by_role("button", name="train", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Step train")).to_be_visible()
    expect(page.get_by_role("group", name="algorithm")).to_contain_text("Pipeline parameter algorithm")
    page.set_viewport_size(PHONE)
    studio.check("pipeline-phone")


def test_runs_update_live_without_reloading(open_tab, backend, workspace_user, small_endpoint, tmp_path):
    """Runs held in a queue that no worker reads: the list and the run's page show them
    queued, then canceled as soon as that happens elsewhere, without a reload."""
    queue = "held-" + secrets.token_hex(4)
    server = start_api(backend, tmp_path / "api.log", RETRAINER_QUEUE=queue)
    try:
        held = [httpx.post(f"{server.url}/endpoints/small-income/runs", json={"experiment": f"held-{i}"},
                           headers=small_endpoint).json()["id"] for i in range(2)]
        studio = open_tab(server.url)
        page = studio.page
        studio.open("#/runs")
        studio.sign_in(workspace_user)
        runs = page.get_by_role("table", name="Runs")
        for run_id in held:
            expect(runs.get_by_role("row", name=re.compile(run_id))).to_contain_text("queued")
        studio.check("runs-queued")
        box = runs.bounding_box()
        assert httpx.post(f"{server.url}/runs/{held[1]}/cancel", headers=small_endpoint).status_code == 200
        expect(runs.get_by_role("row", name=re.compile(held[1]))).to_contain_text("canceled", timeout=40_000)
        expect(runs.get_by_role("row", name=re.compile(held[0]))).to_contain_text("queued")
        assert runs.bounding_box() == box  # updated in place: nothing moved

        runs.get_by_role("link", name=held[0]).click()
        expect(page.get_by_label("Status")).to_have_text("queued")
        expect(page.get_by_role("button", name="Cancel run")).to_be_visible()
        studio.check("run-queued")
        assert httpx.post(f"{server.url}/runs/{held[0]}/cancel", headers=small_endpoint).status_code == 200
        expect(page.get_by_label("Status")).to_have_text("canceled", timeout=40_000)
        expect(page.get_by_role("button", name="Cancel run")).to_be_hidden()
        steps = page.get_by_role("group", name=f"Steps of run {held[0]}")
        expect(steps.get_by_role("button", name="import", exact=True)).to_have_accessible_description(re.compile("canceled"))
    finally:
        stop_process(server.process)


def test_edit_and_remove_parameters_then_publish_a_second_version(studio, workspace_user, small_endpoint, client):
    page = studio.page
    studio.open("#/pipelines")
    studio.sign_in(workspace_user)
    page.get_by_role("link", name="small").click()
    expect(page.get_by_role("heading", level=1, name="small")).to_be_visible()
    pipeline_id = page.url.rsplit("/", 1)[1]
    params = page.get_by_role("table", name="Pipeline parameters")

    # Edit: seed's maximum becomes 50.
    params.get_by_role("button", name="Edit seed").click()
    dialog = page.get_by_role("dialog", name="Edit parameter seed")
    expect(dialog.get_by_label("Maximum")).to_have_value("100")
    dialog.get_by_label("Maximum").fill("50")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(params.get_by_role("row", name=re.compile("seed"))).to_contain_text("max 50")
    # A default of the wrong type is refused beside the field.
    params.get_by_role("button", name="Edit seed").click()
    dialog = page.get_by_role("dialog", name="Edit parameter seed")
    dialog.get_by_label("Default value").fill("many")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_label("Default value")).to_have_attribute("aria-invalid", "true")
    studio.check("edit-parameter-422")
    dialog.get_by_role("button", name="Close").click()

    # Remove: the setting that used it takes the default back.
    params.get_by_role("button", name="Remove algorithm").click()
    dialog = page.get_by_role("dialog", name="Remove parameter algorithm")
    expect(dialog).to_contain_text("train.algorithm")
    dialog.get_by_role("button", name="Remove").click()
    expect(dialog).to_be_hidden()
    expect(params.get_by_role("row", name=re.compile("algorithm"))).to_have_count(0)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("toolbar", name="Draft")).to_contain_text("All changes saved")
    saved = client.get(f"/pipelines/{pipeline_id}", headers=small_endpoint).json()
    assert "algorithm" not in saved["parameters"] and saved["parameters"]["seed"]["maximum"] == 50
    assert saved["steps"]["train"]["settings"]["algorithm"] == "logistic_regression"

    # Publish to the existing endpoint, not as the default.
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_role("dialog", name="Publish pipeline")
    dialog.get_by_label("Endpoint").fill("small-income")
    dialog.get_by_label("Make it the default version").uncheck()
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(dialog.get_by_role("status")).to_contain_text("small-income as version 2.")
    dialog.get_by_role("link", name="Open endpoint small-income").click()
    v1 = page.get_by_role("row", name=re.compile("Version 1"))
    v2 = page.get_by_role("row", name=re.compile("Version 2"))
    expect(v1.get_by_role("rowheader")).to_have_text("Version 1 default")
    expect(v2.get_by_role("rowheader")).to_have_text("Version 2")
    v2.get_by_role("button", name="Set as default").click()
    expect(v2.get_by_role("rowheader")).to_have_text("Version 2 default")
    expect(v1.get_by_role("rowheader")).to_have_text("Version 1")
    expect(v1.get_by_role("button", name="Set as default")).to_be_visible()
    assert client.get("/endpoints/small-income", headers=small_endpoint).json()["default_version"] == 2

    # A disabled endpoint refuses runs (409), and says so in the dialog.
    page.get_by_role("button", name="Disable endpoint").click()
    expect(page.get_by_role("button", name="Enable endpoint")).to_be_visible()
    v2.get_by_role("button", name="Submit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Submit run")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(dialog.get_by_role("alert")).to_contain_text("disabled")
    studio.check("disabled-endpoint")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Enable endpoint").click()
    expect(page.get_by_role("button", name="Disable endpoint")).to_be_visible()
    assert client.get("/endpoints/small-income", headers=small_endpoint).json()["enabled"] is True
