"""The Deployments page in a real browser: deploy a trained model version from its page,
see the version serving and the history, try a prediction from the form built from the
input schema (and a 422 shown at the field it names), watch a retrain promote the
following deployment (history and run page), roll back, disable, and create a pinned
deployment from the Deployments page.

The small pipeline (60 rows, logistic regression) keeps the training runs to seconds;
the runs are started through the API: the studio's run pages have their own test."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.browser import LAPTOP, PHONE, assert_breaks_at_separators
from tests.helpers.samples import small_csv, small_pipeline


def _train(client: httpx.Client, headers: dict[str, str], pipeline_id: str, regenerate: bool = False) -> dict:
    run = client.post(f"/pipelines/{pipeline_id}/runs", json={"regenerate": regenerate}, headers=headers)
    assert run.status_code == 202, run.text
    done = wait_for(client, headers, run.json()["id"], timeout=120)
    assert done["status"] == "succeeded", done["error"]
    return done


def test_deploy_predict_and_follow_in_the_studio(studio, workspace_user, worker, client):
    page = studio.page
    headers = bearer(password_token(client, workspace_user))
    assert client.put("/datastores/default/files/small/train.csv", content=small_csv(),
                      headers=headers).status_code == 201
    pipeline = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
    assert _train(client, headers, pipeline["id"])["model"] == {"name": "small", "version": 1}

    studio.open()
    studio.sign_in(workspace_user)
    studio.nav("Deployments")
    expect(page.get_by_text("No deployments yet")).to_be_visible()
    studio.check("deployments-empty")

    # Deploy version 1 from its page, following the model through the default gate.
    studio.nav("Models")
    page.get_by_role("link", name="small", exact=True).click()
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="small version 1")).to_be_visible()
    page.get_by_role("button", name="Deploy", exact=True).click()
    dialog = page.get_by_role("dialog", name="New deployment")
    expect(dialog.get_by_label("Model", exact=True)).to_have_value("small")
    expect(dialog.get_by_label("Version", exact=True)).to_have_value("1")
    expect(dialog.get_by_label("Gate metric")).to_be_hidden()
    dialog.get_by_label("Name", exact=True).fill("small-live")
    dialog.get_by_label("Follow new versions of the model").check()
    expect(dialog.get_by_label("Gate metric")).to_be_visible()
    dialog.get_by_label("Gate metric").select_option("accuracy")
    studio.check("new-deployment")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1, name="small-live")).to_be_visible()
    assert page.url.endswith("#/deployments/small-live")

    serving = page.get_by_role("region", name="Serving")
    expect(serving).to_contain_text("small version 1")
    expect(serving).to_contain_text("yes, through the gate")
    expect(serving).to_contain_text("accuracy")
    history = page.get_by_role("table", name="History of small-live")
    expect(history.get_by_role("row")).to_have_count(2)
    expect(history.get_by_role("row").nth(1)).to_contain_text("created")
    studio.check("deployment")

    # Try a prediction: the form has a field per input column, of the column's kind.
    trial = page.get_by_role("region", name="Try a prediction")
    expect(trial.get_by_label("x1")).to_have_attribute("type", "number")
    expect(trial.get_by_label("color")).to_have_attribute("type", "text")
    expect(trial.get_by_label("y", exact=True)).to_have_count(0)  # the label is not an input
    # A categorical column offers the categories seen in training (the reference profile
    # recorded with the version), most frequent first: a datalist, so any text still goes.
    color = trial.get_by_label("color")
    choices = page.locator(f"datalist#{color.get_attribute('list')} option")
    expect(choices).to_have_count(2)
    assert [choices.nth(i).get_attribute("value") for i in range(2)] == ["red", "blue"]
    expect(color).to_have_accessible_description(re.compile("2 most frequent in training"))
    expect(trial.get_by_label("x1")).not_to_have_attribute("list", re.compile("."))
    # A row of nothing but empty fields is refused at the form, before it is sent.
    trial.get_by_role("button", name="Predict").click()
    expect(trial.get_by_role("alert")).to_contain_text("Every field is empty")
    expect(trial.get_by_role("region", name="Answer")).to_have_count(0)
    studio.check("prediction-empty-row")
    # A category the model never saw still scores.
    color.fill("green")
    trial.get_by_role("button", name="Predict").click()
    expect(trial.get_by_role("alert")).to_have_count(0)
    expect(trial.get_by_role("region", name="Answer")).to_contain_text("Prediction")
    trial.get_by_label("x1").fill("6")
    trial.get_by_label("x2").fill("2")
    trial.get_by_label("color").fill("red")
    trial.get_by_role("button", name="Predict").click()
    answer = trial.get_by_role("region", name="Answer")
    expect(answer).to_contain_text(re.compile(r"Prediction\s*(yes|no)"))
    expect(answer.get_by_role("link", name="small version 1")).to_be_visible()
    probabilities = answer.get_by_role("table", name="Class probabilities")
    expect(probabilities.get_by_role("row")).to_have_count(3)
    for label in ("no", "yes"):
        expect(probabilities.get_by_role("row", name=re.compile(rf"^{label}\b"))).to_contain_text(re.compile(r"0\.\d{4}"))
    studio.check("prediction")
    # The same row through the API answers the same.
    api_answer = client.post("/deployments/small-live/predict", headers=headers,
                             json={"rows": [{"x1": 6, "x2": 2, "color": "red"}]}).json()
    expect(answer).to_contain_text(f"Prediction{api_answer['predictions'][0]}")

    # A value the model cannot take: the server's 422 is shown next to the field it names.
    x1 = trial.get_by_label("x1")
    x1.fill("")
    x1.press_sequentially("1e")
    trial.get_by_role("button", name="Predict").click()
    expect(x1).to_have_attribute("aria-invalid", "true")
    expect(x1).to_have_accessible_description(re.compile("is not a number"))
    expect(trial.get_by_label("color")).not_to_have_attribute("aria-invalid", "true")
    expect(answer).to_have_count(0)
    studio.check("prediction-422")
    # The error was about the value sent: it goes as soon as the field changes.
    x1.press_sequentially("5")
    expect(x1).not_to_have_attribute("aria-invalid", "true")
    expect(x1).not_to_have_accessible_description(re.compile("is not a number"))

    # A retrain that trains again (one that reused its train step would register nothing)
    # registers version 2; the deployment follows it through the gate.
    retrain = _train(client, headers, pipeline["id"], regenerate=True)
    assert retrain["model"] == {"name": "small", "version": 2}
    assert [e["deployment"] for e in retrain["deployments"]] == ["small-live"]
    outcome = retrain["deployments"][0]["reason"]
    assert outcome == "promoted", retrain["deployments"]  # the same data scores the same: >= passes
    page.reload()
    expect(serving).to_contain_text("small version 2")
    entry = history.get_by_role("row").nth(1)
    expect(entry).to_contain_text("promoted")
    expect(entry).to_contain_text("version 1 → version 2")
    expect(entry).to_contain_text(re.compile(r"accuracy: challenger \d\.\d{4} vs champion \(version 1\) \d\.\d{4}"))
    studio.check("promoted")
    page.set_viewport_size(PHONE)
    studio.check("promoted-phone")
    # The prediction route, where the line ends inside it, wraps after a separator.
    assert_breaks_at_separators(serving.locator("code", has_text="/predict"))
    assert_breaks_at_separators(trial.locator("p code", has_text="/predict"), must_wrap=True)
    page.set_viewport_size(LAPTOP)

    # The run's page says what it did to the deployment.
    entry.get_by_role("link", name=retrain["id"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(retrain["id"])
    effects = page.get_by_role("table", name="Deployments this run changed")
    row = effects.get_by_role("row", name=re.compile("small-live"))
    expect(row).to_contain_text("promoted")
    expect(row).to_contain_text("version 1 → version 2")
    studio.check("run-deployments")
    row.get_by_role("link", name="small-live").click()

    # Roll back to version 1: the history says so, and version 1 answers.
    expect(page.get_by_role("heading", level=1, name="small-live")).to_be_visible()
    page.get_by_label("Version to serve").select_option("1")
    page.get_by_role("button", name="Serve this version").click()
    expect(serving).to_contain_text("small version 1")
    expect(history.get_by_role("row").nth(1)).to_contain_text("rollback")
    expect(history.get_by_role("row").nth(1)).to_contain_text("version 2 → version 1")
    trial.get_by_label("x1").fill("6")
    trial.get_by_role("button", name="Predict").click()
    expect(answer.get_by_role("link", name="small version 1")).to_be_visible()

    # Disabled, it refuses predictions, and the form says why.
    page.get_by_role("button", name="Disable deployment").click()
    expect(serving).to_contain_text("disabled")
    trial.get_by_role("button", name="Predict").click()
    expect(trial.get_by_role("alert")).to_contain_text("disabled")
    studio.check("disabled")
    page.get_by_role("button", name="Enable deployment").click()
    expect(serving).to_contain_text("enabled")

    # A pinned deployment from the Deployments page; a missing version is named at its field.
    studio.nav("Deployments")
    page.get_by_role("button", name="New deployment").click()
    dialog = page.get_by_role("dialog", name="New deployment")
    dialog.get_by_label("Name", exact=True).fill("small-pinned")
    dialog.get_by_label("Model", exact=True).fill("small")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_label("Version", exact=True)).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Version", exact=True).fill("2")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1, name="small-pinned")).to_be_visible()
    expect(serving).to_contain_text("no (pinned)")
    studio.nav("Deployments")
    listing = page.get_by_role("table", name="Deployments")
    expect(listing.get_by_role("row", name=re.compile("small-live"))).to_contain_text("version 1")
    expect(listing.get_by_role("row", name=re.compile("small-pinned"))).to_contain_text("version 2")
    studio.check("deployments")
