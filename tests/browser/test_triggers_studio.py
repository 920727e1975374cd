"""An endpoint's Triggers tab in a real browser: create a schedule and a data trigger
(a bad cron named at its field), the next fire time and the last firing, disable, the
firings history, and the page of a run a trigger started, against a real
`retrainer scheduler` allowed triggers of a second."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.helpers.api import bearer, password_token
from tests.helpers.browser import LAPTOP, PHONE
from tests.helpers.processes import Server, start_api, start_scheduler, stop_process
from tests.helpers.samples import small_csv, small_pipeline

FAST = {"RETRAINER_MIN_TRIGGER_SECONDS": "1", "RETRAINER_TRIGGER_POLL_SECONDS": "1"}


@pytest.fixture
def fast_api(backend, tmp_path) -> Iterator[Server]:
    """An API and a scheduler that allow triggers of a second (the default minimum is 60)."""
    server = start_api(backend, tmp_path / "api.log", **FAST)
    scheduler = start_scheduler(backend, tmp_path / "scheduler.log", **FAST)
    try:
        yield server
    finally:
        stop_process(scheduler.process)
        stop_process(server.process)


@pytest.fixture
def fast_client(fast_api) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fast_api.url, timeout=60) as client:
        yield client


def test_triggers_tab_schedule_firings_and_the_run_it_started(open_tab, fast_api, fast_client, workspace_user):
    studio = open_tab(fast_api.url)
    page = studio.page
    client = fast_client
    headers = bearer(password_token(client, workspace_user))
    assert client.put("/datastores/default/files/small/train.csv", content=small_csv(),
                      headers=headers).status_code == 201
    draft = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
    endpoint = client.post("/endpoints", json={"name": "hourly-census"}, headers=headers).json()
    assert client.post(f"/endpoints/{endpoint['id']}/versions", json={"pipeline_id": draft["id"]},
                       headers=headers).status_code == 201
    # Its runs go to a queue no worker serves: the first stays queued, so the next
    # firings are skipped (overlap "skip") and nothing trains on a loaded machine.
    assert client.patch(f"/endpoints/{endpoint['id']}", json={"queue": "parked-studio"},
                        headers=headers).status_code == 200

    studio.open(f"#/endpoints/{endpoint['name']}")
    studio.sign_in(workspace_user)
    page.get_by_role("tab", name="Triggers").click()
    assert page.url.endswith("/triggers")
    panel = page.get_by_role("tabpanel", name="Triggers")
    expect(panel.get_by_text("No triggers yet")).to_be_visible()

    # A bad cron expression is named at its field.
    panel.get_by_role("button", name="New trigger").click()
    dialog = page.get_by_role("dialog", name="New trigger for hourly-census")
    dialog.get_by_label("Name", exact=True).fill("often")
    dialog.get_by_label("Cron").fill("every minute please")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_label("Cron")).to_have_attribute("aria-invalid", "true")
    studio.check("new-trigger-422")
    dialog.get_by_label("Cron").fill("")
    dialog.get_by_label("Every (seconds)").fill("2")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_have_count(0)
    listing = panel.get_by_role("table", name="Triggers of hourly-census")
    row = listing.get_by_role("row", name=re.compile("^often"))
    expect(row).to_contain_text("every 2 s")
    expect(row).to_contain_text("enabled")

    # A data trigger: the data fields replace the schedule's; it has no next fire time.
    panel.get_by_role("button", name="New trigger").click()
    dialog = page.get_by_role("dialog", name="New trigger for hourly-census")
    dialog.get_by_label("Name", exact=True).fill("on-new-data")
    dialog.get_by_label("Fires").select_option("data")
    expect(dialog.get_by_label("Cron")).to_be_hidden()
    dialog.get_by_label("Watch folder").fill("datastore://default/incoming/")
    dialog.get_by_label("Parameter for the file").fill("data_path")
    studio.check("new-data-trigger")
    dialog.get_by_role("button", name="Create").click()
    data_row = listing.get_by_role("row", name=re.compile("^on-new-data"))
    expect(data_row).to_contain_text("new files in datastore://default/incoming/")

    # It fires: the first firing submits a run, the next are skipped while that run waits.
    trigger_id = next(t["id"] for t in client.get(f"/endpoints/{endpoint['id']}/triggers",
                                                   headers=headers).json()["items"] if t["name"] == "often")
    deadline = time.monotonic() + 120
    while not {"submitted", "skipped"} <= {f["outcome"] for f in client.get(
            f"/triggers/{trigger_id}/firings", headers=headers).json()["items"]}:
        assert time.monotonic() < deadline, "the schedule did not fire twice"
        time.sleep(0.5)
    panel.get_by_role("button", name="Refresh").click()
    last = row.get_by_role("cell").nth(3)
    expect(last).to_contain_text("skipped")
    expect(row.get_by_role("cell").nth(2)).not_to_have_text("–")  # the next fire time
    studio.check("triggers")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    studio.check("triggers-phone")
    page.set_viewport_size(LAPTOP)

    # Disabled, it has no next fire time.
    row.get_by_role("button", name="Disable often").click()
    expect(row).to_contain_text("disabled")
    expect(row.get_by_role("cell").nth(2)).to_have_text("–")

    # The firings history, newest first; the submitted one links the run it started.
    row.get_by_role("button", name="Firings of often").click()
    firings = page.get_by_role("dialog", name="Firings of often").get_by_role("table", name="Firings of often")
    expect(firings.get_by_role("row", name=re.compile("skipped")).first).to_contain_text("still")
    submitted = firings.get_by_role("row", name=re.compile("submitted"))
    expect(submitted).to_have_count(1)
    expect(submitted.get_by_role("link")).to_be_in_viewport()  # not scrolled out of the dialog's frame
    studio.check("firings")
    submitted.get_by_role("link").click()

    # The run's page says which trigger started it.
    summary = page.get_by_role("definition").filter(has_text="schedule trigger often")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="often")).to_have_attribute("href", "#/endpoints/hourly-census/triggers")
    studio.check("run-started-by-trigger")
